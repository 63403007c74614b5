/**
 * Signs an Invoke API request with AWS Signature V4 as the AWS CLI does (service `lambda`), with
 * `@smithy/signature-v4`, the signer the AWS SDK uses and lambkin's gate verifies with. Imported
 * only when there are credentials, so an unsigned `lambkin invoke` loads none of it.
 */
import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import type { Credentials } from "./credentials.ts";

export interface UnsignedRequest {
  method: string;
  headers: Record<string, string>;
  body?: Uint8Array;
}

/** `request` for `url` with `authorization`, `x-amz-date` and `x-amz-content-sha256` added. */
export async function signRequest(
  url: URL,
  request: UnsignedRequest,
  credentials: Credentials,
): Promise<UnsignedRequest> {
  const { accessKeyId, secretAccessKey, sessionToken, region } = credentials;
  const signer = new SignatureV4({
    credentials: { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) },
    region,
    service: "lambda",
    sha256: Sha256,
  });
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const prior = query[key];
    query[key] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
  }
  const signed = await signer.sign({
    method: request.method,
    protocol: url.protocol,
    hostname: url.hostname,
    port: url.port === "" ? undefined : Number(url.port),
    // As sent: `fetch` keeps the percent-encoding of `url.pathname`, and the server checks that.
    path: url.pathname,
    query,
    // `host` is signed as `fetch` will send it (the URL's host and port).
    headers: { ...request.headers, host: url.host },
    ...(request.body ? { body: request.body } : {}),
  });
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(signed.headers)) {
    // `fetch` sets Host itself (it may not be set by hand).
    if (name.toLowerCase() !== "host") headers[name] = String(value);
  }
  return { ...request, headers };
}

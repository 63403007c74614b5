/**
 * Verifies AWS Signature Version 4 on incoming requests, with `@smithy/signature-v4` — the signer
 * the AWS SDK itself uses — recomputing the signature over exactly the headers the client signed,
 * so lambkin never hand-rolls the canonical request or the HMAC chain.
 */
import type { AuthConfig } from "./access-config.ts";

/**
 * The signer, loaded on the first signed request: the two packages take ~60–100 ms of CPU to load
 * (measured here with `node -e`), which every `lambkin start` and one-shot invoke paid although
 * most lambkins never verify a signature.
 */
const signing = () =>
  Promise.all([import("@aws-crypto/sha256-js"), import("@smithy/signature-v4")]).then(([sha, sigv4]) => ({
    Sha256: sha.Sha256,
    SignatureV4: sigv4.SignatureV4,
  }));

/** How far a request's `X-Amz-Date` may be from lambkin's clock, as AWS allows. */
const MAX_SKEW_MS = 15 * 60 * 1000;

/** Why a request was refused, in AWS's words: the error type and message AWS answers with. */
export interface SignatureFailure {
  errorType:
    | "MissingAuthenticationTokenException"
    | "UnrecognizedClientException"
    | "InvalidSignatureException";
  message: string;
}

const AUTHORIZATION =
  /^AWS4-HMAC-SHA256\s+Credential=([^/,\s]+)\/(\d{8})\/([^/,\s]+)\/([^/,\s]+)\/aws4_request,\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;

/** `20261206T101500Z` → Date, or undefined when malformed. */
function parseAmzDate(value: string): Date | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(value);
  if (!m) return undefined;
  const [, y, mo, d, h, mi, s] = m.map(Number) as number[];
  return new Date(Date.UTC(y!, mo! - 1, d!, h!, mi!, s!));
}

/** Compares two hex signatures without stopping at the first difference. */
function sameSignature(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Checks `request` (whose body is `body`) against `auth`. Returns undefined when it is signed with
 * those credentials, within 15 minutes of now; otherwise the failure AWS would answer with.
 */
export async function verifySignature(
  request: Request,
  body: Uint8Array,
  auth: AuthConfig,
  now = Date.now(),
): Promise<SignatureFailure | undefined> {
  const header = request.headers.get("authorization");
  if (header === null) {
    return { errorType: "MissingAuthenticationTokenException", message: "Missing Authentication Token" };
  }
  const m = AUTHORIZATION.exec(header.trim());
  if (!m) {
    return {
      errorType: "InvalidSignatureException",
      message: `Authorization header requires 'Credential', 'SignedHeaders' and 'Signature' parameters for AWS4-HMAC-SHA256. Authorization=${header.slice(0, 40)}…`,
    };
  }
  const [, accessKeyId, , region, service, signedHeaderList, signature] = m as unknown as string[];
  if (accessKeyId !== auth.accessKeyId) {
    return {
      errorType: "UnrecognizedClientException",
      message: "The security token included in the request is invalid.",
    };
  }
  const amzDate = request.headers.get("x-amz-date") ?? "";
  const signedAt = parseAmzDate(amzDate);
  if (!signedAt) {
    return { errorType: "InvalidSignatureException", message: "Missing or malformed X-Amz-Date header." };
  }
  if (Math.abs(now - signedAt.getTime()) > MAX_SKEW_MS) {
    return {
      errorType: "InvalidSignatureException",
      message: `Signature expired: ${amzDate} is now earlier than ${formatAmzDate(now - MAX_SKEW_MS)} (${formatAmzDate(now)} - 15 min.)`,
    };
  }
  const { Sha256, SignatureV4 } = await signing();
  // A signed payload hash stands for the body in the signature: it must be the body's.
  const claimedHash = request.headers.get("x-amz-content-sha256");
  if (claimedHash !== null && /^[0-9a-f]{64}$/i.test(claimedHash)) {
    const hash = new Sha256();
    hash.update(body);
    const actual = Array.from(await hash.digest(), (b) => b.toString(16).padStart(2, "0")).join("");
    if (actual !== claimedHash.toLowerCase()) {
      return {
        errorType: "InvalidSignatureException",
        message: "The provided 'x-amz-content-sha256' header does not match what was computed.",
      };
    }
  }
  const signedHeaders = signedHeaderList!.split(";");
  const headers: Record<string, string> = {};
  for (const name of signedHeaders) {
    const value = request.headers.get(name);
    if (value !== null) headers[name] = value;
  }
  const url = new URL(request.url);
  const query: Record<string, string | string[]> = {};
  for (const [key, value] of url.searchParams) {
    const prior = query[key];
    query[key] = prior === undefined ? value : Array.isArray(prior) ? [...prior, value] : [prior, value];
  }
  // The path exactly as sent (still percent-encoded), as the client's signer saw it.
  const rawPath = request.url.slice(request.url.indexOf("/", request.url.indexOf("//") + 2)).split("?")[0]!;
  const signer = new SignatureV4({
    credentials: { accessKeyId: auth.accessKeyId, secretAccessKey: auth.secretAccessKey },
    region: region!,
    service: service!,
    sha256: Sha256,
    // Verify, do not add: a payload-hash header counts only when the client signed one.
    applyChecksum: false,
  });
  const signed = await signer.sign(
    {
      method: request.method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port === "" ? undefined : Number(url.port),
      path: rawPath,
      query,
      headers,
      body,
    },
    { signingDate: signedAt, signableHeaders: new Set(signedHeaders) },
  );
  const expected = /Signature=([0-9a-f]{64})/.exec(String(signed.headers.authorization ?? ""))?.[1] ?? "";
  if (!sameSignature(expected, signature!)) {
    return {
      errorType: "InvalidSignatureException",
      message:
        "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
    };
  }
  return undefined;
}

function formatAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, "")
    .replace(/\.\d{3}/, "");
}

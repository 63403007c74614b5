import { Sha256 } from "@aws-crypto/sha256-js";
import { SignatureV4 } from "@smithy/signature-v4";
import { describe, expect, it } from "vitest";
import { verifySignature } from "./sigv4.ts";

const auth = { accessKeyId: "AKIDUNIT", secretAccessKey: "unit-secret" };
const body = new TextEncoder().encode('{"a":1}');

/** A request signed as the AWS SDK signs it (same signer, the client side). */
async function signed(
  secret = auth.secretAccessKey,
  date = new Date(),
  path = "/2015-03-31/functions/arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Ahello/invocations",
) {
  const signer = new SignatureV4({
    credentials: { accessKeyId: auth.accessKeyId, secretAccessKey: secret },
    region: "us-east-1",
    service: "lambda",
    sha256: Sha256,
  });
  const out = await signer.sign(
    {
      method: "POST",
      protocol: "http:",
      hostname: "127.0.0.1",
      port: 3001,
      path,
      query: { Qualifier: "prod" },
      headers: { host: "127.0.0.1:3001", "content-type": "application/json" },
      body,
    },
    { signingDate: date },
  );
  return new Request(`http://127.0.0.1:3001${path}?Qualifier=prod`, {
    method: "POST",
    headers: out.headers as Record<string, string>,
    body,
  });
}

describe("verifySignature", () => {
  it("accepts a request signed with the credentials (encoded ARN path, query, payload hash)", async () => {
    expect(await verifySignature(await signed(), body, auth)).toBeUndefined();
  });

  it("refuses a wrong secret, a changed body, an unknown key, no signature and an old one", async () => {
    expect((await verifySignature(await signed("other"), body, auth))?.errorType).toBe(
      "InvalidSignatureException",
    );
    expect((await verifySignature(await signed(), new TextEncoder().encode("{}"), auth))?.errorType).toBe(
      "InvalidSignatureException",
    );
    expect(
      (await verifySignature(await signed(), body, { ...auth, accessKeyId: "AKIDOTHER" }))?.errorType,
    ).toBe("UnrecognizedClientException");
    expect((await verifySignature(new Request("http://127.0.0.1:3001/x"), body, auth))?.errorType).toBe(
      "MissingAuthenticationTokenException",
    );
    const old = await verifySignature(
      await signed(auth.secretAccessKey, new Date(Date.now() - 16 * 60_000)),
      body,
      auth,
    );
    expect(old?.message).toMatch(/^Signature expired: \d{8}T\d{6}Z is now earlier than/);
  });
});

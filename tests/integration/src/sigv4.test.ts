// lambkin bound beyond loopback (`lambkin start --host 0.0.0.0 --auth KEY:SECRET`) takes only
// SigV4 requests signed with those credentials: checked with the clients users sign with — the
// AWS SDK, the AWS CLI and curl's --aws-sigv4 — signing right and wrong, and with unsigned curl.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { invokeWithAwsCli } from "./aws-cli.ts";
import { text } from "./lambda-sdk.ts";
import { CLI_JS, CURL_DIR, type LambkinCli, startLambkinCli } from "./lambkin-cli.ts";

const KEY = "AKIDLAMBKINTEST";
const SECRET = "lambkin-test-secret";
const shell = { runtime: "provided" as const, codeDir: CURL_DIR, handler: "function.handler" };
let lk: LambkinCli;
let url: string;
let functionUrl: string;

/** curl, as a user types it; returns status and body. */
function curl(args: string[]): { status: number; body: string } {
  const r = spawnSync("curl", ["-s", "-o", "-", "-w", "\n%{http_code}", ...args], { encoding: "utf8" });
  const nl = r.stdout.lastIndexOf("\n");
  return { status: Number(r.stdout.slice(nl + 1)), body: r.stdout.slice(0, nl) };
}

const sdk = (accessKeyId: string, secretAccessKey: string) =>
  new LambdaClient({
    endpoint: url,
    region: "us-east-1",
    credentials: { accessKeyId, secretAccessKey },
    maxAttempts: 1,
  });

beforeAll(async () => {
  lk = await startLambkinCli(
    {
      echo: shell,
      // function.pid answers {"pid":…}: JSON a Function URL returns as it is.
      iam: { ...shell, handler: "function.pid", url: { authType: "AWS_IAM" } },
      open: { ...shell, handler: "function.pid" },
    },
    { args: ["--host", "0.0.0.0", "--auth", `${KEY}:${SECRET}`] },
  );
  // Bound to every interface; the tests reach it through loopback.
  url = lk.url.replace("0.0.0.0", "127.0.0.1");
  functionUrl = lk.functionUrl.replace("0.0.0.0", "127.0.0.1");
});

afterAll(async () => {
  await lk?.destroy();
});

describe("SigV4 on the Invoke API", () => {
  it("serves the AWS SDK signing with the configured credentials", async () => {
    const out = await sdk(KEY, SECRET).send(new InvokeCommand({ FunctionName: "echo", Payload: '{"a":1}' }));
    expect(out.StatusCode).toBe(200);
    expect(text(out.Payload)).toBe(`Echoing request: '{"a":1}'`);
  });

  it("answers a wrong secret with InvalidSignatureException and an unknown key with UnrecognizedClientException", async () => {
    const wrongSecret = await sdk(KEY, "not-the-secret")
      .send(new InvokeCommand({ FunctionName: "echo", Payload: "{}" }))
      .catch((e: Error & { $metadata?: { httpStatusCode?: number } }) => e);
    expect(wrongSecret).toMatchObject({
      name: "InvalidSignatureException",
      $metadata: { httpStatusCode: 403 },
    });
    expect((wrongSecret as Error).message).toMatch(/signature we calculated does not match/);
    const wrongKey = await sdk("AKIDSOMEONEELSE", SECRET)
      .send(new InvokeCommand({ FunctionName: "echo", Payload: "{}" }))
      .catch((e: Error) => e);
    expect(wrongKey).toMatchObject({ name: "UnrecognizedClientException" });
  });

  it("serves the AWS CLI signing right and refuses it signing wrong", async () => {
    const env = { AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: SECRET };
    const ok = await invokeWithAwsCli("echo", { payload: '{"cli":true}' }, { endpointUrl: url, env });
    expect(ok.status, ok.stderr).toBe(0);
    expect(ok.outfile?.toString()).toBe(`Echoing request: '{"cli":true}'`);
    const wrong = await invokeWithAwsCli(
      "echo",
      { payload: "{}" },
      { endpointUrl: url, env: { AWS_ACCESS_KEY_ID: KEY, AWS_SECRET_ACCESS_KEY: "wrong" } },
    );
    expect(wrong.status).not.toBe(0);
    expect(wrong.stderr).toMatch(/InvalidSignatureException/);
  });

  it("refuses an unsigned request with MissingAuthenticationTokenException", () => {
    const r = curl(["-X", "POST", "-d", "{}", `${url}/2015-03-31/functions/echo/invocations`]);
    expect(r.status).toBe(403);
    expect(r.body).toContain("Missing Authentication Token");
  });
});

describe("SigV4 on Function URLs with authType AWS_IAM", () => {
  it("serves curl --aws-sigv4 with the credentials, refuses wrong and unsigned ones", () => {
    const signed = ["--aws-sigv4", "aws:amz:us-east-1:lambda"];
    const ok = curl([...signed, "--user", `${KEY}:${SECRET}`, `${functionUrl}/iam/hello?x=1`]);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatch(/^\{"pid":\d+\}$/);
    const wrong = curl([...signed, "--user", `${KEY}:nope`, `${functionUrl}/iam/hello`]);
    expect(wrong.status).toBe(403);
    expect(wrong.body).toMatch(/signature we calculated does not match/);
    const unsigned = curl([`${functionUrl}/iam/hello`]);
    expect([unsigned.status, unsigned.body]).toEqual([403, '{"Message":"Forbidden"}']);
    // authType NONE stays open, as on AWS.
    expect(curl([`${functionUrl}/open/hello`]).status).toBe(200);
  });
});

describe("binding beyond loopback", () => {
  it("is refused without --auth, naming the fix", () => {
    const dir = mkdtempSync(join(tmpdir(), "lambkin-sigv4-"));
    writeFileSync(join(dir, "lambkin.config.json"), JSON.stringify({ functions: { echo: shell } }));
    const r = spawnSync(
      process.execPath,
      [CLI_JS, "start", "--host", "0.0.0.0", "--port", "0", "--url-port", "0"],
      {
        cwd: dir,
        encoding: "utf8",
        env: { ...process.env, NO_COLOR: "1" },
        input: "",
        timeout: 20_000,
      },
    );
    expect(r.status).not.toBe(0);
    rmSync(dir, { recursive: true, force: true });
    expect(r.stderr).toMatch(/host 0\.0\.0\.0 lets other machines reach lambkin: set "auth"/);
  });
});

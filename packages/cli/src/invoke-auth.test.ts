// `lambkin invoke` and `lambkin list` against a lambkin that requires SigV4 (started with --auth
// and bound beyond loopback): they sign with --auth, the config's auth or the AWS_* variables, on
// every engine the CLI runs on, and a refused signature says which credentials to pass.
import { spawn } from "node:child_process";
import { createServer as createHttpServer } from "node:http";
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  collect,
  type Engine,
  echoDir,
  type RunningLambkin,
  repoRoot,
  runCli,
  startCli,
  tempConfig,
} from "./_cli-process.ts";

const AUTH = "AKIDLAMBKINTEST:s3cret/with+chars";
// No AWS credentials from the machine running the tests: each test says which it means.
const NO_AWS = {
  AWS_ACCESS_KEY_ID: undefined,
  AWS_SECRET_ACCESS_KEY: undefined,
  AWS_SESSION_TOKEN: undefined,
};

/** A port that was free a moment ago. */
const freePort = () =>
  new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });

describe("lambkin start --host 0.0.0.0 --auth, then invoke and list", () => {
  let lk: RunningLambkin;
  let endpoint: string;
  beforeAll(async () => {
    const { dir } = tempConfig();
    lk = await startCli(["--host", "0.0.0.0", "--auth", AUTH, "--no-watch"], { cwd: dir });
    // It listens on every address; the CLI connects to loopback.
    endpoint = lk.url.replace("0.0.0.0", "127.0.0.1");
  });
  afterAll(async () => {
    await lk?.stop();
  });

  it("npx lambkin invoke --auth signs the call", async () => {
    const child = spawn(
      "npx",
      ["lambkin", "invoke", "echo", "--payload", '{"signed":true}', "--endpoint", endpoint, "--auth", AUTH],
      { cwd: repoRoot, env: { ...process.env, ...NO_AWS, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    const r = await collect(child, 60_000);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).echo).toEqual({ signed: true });
  });

  it.each(["node", "bun", "deno"] as Engine[])(
    "signs with --auth or AWS_* variables on %s",
    async (engine) => {
      const withFlag = await runCli(
        ["invoke", "echo", "--payload", '{"n":1}', "--endpoint", endpoint, "--auth", AUTH],
        {
          engine,
          env: NO_AWS,
        },
      );
      expect(withFlag.stderr).toBe("");
      expect(JSON.parse(withFlag.stdout).echo).toEqual({ n: 1 });
      const [accessKeyId, secretAccessKey] = [
        AUTH.slice(0, AUTH.indexOf(":")),
        AUTH.slice(AUTH.indexOf(":") + 1),
      ];
      const withEnv = await runCli(["invoke", "echo", "--payload", '{"n":2}', "--endpoint", endpoint], {
        engine,
        env: { ...NO_AWS, AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey },
      });
      expect(withEnv.stderr).toBe("");
      expect(JSON.parse(withEnv.stdout).echo).toEqual({ n: 2 });
    },
  );

  it("refuses an unsigned call and says how to sign", async () => {
    const r = await runCli(["invoke", "echo", "--endpoint", endpoint], { env: NO_AWS });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      "lambkin: MissingAuthenticationTokenException: Missing Authentication Token — this lambkin takes only signed requests: pass --auth KEY_ID:SECRET as given to lambkin start, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY\n",
    );
  });

  it("names the credentials a refused signature was made with", async () => {
    const wrongSecret = await runCli(
      ["invoke", "echo", "--endpoint", endpoint, "--auth", "AKIDLAMBKINTEST:nope"],
      {
        env: NO_AWS,
      },
    );
    expect(wrongSecret.code).toBe(1);
    expect(wrongSecret.stderr).toContain(
      "lambkin: InvalidSignatureException: The request signature we calculated",
    );
    expect(wrongSecret.stderr).toContain(
      "signed with the credentials from --auth, which this lambkin does not take",
    );
    const otherKey = await runCli(["invoke", "echo", "--endpoint", endpoint], {
      env: { ...NO_AWS, AWS_ACCESS_KEY_ID: "AKIDSOMEONEELSE", AWS_SECRET_ACCESS_KEY: "x" },
    });
    expect(otherKey.code).toBe(1);
    expect(otherKey.stderr).toContain("lambkin: UnrecognizedClientException:");
    expect(otherKey.stderr).toContain("signed with the credentials from AWS_ACCESS_KEY_ID");
  });

  it("lambkin list signs too", async () => {
    const r = await runCli(["list", "--endpoint", endpoint, "--auth", AUTH], { env: NO_AWS });
    expect(r.stderr).toBe("");
    expect(r.stdout).toMatch(/^echo\s+provided/m);
    const unsigned = await runCli(["list", "--endpoint", endpoint], { env: NO_AWS });
    expect(unsigned.code).toBe(1);
    expect(unsigned.stderr).toContain("MissingAuthenticationTokenException");
  });
});

describe("a config with host 0.0.0.0 and auth", () => {
  it("lambkin invoke in its folder signs with the config's auth, no flags", async () => {
    const port = await freePort();
    const { dir } = tempConfig({
      port,
      urlPort: 0,
      host: "0.0.0.0",
      auth: { accessKeyId: "AKIDFROMCONFIG", secretAccessKey: "config-secret" },
      functions: { echo: { runtime: "provided", codeDir: echoDir } },
    });
    const lk = await startCli(["--no-watch"], { cwd: dir });
    try {
      const r = await runCli(["invoke", "echo", "--payload", '{"from":"config"}'], { cwd: dir, env: NO_AWS });
      expect(r.stderr).toBe("");
      expect(r.code).toBe(0);
      expect(JSON.parse(r.stdout).echo).toEqual({ from: "config" });
    } finally {
      await lk.stop();
    }
  });
});

describe("AWS_* credentials in the environment", () => {
  it("are not used against a lambkin that takes unsigned calls", async () => {
    const seen: (string | undefined)[] = [];
    const server = createHttpServer((req, res) => {
      seen.push(req.headers.authorization);
      req.resume();
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = server.address() as { port: number };
      const env = { ...NO_AWS, AWS_ACCESS_KEY_ID: "AKIDMYREALAWSKEY", AWS_SECRET_ACCESS_KEY: "x" };
      const r = await runCli(["invoke", "echo", "--endpoint", `http://127.0.0.1:${port}`], { env });
      expect(r.stderr).toBe("");
      expect(seen).toEqual([undefined]);
      // Named for this lambkin (--auth), they are always used.
      const named = await runCli(
        ["invoke", "echo", "--endpoint", `http://127.0.0.1:${port}`, "--auth", AUTH],
        {
          env: NO_AWS,
        },
      );
      expect(named.stderr).toBe("");
      expect(seen[1]).toMatch(
        /^AWS4-HMAC-SHA256 Credential=AKIDLAMBKINTEST\/\d{8}\/us-east-1\/lambda\/aws4_request/,
      );
    } finally {
      server.close();
    }
  });
});

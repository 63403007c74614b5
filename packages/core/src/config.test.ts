import { describe, expect, it } from "vitest";
import { ConfigError, resolveConfig, resolvePath } from "./config.ts";
import type { FileInfo, Platform } from "./platform.ts";

// A unit test of config validation alone: the platform members it touches are `stat` and
// `readTextFile` (for env files).
const dirs = new Set(["/project/fn", "/project/other"]);
const files = new Map([
  ["/project/.env", "# shared\nSTAGE=local\nDB_URL='postgres://localhost/db'\nOVER=file\n"],
  ["/project/fn/.env", 'SECRET="s3 cr#t"\nexport ONLY_FN=1\nOVER=fn-file\n'],
  ["/project/bad.env", "AWS_REGION=eu-west-1\n"],
]);
const platform = {
  stat: async (path: string): Promise<FileInfo | undefined> =>
    dirs.has(path) ? { isFile: false, isDirectory: true, mode: 0o755 } : undefined,
  readTextFile: async (path: string): Promise<string> => {
    const text = files.get(path);
    if (text === undefined) throw new Error(`ENOENT: ${path}`);
    return text;
  },
} as unknown as Platform;

const resolve = (config: unknown) => resolveConfig(config, "/project", platform);
const fn = (over: object = {}) => ({
  functions: { hello: { runtime: "node", codeDir: "fn", handler: "index.handler", ...over } },
});

describe("resolveConfig", () => {
  it("applies Lambda's defaults", async () => {
    const config = await resolve(fn());
    expect(config).toMatchObject({
      port: 3001,
      urlPort: 3000,
      host: "127.0.0.1",
      region: "us-east-1",
      accountId: "000000000000",
    });
    expect(config.functions.get("hello")).toMatchObject({
      codeDir: "/project/fn",
      timeout: 3,
      memorySize: 128,
      concurrency: 10,
      queueSize: 100,
      logFormat: "Text",
      command: ["./bootstrap"],
      maximumRetryAttempts: 2,
      maximumEventAgeInSeconds: 21_600,
    });
    expect(config.asyncRetryDelaysMs).toEqual([60_000, 120_000]);
  });

  it.each([
    [{ nope: 1, functions: {} }, 'unknown config key "nope"'],
    [fn({ timeout: 0 }), "functions.hello.timeout must be a whole number 1–900 seconds, got 0"],
    [fn({ timeout: 901 }), "functions.hello.timeout must be a whole number 1–900 seconds, got 901"],
    [fn({ memorySize: 64 }), "functions.hello.memorySize must be a whole number 128–10240 MB, got 64"],
    [
      fn({ runtime: "python" }),
      'functions.hello.runtime must be one of node, bun, deno, provided, got "python"',
    ],
    [fn({ codeDir: "missing" }), "functions.hello.codeDir: no folder at /project/missing"],
    [
      fn({ handler: "index" }),
      'functions.hello.handler: handler must look like "file.export" (e.g. "index.handler"), got "index"',
    ],
    [
      fn({ handler: "../up.handler" }),
      "functions.hello.handler: handler must name a file inside the code folder",
    ],
    [fn({ handler: undefined }), 'functions.hello.handler is required for runtime "node"'],
    [fn({ command: ["./x"] }), 'functions.hello.command applies to runtime "provided" only'],
    [
      fn({ environment: { AWS_REGION: "x" } }),
      "functions.hello.environment.AWS_REGION is reserved by Lambda and cannot be set",
    ],
    [fn({ environment: { OK: 1 } }), "functions.hello.environment.OK must be a string, got 1"],
    [fn({ colour: "red" }), 'functions.hello: unknown key "colour"'],
    [fn({ logFormat: "XML" }), 'functions.hello.logFormat must be "Text" or "JSON", got "XML"'],
    [
      { functions: { "bad name": { runtime: "provided", codeDir: "fn" } } },
      "functions.bad name: a function name must be 1–64 letters",
    ],
    [
      { environment: { LAMBDA_TASK_ROOT: "/x" }, ...fn() },
      "environment.LAMBDA_TASK_ROOT is reserved by Lambda and cannot be set",
    ],
    [fn({ envFile: "missing.env" }), "functions.hello.envFile: cannot read a file at /project/missing.env"],
    [
      { envFile: "bad.env", ...fn() },
      "AWS_REGION in envFile /project/bad.env is reserved by Lambda and cannot be set",
    ],
    [{ envFile: 3, ...fn() }, "envFile must be the path of a dotenv file, got 3"],
    [{ port: 70000, functions: {} }, "port must be a whole number 0–65535, got 70000"],
    [
      { port: 4000, urlPort: 4000, functions: {} },
      "port and urlPort are both 4000: the Invoke API and Function URLs each need a port of their own",
    ],
    [{ functions: [] }, "functions must be an object of function name → settings"],
  ])("rejects %j", async (config, message) => {
    const error = await resolve(config).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toContain(message);
  });

  it("lets provided functions go without a handler and resolves their command", async () => {
    const config = await resolve({
      functions: { raw: { runtime: "provided", codeDir: "/project/other", command: ["./run", "--fast"] } },
    });
    expect(config.functions.get("raw")).toMatchObject({
      handler: undefined,
      command: ["./run", "--fast"],
      codeDir: "/project/other",
    });
  });
});

describe("environment variables", () => {
  it("layers the top-level envFile, top-level environment, the function's envFile, its environment", async () => {
    const config = await resolve({
      envFile: ".env",
      environment: { SHARED: "top", OVER: "top" },
      functions: {
        a: { runtime: "node", codeDir: "fn", handler: "index.handler", envFile: "fn/.env" },
        b: { runtime: "node", codeDir: "fn", handler: "index.handler", environment: { OVER: "b" } },
      },
    });
    expect(config.functions.get("a")?.environment).toEqual({
      STAGE: "local",
      DB_URL: "postgres://localhost/db",
      SHARED: "top",
      SECRET: "s3 cr#t",
      ONLY_FN: "1",
      OVER: "fn-file",
    });
    expect(config.functions.get("a")?.envFiles).toEqual(["/project/.env", "/project/fn/.env"]);
    expect(config.functions.get("b")?.environment).toEqual({
      STAGE: "local",
      DB_URL: "postgres://localhost/db",
      SHARED: "top",
      OVER: "b",
    });
    expect(config.functions.get("b")?.envFiles).toEqual(["/project/.env"]);
  });
});

describe("watch", () => {
  it("makes watch globs absolute from the code folder", async () => {
    const config = await resolve(fn({ watch: ["../lib/**", "schema/*.json"] }));
    expect(config.functions.get("hello")?.watch).toEqual(["/project/lib/**", "/project/fn/schema/*.json"]);
  });

  it("rejects a watch that is not a list of globs", async () => {
    await expect(resolve(fn({ watch: "../lib" }))).rejects.toThrow(
      'functions.hello.watch must be a list of globs (like "../lib/**"), got "../lib"',
    );
  });
});

describe("inspect", () => {
  it("runs a debugged function one environment at a time", async () => {
    const config = await resolve(fn({ inspect: true, concurrency: 5 }));
    expect(config.functions.get("hello")).toMatchObject({ inspect: true, concurrency: 1 });
  });

  it.each([
    [fn({ inspect: "yes" }), 'functions.hello.inspect must be true or false, got "yes"'],
    [
      { functions: { raw: { runtime: "provided", codeDir: "fn", inspect: true } } },
      "functions.raw.inspect applies to runtimes node, bun and deno",
    ],
  ])("rejects %j", async (config, message) => {
    await expect(resolve(config)).rejects.toThrow(message);
  });
});

describe("resolvePath", () => {
  it.each([
    ["/a/b", "c", "/a/b/c"],
    ["/a/b/", "./c/../d", "/a/b/d"],
    ["/a/b", "/abs", "/abs"],
    ["/a/b", "../../..", "/"],
  ])("%s + %s = %s", (from, to, out) => {
    expect(resolvePath(from, to)).toBe(out);
  });
});

import { describe, expect, it } from "vitest";
import { ConfigError, resolveConfig, resolvePath } from "./config.ts";
import type { FileInfo, Platform } from "./platform.ts";

// A unit test of config validation alone: the only platform member it touches is `stat`.
const dirs = new Set(["/project/fn", "/project/other"]);
const platform = {
  stat: async (path: string): Promise<FileInfo | undefined> =>
    dirs.has(path) ? { isFile: false, isDirectory: true, mode: 0o755 } : undefined,
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
    [{ port: 70000, functions: {} }, "port must be a whole number 0–65535, got 70000"],
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

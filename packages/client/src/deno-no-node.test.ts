// On Deno the client must not load Deno's Node-compatibility layer (it costs every cold start
// ~10–25 ms): no node:* import and no touch of the Node globals (`process`, `Buffer`, …) from start
// to answer. Checked by running the built runtime with every node:* specifier import-mapped to a
// module that throws, and a preload script that reports any read of those globals.

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeRuntimeApi, FIXTURES, type RecordedPost, startRuntime } from "./_test-runtime-api.ts";

const TIMEOUT = 60_000;
const MARK = "NODE-COMPAT-LOADED";
const json = (post: RecordedPost): any => JSON.parse(post.body.toString("utf8"));

let dir: string;
let flags: string[];

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "lambkin-deno-no-node-"));
  const imports: Record<string, string> = {};
  for (const name of builtinModules) {
    const message = JSON.stringify(`${MARK}: import of node:${name}`);
    imports[`node:${name}`] = `data:text/javascript,throw new Error(${encodeURIComponent(message)})`;
  }
  writeFileSync(path.join(dir, "import-map.json"), JSON.stringify({ imports }));
  // Each of these globals loads the compatibility layer on first read.
  writeFileSync(
    path.join(dir, "trap.js"),
    `for (const name of ["process", "Buffer", "setImmediate", "clearImmediate"]) {
      const original = Object.getOwnPropertyDescriptor(globalThis, name);
      Object.defineProperty(globalThis, name, {
        configurable: true,
        get() {
          Deno.stderr.writeSync(new TextEncoder().encode("${MARK}: globalThis." + name + " read\\n" + new Error().stack + "\\n"));
          Object.defineProperty(globalThis, name, original);
          return original.get.call(this);
        },
      });
    }`,
  );
  flags = [`--import-map=${path.join(dir, "import-map.json")}`, `--preload=${path.join(dir, "trap.js")}`];
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function withDeno(
  cwd: string,
  handler: string,
  body: (api: FakeRuntimeApi) => Promise<void>,
  env: Record<string, string> = {},
): Promise<{ stdout: string; stderr: string }> {
  const api = await FakeRuntimeApi.start();
  const runtime = startRuntime({ engine: "deno", api, cwd, handler, env, engineFlags: flags });
  try {
    await body(api);
    return { stdout: runtime.stdout(), stderr: runtime.stderr() };
  } finally {
    await runtime.kill();
    await api.close();
  }
}

describe("on Deno, without Node's compatibility layer", () => {
  it(
    "the trap works: a handler that reads process is caught",
    async () => {
      const { stderr } = await withDeno(path.join(FIXTURES, "esm"), "index.handler", async (api) => {
        expect(json(await api.invoke({ action: "echo" })).imports).toBe(1); // reads process.pid
      });
      expect(stderr).toContain(`${MARK}: globalThis.process read`);
    },
    TIMEOUT,
  );

  it(
    "answers, logs formatted text records and reports errors",
    async () => {
      const { stdout, stderr } = await withDeno(path.join(FIXTURES, "esm"), "index.handler", async (api) => {
        expect(json(await api.invoke({ action: "log" }, { requestId: "deno-log" }))).toBe("logged");
        const failed = await api.invoke({ action: "throw" });
        expect(json(failed)).toMatchObject({ errorType: "FixtureError" });
        const context = json(await api.invoke({ action: "context" }));
        expect(context.functionName).toBe("fixture");
        expect((await api.invoke({ action: "never" })).kind).toBe("error"); // Runtime.NodeJsExit
      });
      expect(stdout).toContain("deno-log\tINFO\ttext formatted { nested: { a: 1 } }");
      expect(stdout).toContain("\tERROR\tInvoke Error \t");
      expect(stderr).not.toContain(MARK);
      expect(stdout).not.toContain(MARK);
    },
    TIMEOUT,
  );

  it(
    "writes JSON records",
    async () => {
      const { stdout, stderr } = await withDeno(
        path.join(FIXTURES, "esm"),
        "index.handler",
        async (api) => {
          await api.invoke({ action: "log" }, { requestId: "deno-json" });
        },
        { AWS_LAMBDA_LOG_FORMAT: "JSON" },
      );
      expect(stdout).toContain('"level":"INFO","requestId":"deno-json","message":"text formatted { nested');
      expect(stderr).not.toContain(MARK);
    },
    TIMEOUT,
  );

  it(
    "loads TypeScript and nested handlers",
    async () => {
      const ts = await withDeno(path.join(FIXTURES, "ts"), "index.handler", async (api) => {
        expect(json(await api.invoke({ name: "deno" })).message).toBe("hello deno");
      });
      const nested = await withDeno(path.join(FIXTURES, "esm"), "src/api/handler.main", async (api) => {
        expect(json(await api.invoke({ q: 1 })).nested).toBe(true);
      });
      expect(ts.stderr + nested.stderr).not.toContain(MARK);
    },
    TIMEOUT,
  );

  it(
    "reports an init error",
    async () => {
      const { stderr } = await withDeno(path.join(FIXTURES, "esm"), "index.nope", async (api) => {
        expect(json(await api.initError()).errorType).toBe("Runtime.HandlerNotFound");
      });
      expect(stderr).not.toContain(MARK);
    },
    TIMEOUT,
  );

  it(
    "streams a response",
    async () => {
      const { stderr } = await withDeno(path.join(FIXTURES, "esm"), "stream-import.handler", async (api) => {
        const post = await api.invoke({});
        expect(post.headers["lambda-runtime-function-response-mode"]).toBe("streaming");
        expect(post.body.toString("latin1")).toMatch(/\0{8}imported$/);
      });
      expect(stderr).not.toContain(MARK);
    },
    TIMEOUT,
  );
});

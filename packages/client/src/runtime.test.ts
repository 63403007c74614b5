// The built runtime (dist/runtime.js) under node, bun and deno, against a real Runtime API server:
// each test asserts exactly what the client posted (bodies, headers, trailers) and what it logged.
import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  ENGINES,
  type Engine,
  FakeRuntimeApi,
  FIXTURES,
  INSTALLED_RUNTIME_JS,
  type RecordedPost,
  type RuntimeProcess,
  recordsOf,
  startRuntime,
} from "./_test-runtime-api.ts";

const ESM = path.join(FIXTURES, "esm");
const CJS = path.join(FIXTURES, "cjs");
const TS = path.join(FIXTURES, "ts");
const TIMEOUT = 60_000;
const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

const json = (post: RecordedPost): any => JSON.parse(post.body.toString("utf8"));

/** One runtime process for a describe block: started before its tests, killed after them. */
function useRuntime(engine: Engine, cwd: string, handler: string, env: Record<string, string> = {}) {
  const state = {} as { api: FakeRuntimeApi; runtime: RuntimeProcess };
  beforeAll(async () => {
    state.api = await FakeRuntimeApi.start();
    state.runtime = startRuntime({ engine, api: state.api, cwd, handler, env });
  }, TIMEOUT);
  afterAll(async () => {
    await state.runtime?.kill();
    await state.api?.close();
  });
  return state;
}

/** A runtime expected to exit: started per test, with its own server. */
async function withRuntime<T>(
  engine: Engine,
  cwd: string,
  handler: string,
  body: (api: FakeRuntimeApi, runtime: RuntimeProcess) => Promise<T>,
  env: Record<string, string> = {},
): Promise<T> {
  const api = await FakeRuntimeApi.start();
  const runtime = startRuntime({ engine, api, cwd, handler, env });
  try {
    return await body(api, runtime);
  } finally {
    await runtime.kill();
    await api.close();
  }
}

describe.each(ENGINES)("runtime on %s", (engine) => {
  describe("an async ESM handler", () => {
    const rt = useRuntime(engine, ESM, "index.handler");

    it(
      "posts the JSON result to /response",
      async () => {
        const post = await rt.api.invoke({ action: "echo", n: 1 }, { requestId: `${engine}-echo-1` });
        expect(post.kind).toBe("response");
        expect(post.requestId).toBe(`${engine}-echo-1`);
        expect(post.headers["content-type"]).toBe("application/json");
        expect(json(post)).toMatchObject({ event: { action: "echo", n: 1 }, imports: 1 });
      },
      TIMEOUT,
    );

    it(
      "serves invocations one after another in one process, importing the module once",
      async () => {
        const answers = [];
        for (let i = 0; i < 5; i++) answers.push(json(await rt.api.invoke({ action: "echo", i })));
        expect(new Set(answers.map((a) => a.pid)).size).toBe(1);
        expect(answers.map((a) => a.imports)).toEqual([1, 1, 1, 1, 1]);
        expect(answers.map((a) => a.event.i)).toEqual([0, 1, 2, 3, 4]);
      },
      TIMEOUT,
    );

    it(
      "gives the handler Lambda's context",
      async () => {
        const deadlineMs = Date.now() + 60_000;
        const post = await rt.api.invoke(
          { action: "context" },
          {
            requestId: `${engine}-context`,
            deadlineMs,
            functionArn: "arn:aws:lambda:us-east-1:123456789012:function:fixture:live",
            clientContext: JSON.stringify({ client: { installation_id: "i-1" }, env: { platform: "test" } }),
            cognitoIdentity: JSON.stringify({ cognitoIdentityId: "id-1", cognitoIdentityPoolId: "pool-1" }),
            tenantId: "tenant-7",
          },
        );
        const context = json(post);
        expect(context).toMatchObject({
          awsRequestId: `${engine}-context`,
          functionName: "fixture",
          functionVersion: "$LATEST",
          invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:fixture:live",
          memoryLimitInMB: "256",
          logGroupName: "/aws/lambda/fixture",
          logStreamName: "2026/11/27/[$LATEST]0123456789abcdef0123456789abcdef",
          clientContext: { client: { installation_id: "i-1" }, env: { platform: "test" } },
          identity: { cognitoIdentityId: "id-1", cognitoIdentityPoolId: "pool-1" },
          tenantId: "tenant-7",
          callbackWaitsForEmptyEventLoop: true,
        });
        // Computed from Lambda-Runtime-Deadline-Ms: positive and never above what was left when sent.
        expect(context.remaining).toBeGreaterThan(0);
        expect(context.remaining).toBeLessThanOrEqual(60_000);
      },
      TIMEOUT,
    );

    it(
      "reports remaining time against the deadline header, even once it has passed",
      async () => {
        const post = await rt.api.invoke({ action: "context" }, { deadlineMs: Date.now() - 5_000 });
        expect(json(post).remaining).toBeLessThanOrEqual(-5_000);
      },
      TIMEOUT,
    );

    it(
      "sets _X_AMZN_TRACE_ID per invocation and clears it when none is sent",
      async () => {
        const first = await rt.api.invoke(
          { action: "trace" },
          { traceId: "Root=1-00000001-aaaaaaaaaaaaaaaaaaaaaaaa;Sampled=1" },
        );
        const second = await rt.api.invoke(
          { action: "trace" },
          { traceId: "Root=1-00000002-bbbbbbbbbbbbbbbbbbbbbbbb;Sampled=0" },
        );
        const none = await rt.api.invoke({ action: "trace" }, { traceId: null });
        expect(json(first).trace).toBe("Root=1-00000001-aaaaaaaaaaaaaaaaaaaaaaaa;Sampled=1");
        expect(json(second).trace).toBe("Root=1-00000002-bbbbbbbbbbbbbbbbbbbbbbbb;Sampled=0");
        expect(json(none).trace).toBeNull();
      },
      TIMEOUT,
    );

    it(
      "posts a thrown error to /error as {errorType, errorMessage, stackTrace}",
      async () => {
        const post = await rt.api.invoke({ action: "throw" }, { requestId: `${engine}-throw` });
        expect(post.kind).toBe("error");
        expect(post.requestId).toBe(`${engine}-throw`);
        expect(post.headers["content-type"]).toBe("application/json");
        expect(post.headers["lambda-runtime-function-error-type"]).toBe("FixtureError");
        const body = json(post);
        expect(Object.keys(body)).toEqual(["errorType", "errorMessage", "stackTrace"]);
        expect(body.errorType).toBe("FixtureError");
        expect(body.errorMessage).toBe("fixture failed on purpose");
        expect(body.stackTrace[0]).toBe("FixtureError: fixture failed on purpose");
        expect(body.stackTrace.some((line: string) => line.includes("index.js"))).toBe(true);
      },
      TIMEOUT,
    );

    it(
      "logs the failure as AWS does: ERROR, Invoke Error, the error as JSON",
      async () => {
        const requestId = `${engine}-throw-log`;
        await rt.api.invoke({ action: "throw" }, { requestId });
        const stdout = await rt.runtime.waitForStdout((out) => out.includes(`${requestId}\tERROR`));
        const [record] = recordsOf(stdout, `${requestId}\tERROR`);
        const [time, id, level, message] = record!.split("\t");
        expect(time).toMatch(ISO);
        expect([id, level, message]).toEqual([requestId, "ERROR", "Invoke Error "]);
        const logged = JSON.parse(record!.split("\t").slice(4).join("\t"));
        expect(logged).toMatchObject({
          errorType: "FixtureError",
          errorMessage: "fixture failed on purpose",
        });
        expect(logged.stack[0]).toBe("FixtureError: fixture failed on purpose");
      },
      TIMEOUT,
    );

    it(
      "fails the invocation, not the runtime, for an event or client context that is not JSON",
      async () => {
        const badEvent = await rt.api.invoke("{not json");
        expect(badEvent.kind).toBe("error");
        expect(json(badEvent).errorType).toBe("SyntaxError");
        const badContext = await rt.api.invoke({ action: "echo" }, { clientContext: "{nope" });
        expect(badContext.kind).toBe("error");
        expect(json(badContext).errorMessage).toMatch(/^Cannot parse ClientContext as json/);
        expect((await rt.api.invoke({ action: "echo" })).kind).toBe("response");
      },
      TIMEOUT,
    );

    it(
      "posts a thrown non-error with its JavaScript type",
      async () => {
        const post = await rt.api.invoke({ action: "throw-string" });
        expect(json(post)).toEqual({ errorType: "string", errorMessage: "a plain string", stackTrace: [] });
      },
      TIMEOUT,
    );

    it(
      "answers null for undefined and reports a result JSON cannot hold",
      async () => {
        const empty = await rt.api.invoke({ action: "undefined" });
        expect(empty.kind).toBe("response");
        expect(empty.body.toString()).toBe("null");
        const circular = await rt.api.invoke({ action: "circular" });
        expect(circular.kind).toBe("error");
        expect(json(circular)).toMatchObject({
          errorType: "Runtime.JSONStringifyError",
          errorMessage: "Unable to stringify response body",
        });
      },
      TIMEOUT,
    );

    it(
      "writes console output as Lambda text records tagged with the request id",
      async () => {
        const requestId = `${engine}-logs`;
        const post = await rt.api.invoke({ action: "log" }, { requestId });
        expect(json(post)).toBe("logged");
        const stdout = await rt.runtime.waitForStdout((out) => recordsOf(out, requestId).length >= 6);
        const records = recordsOf(stdout, requestId).map((line) => line.split("\t"));
        for (const [time, id] of records) {
          expect(time).toMatch(ISO);
          expect(id).toBe(requestId);
        }
        const byLevel = records.map(([, , level, ...message]) => [level, message.join("\t")]);
        expect(byLevel[0]).toEqual(["INFO", "text formatted { nested: { a: 1 } }"]);
        // A multi-line message stays one record: its newline is written as a carriage return.
        expect(byLevel[1]).toEqual(["INFO", "two\rlines"]);
        expect(byLevel[2]).toEqual(["WARN", "warned"]);
        expect(byLevel[3]![0]).toBe("ERROR");
        expect(byLevel[3]![1]).toMatch(/^failed: Error: logged error\r/);
        expect(byLevel[4]).toEqual(["DEBUG", "debugged"]);
        expect(byLevel[5]).toEqual(["TRACE", "traced"]);
      },
      TIMEOUT,
    );
  });

  describe("a callback-style handler", () => {
    const rt = useRuntime(engine, ESM, "index.callbackHandler");

    it(
      "answers with callback(null, result)",
      async () => {
        expect(json(await rt.api.invoke({ action: "ok" }))).toEqual({ via: "callback" });
      },
      TIMEOUT,
    );

    it(
      "fails with callback(error)",
      async () => {
        const post = await rt.api.invoke({ action: "fail" });
        expect(post.kind).toBe("error");
        expect(json(post)).toMatchObject({ errorType: "FixtureError", errorMessage: "callback failed" });
      },
      TIMEOUT,
    );

    it(
      "honours context.succeed, context.fail and context.done",
      async () => {
        expect(json(await rt.api.invoke({ action: "succeed" }))).toEqual({ via: "succeed" });
        const failed = await rt.api.invoke({ action: "context-fail" });
        expect(failed.kind).toBe("error");
        expect(json(failed)).toMatchObject({ errorType: "FixtureError", errorMessage: "context.fail" });
        expect(json(await rt.api.invoke({ action: "done" }))).toEqual({ via: "done" });
      },
      TIMEOUT,
    );

    it(
      "uses only the first answer",
      async () => {
        const post = await rt.api.invoke({ action: "twice" });
        expect(json(post)).toBe("first");
        // The loop went on normally: the next invocation is answered, with its own result.
        expect(json(await rt.api.invoke({ action: "ok" }))).toEqual({ via: "callback" });
      },
      TIMEOUT,
    );

    it(
      "answers null when the handler never calls back and the event loop empties",
      async () => {
        const post = await rt.api.invoke({ action: "never" });
        expect(post.kind).toBe("response");
        expect(post.body.toString()).toBe("null");
      },
      TIMEOUT,
    );
  });

  describe("other handler shapes", () => {
    it(
      "a plain synchronous function answers with its return value",
      async () => {
        await withRuntime(engine, ESM, "index.syncHandler", async (api) => {
          expect(json(await api.invoke({ a: 1 }))).toEqual({ sync: true, event: { a: 1 } });
        });
      },
      TIMEOUT,
    );

    it(
      "a nested export path (module.a.b)",
      async () => {
        await withRuntime(engine, ESM, "index.nested.deeper.handler", async (api) => {
          expect(json(await api.invoke({}))).toBe("nested export");
        });
      },
      TIMEOUT,
    );

    it(
      "a module in a subfolder (src/api/handler.main)",
      async () => {
        await withRuntime(engine, ESM, "src/api/handler.main", async (api) => {
          expect(json(await api.invoke({ q: 1 }))).toEqual({ nested: true, event: { q: 1 } });
        });
      },
      TIMEOUT,
    );

    it(
      "a module with top-level await, evaluated once",
      async () => {
        await withRuntime(engine, ESM, "top-level-await.handler", async (api) => {
          expect(json(await api.invoke({ t: 1 }))).toEqual({
            config: { ready: true },
            evaluations: 1,
            event: { t: 1 },
          });
        });
      },
      TIMEOUT,
    );

    it(
      "a handler file that is a symbolic link",
      async () => {
        await withRuntime(engine, ESM, "linked.handler", async (api) => {
          expect(json(await api.invoke({ l: 1 }))).toMatchObject({
            config: { ready: true },
            event: { l: 1 },
          });
        });
      },
      TIMEOUT,
    );

    it(
      "a .cjs file in an ESM package",
      async () => {
        await withRuntime(engine, ESM, "common.handler", async (api) => {
          expect(json(await api.invoke({ c: 1 }))).toEqual({ format: "cjs", event: { c: 1 } });
        });
      },
      TIMEOUT,
    );

    it(
      "CommonJS exports.handler in a type: commonjs package",
      async () => {
        await withRuntime(engine, CJS, "index.handler", async (api) => {
          const first = json(await api.invoke({ n: 1 }, { requestId: `${engine}-cjs` }));
          expect(first).toEqual({ format: "cjs", imports: 1, requestId: `${engine}-cjs`, event: { n: 1 } });
          expect(json(await api.invoke({ n: 2 })).imports).toBe(1);
        });
      },
      TIMEOUT,
    );

    it(
      "a CommonJS callback-style handler",
      async () => {
        await withRuntime(engine, CJS, "index.legacy", async (api) => {
          expect(json(await api.invoke({ l: 1 }))).toEqual({ legacy: true, event: { l: 1 } });
        });
      },
      TIMEOUT,
    );

    it(
      "a TypeScript handler (.ts)",
      async () => {
        await withRuntime(engine, TS, "index.handler", async (api) => {
          expect(json(await api.invoke({ name: engine }))).toEqual({
            message: `hello ${engine}`,
            typed: true,
            mood: "happy",
          });
        });
      },
      TIMEOUT,
    );

    it(
      "TypeScript modules as .mts and .cts",
      async () => {
        await withRuntime(engine, TS, "module.handler", async (api) => {
          expect(json(await api.invoke({ n: 1 }))).toEqual({ ext: "mts", n: 1 });
        });
        await withRuntime(engine, TS, "common.handler", async (api) => {
          expect(json(await api.invoke({ n: 2 }))).toEqual({ ext: "cts", n: 2 });
        });
      },
      TIMEOUT,
    );

    it(
      "a TypeScript handler's stack trace names the .ts file and the line of the throw",
      async () => {
        await withRuntime(engine, TS, "throws.handler", async (api) => {
          const post = await api.invoke({ id: "a1" });
          expect(post.kind).toBe("error");
          const body = json(post);
          expect(body.errorMessage).toBe("bad order: empty");
          // Line 18 is the `throw` in throws.ts; the JavaScript a loader makes of it has other lines.
          expect(body.stackTrace[1]).toMatch(/throws\.ts:18:\d+\)?$/);
        });
      },
      TIMEOUT,
    );

    it(
      "a .js handler importing .ts modules (LAMBKIN_TSX=1 registers tsx on Node)",
      async () => {
        await withRuntime(
          engine,
          TS,
          "mixed.handler",
          async (api) => {
            expect(json(await api.invoke({}))).toEqual({ message: "hello mixed from .ts" });
          },
          { LAMBKIN_TSX: "1" },
        );
      },
      TIMEOUT,
    );
  });

  describe("init errors", () => {
    const initError = (handler: string, cwd = ESM) =>
      withRuntime(engine, cwd, handler, async (api, runtime) => {
        const post = await api.initError();
        const exit = await runtime.exited;
        return { post, exit, stdout: runtime.stdout() };
      });

    it(
      "a missing file: Runtime.ImportModuleError, then the process exits",
      async () => {
        const { post, exit, stdout } = await initError("missing.handler");
        expect(post.kind).toBe("init-error");
        expect(post.headers["lambda-runtime-function-error-type"]).toBe("Runtime.ImportModuleError");
        const body = json(post);
        expect(body.errorType).toBe("Runtime.ImportModuleError");
        expect(body.errorMessage).toMatch(/^Error: Cannot find module 'missing'/);
        expect(Array.isArray(body.stackTrace)).toBe(true);
        expect(exit.code).not.toBe(0);
        // Logged as AWS logs it, with no request id yet.
        expect(stdout).toMatch(
          /\tundefined\tERROR\tUncaught Exception \t\{"errorType":"Runtime.ImportModuleError"/,
        );
      },
      TIMEOUT,
    );

    it(
      "a missing export: Runtime.HandlerNotFound",
      async () => {
        const { post, exit } = await initError("index.nope");
        expect(post.headers["lambda-runtime-function-error-type"]).toBe("Runtime.HandlerNotFound");
        expect(json(post)).toMatchObject({
          errorType: "Runtime.HandlerNotFound",
          errorMessage: "index.nope is undefined or not exported",
        });
        expect(exit.code).not.toBe(0);
      },
      TIMEOUT,
    );

    it(
      "an export that is not a function: Runtime.HandlerNotFound",
      async () => {
        const { post } = await initError("index.notAFunction");
        expect(json(post)).toMatchObject({
          errorType: "Runtime.HandlerNotFound",
          errorMessage: "index.notAFunction is not a function",
        });
      },
      TIMEOUT,
    );

    it(
      "a handler string leaving the task root: Runtime.MalformedHandlerName",
      async () => {
        const { post } = await initError("../esm/index.handler");
        expect(json(post).errorType).toBe("Runtime.MalformedHandlerName");
      },
      TIMEOUT,
    );

    it(
      "a module that throws while loading: its own error",
      async () => {
        const { post } = await initError("throws-at-init.handler");
        expect(json(post)).toMatchObject({
          errorType: "RangeError",
          errorMessage: "the module failed while loading",
        });
      },
      TIMEOUT,
    );

    it(
      "a syntax error: Runtime.UserCodeSyntaxError",
      async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "lambkin-client-syntax-"));
        try {
          writeFileSync(path.join(dir, "package.json"), '{"type":"module"}');
          writeFileSync(
            path.join(dir, "index.js"),
            "export const handler = async () => {\n  return {;\n};\n",
          );
          const { post } = await initError("index.handler", dir);
          expect(json(post).errorType).toBe("Runtime.UserCodeSyntaxError");
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
      TIMEOUT,
    );
  });

  describe("crashes during an invocation", () => {
    it(
      "an uncaught exception fails the invocation, then the process exits",
      async () => {
        await withRuntime(engine, ESM, "index.handler", async (api, runtime) => {
          const post = await api.invoke({ action: "uncaught" }, { requestId: `${engine}-uncaught` });
          expect(post.kind).toBe("error");
          expect(json(post)).toMatchObject({
            errorType: "FixtureError",
            errorMessage: "thrown from a timer",
          });
          expect((await runtime.exited).code).toBe(129);
          expect(recordsOf(runtime.stdout(), `${engine}-uncaught\tERROR\tUncaught Exception`)).toHaveLength(
            1,
          );
        });
      },
      TIMEOUT,
    );

    it(
      "an unhandled rejection fails the invocation as Runtime.UnhandledPromiseRejection",
      async () => {
        await withRuntime(engine, ESM, "index.handler", async (api, runtime) => {
          const post = await api.invoke({ action: "unhandled" });
          expect(json(post)).toMatchObject({
            errorType: "Runtime.UnhandledPromiseRejection",
            errorMessage: "FixtureError: nobody listens",
          });
          expect((await runtime.exited).code).toBe(128);
        });
      },
      TIMEOUT,
    );

    it(
      "an async handler whose promise can never settle fails with Runtime.NodeJsExit",
      async () => {
        await withRuntime(engine, ESM, "index.handler", async (api) => {
          const post = await api.invoke({ action: "never" });
          expect(json(post).errorType).toBe("Runtime.NodeJsExit");
          // The runtime goes on serving.
          expect(json(await api.invoke({ action: "echo" })).imports).toBe(1);
        });
      },
      TIMEOUT,
    );
  });

  describe("JSON log format", () => {
    const rt = useRuntime(engine, ESM, "index.handler", {
      AWS_LAMBDA_LOG_FORMAT: "JSON",
      AWS_LAMBDA_LOG_LEVEL: "WARN",
    });

    it(
      "writes {timestamp, level, requestId, message} records at or above AWS_LAMBDA_LOG_LEVEL",
      async () => {
        const requestId = `${engine}-json-logs`;
        await rt.api.invoke({ action: "log" }, { requestId });
        // stdout is ordered: once a later invocation's record is there, all of this one's are too.
        const later = `${requestId}-later`;
        await rt.api.invoke({ action: "log" }, { requestId: later });
        const stdout = await rt.runtime.waitForStdout((out) => recordsOf(out, later).length >= 1);
        const records = recordsOf(stdout, requestId)
          .map((line) => JSON.parse(line))
          .filter((record) => record.requestId === requestId);
        expect(records.map((r) => r.level)).toEqual(["WARN", "ERROR"]);
        expect(records[0]).toEqual({
          timestamp: expect.stringMatching(ISO),
          level: "WARN",
          requestId,
          message: "warned",
        });
        expect(records[1]).toMatchObject({
          level: "ERROR",
          requestId,
          errorType: "Error",
          errorMessage: "logged error",
        });
        expect(records[1].message).toMatch(/^failed: Error: logged error/);
        expect(records[1].stackTrace[0]).toBe("Error: logged error");
      },
      TIMEOUT,
    );

    it(
      "logs an invocation error as a JSON record whose message is the error",
      async () => {
        const requestId = `${engine}-json-error`;
        await rt.api.invoke({ action: "throw" }, { requestId });
        const stdout = await rt.runtime.waitForStdout((out) => recordsOf(out, requestId).length >= 1);
        const [record] = recordsOf(stdout, requestId).map((line) => JSON.parse(line));
        expect(record).toMatchObject({
          level: "ERROR",
          requestId,
          message: { errorType: "FixtureError", errorMessage: "fixture failed on purpose" },
        });
        expect(record.message.stackTrace[0]).toBe("FixtureError: fixture failed on purpose");
      },
      TIMEOUT,
    );
  });

  describe("response streaming", () => {
    const rt = useRuntime(engine, ESM, "stream.handler");

    it(
      "posts chunks as they are written, before the handler ends",
      async () => {
        const requestId = `${engine}-stream-signal`;
        const post = await rt.api.invoke({ action: "signal" }, { requestId });
        expect(post.kind).toBe("response");
        expect(post.headers["lambda-runtime-function-response-mode"]).toBe("streaming");
        expect(post.headers["transfer-encoding"]).toBe("chunked");
        expect(post.headers.trailer).toBe(
          "Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body",
        );
        expect(post.headers["content-type"]).toBe("application/octet-stream");
        expect(post.body.toString()).toBe("first;second");
        expect(post.trailers).toEqual({});
        // The handler only wrote "second" after the server had seen "first;" (it waited for that):
        // so the first bytes crossed the wire while the handler was still running.
        const mine = rt.api.events.filter((e) => e.includes(requestId));
        expect(mine[0]).toBe(`chunk:${requestId}:first;`);
        expect(mine.indexOf(`signal:${requestId}`)).toBeGreaterThan(0);
        expect(mine.at(-1)).toBe(`post:response:${requestId}`);
      },
      TIMEOUT,
    );

    it(
      "reports a mid-stream failure in the trailers, keeping the bytes already sent",
      async () => {
        const post = await rt.api.invoke({ action: "fail-mid" });
        expect(post.body.toString()).toBe("partial");
        expect(post.trailers["lambda-runtime-function-error-type"]).toBe("Error");
        const error = JSON.parse(
          Buffer.from(post.trailers["lambda-runtime-function-error-body"]!, "base64").toString(),
        );
        expect(error).toMatchObject({ errorType: "Error", errorMessage: "mid-stream failure" });
        expect(error.stackTrace[0]).toBe("Error: mid-stream failure");
      },
      TIMEOUT,
    );

    it(
      "reports a failure before any byte in the trailers of an empty body",
      async () => {
        const post = await rt.api.invoke({ action: "fail-early" });
        expect(post.kind).toBe("response");
        expect(post.body.length).toBe(0);
        expect(post.trailers["lambda-runtime-function-error-type"]).toBe("TypeError");
        const error = JSON.parse(
          Buffer.from(post.trailers["lambda-runtime-function-error-body"]!, "base64").toString(),
        );
        expect(error).toMatchObject({ errorType: "TypeError", errorMessage: "failed before writing" });
      },
      TIMEOUT,
    );

    it(
      "writes the http-integration prelude and 8 NUL bytes before the body",
      async () => {
        const post = await rt.api.invoke({ action: "http" });
        expect(post.headers["content-type"]).toBe("application/vnd.awslambda.http-integration-response");
        const prelude = JSON.stringify({
          statusCode: 201,
          headers: { "x-fixture": "yes" },
          cookies: ["a=1"],
        });
        expect(post.body.toString("latin1")).toBe(`${prelude}\0\0\0\0\0\0\0\0hello world`);
        expect(post.trailers).toEqual({});
      },
      TIMEOUT,
    );

    it(
      "still sends the prelude when an http-integration stream ends without a body",
      async () => {
        const post = await rt.api.invoke({ action: "http-empty" });
        expect(post.body.toString("latin1")).toBe(`${JSON.stringify({ statusCode: 204 })}\0\0\0\0\0\0\0\0`);
      },
      TIMEOUT,
    );

    it(
      "honours setContentType and writes objects as JSON",
      async () => {
        const typed = await rt.api.invoke({ action: "content-type" });
        expect(typed.headers["content-type"]).toBe("text/plain; charset=utf-8");
        expect(typed.body.toString()).toBe("typed");
        const object = await rt.api.invoke({ action: "object-chunk" });
        expect(object.body.toString()).toBe('{"an":"object"}');
      },
      TIMEOUT,
    );

    it(
      "works as a pipeline() destination, and reports a failed source in the trailers",
      async () => {
        const ok = await rt.api.invoke({ action: "pipeline" });
        expect(ok.body.toString()).toBe("abc");
        expect(ok.trailers).toEqual({});
        const failed = await rt.api.invoke({ action: "pipeline-fail" });
        expect(failed.body.toString()).toBe("x");
        expect(failed.trailers["lambda-runtime-function-error-type"]).toBe("Error");
        const error = JSON.parse(
          Buffer.from(failed.trailers["lambda-runtime-function-error-body"]!, "base64").toString(),
        );
        expect(error.errorMessage).toBe("source failed");
      },
      TIMEOUT,
    );

    it(
      "applies back pressure: write() answers false and 'drain' follows, then 'finish' and the end callback",
      async () => {
        const requestId = `${engine}-stream-backpressure`;
        const post = await rt.api.invoke({ action: "backpressure" }, { requestId });
        expect(post.body.length).toBe(40 * 64 * 1024 + "|true|".length);
        expect(post.body.subarray(-6).toString()).toBe("|true|");
        const stdout = await rt.runtime.waitForStdout((out) => out.includes(`${requestId}\tINFO\tfinished`));
        expect(recordsOf(stdout, requestId)[0]).toMatch(
          /finished: end callback true, writableFinished true$/,
        );
      },
      TIMEOUT,
    );

    it(
      "is a Readable#pipe() destination; cork() holds writes; text encodings and bytes are written as such",
      async () => {
        expect((await rt.api.invoke({ action: "pipe" })).body.toString()).toBe("p1,p2,p3");
        expect((await rt.api.invoke({ action: "cork" })).body.toString()).toBe("abc");
        expect((await rt.api.invoke({ action: "encodings" })).body.toString("hex")).toBe("686921e9");
      },
      TIMEOUT,
    );

    it(
      "reports destroy(error) in the trailers; a write after end() fails nothing already ended",
      async () => {
        const destroyed = await rt.api.invoke({ action: "destroy" });
        expect(destroyed.body.toString()).toBe("before;");
        const error = JSON.parse(
          Buffer.from(destroyed.trailers["lambda-runtime-function-error-body"]!, "base64").toString(),
        );
        expect(error).toMatchObject({ errorType: "Error", errorMessage: "destroyed by the handler" });
        const late = await rt.api.invoke({ action: "write-after-end" });
        expect(late.body.toString()).toBe("done");
        expect(late.trailers).toEqual({});
      },
      TIMEOUT,
    );

    it(
      "fails a stream that can never end (the event loop emptied) with Runtime.NodeJsExit",
      async () => {
        const post = await rt.api.invoke({ action: "never" });
        expect(post.body.length).toBe(0);
        expect(post.trailers["lambda-runtime-function-error-type"]).toBe("Runtime.NodeJsExit");
        // And goes on serving.
        expect((await rt.api.invoke({ action: "pipeline" })).body.toString()).toBe("abc");
      },
      TIMEOUT,
    );

    it(
      "logs a streaming failure as Invoke Error",
      async () => {
        const requestId = `${engine}-stream-log`;
        await rt.api.invoke({ action: "fail-early" }, { requestId });
        const stdout = await rt.runtime.waitForStdout((out) =>
          out.includes(`${requestId}\tERROR\tInvoke Error`),
        );
        expect(
          recordsOf(stdout, `${requestId}\tERROR\tInvoke Error \t{"errorType":"TypeError"`),
        ).toHaveLength(1);
      },
      TIMEOUT,
    );
  });

  it(
    "streams with streamifyResponse and HttpResponseStream imported from @lambkin/client",
    async () => {
      await withRuntime(engine, ESM, "stream-import.handler", async (api) => {
        const post = await api.invoke({});
        expect(post.headers["lambda-runtime-function-response-mode"]).toBe("streaming");
        const prelude = JSON.stringify({ statusCode: 200, headers: { "x-from": "import" } });
        expect(post.body.toString("latin1")).toBe(`${prelude}\0\0\0\0\0\0\0\0imported`);
      });
    },
    TIMEOUT,
  );

  it(
    "runs a code folder outside the package, from the installed node_modules path",
    async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "lambkin-client-code-"));
      try {
        cpSync(ESM, dir, { recursive: true });
        const api = await FakeRuntimeApi.start();
        const runtime = startRuntime({
          engine,
          api,
          cwd: dir,
          handler: "index.handler",
          runtimeJs: INSTALLED_RUNTIME_JS,
        });
        try {
          expect(json(await api.invoke({ action: "echo", from: "tmp" }))).toMatchObject({
            event: { action: "echo", from: "tmp" },
            imports: 1,
          });
        } finally {
          await runtime.kill();
          await api.close();
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
    TIMEOUT,
  );

  it(
    "exits when the Runtime API goes away instead of retrying forever",
    async () => {
      const api = await FakeRuntimeApi.start();
      const runtime = startRuntime({ engine, api, cwd: ESM, handler: "index.handler" });
      try {
        await api.invoke({ action: "echo" });
        await api.close();
        const exit = await runtime.exited;
        expect(exit.code).toBe(1);
        expect(runtime.stderr()).toContain("lambkin-runtime:");
      } finally {
        await runtime.kill();
      }
    },
    TIMEOUT,
  );
});

// The built runtime (dist/runtime.js) under node, bun and deno, against a real Runtime API server:
// each test asserts exactly what the client posted (bodies, headers, trailers) and what it logged.
// Here: async and callback handlers, code outside the package, a Runtime API that goes away. The
// other runtime-*.test.ts files hold other handler shapes, failures, log format and streaming.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ESM, ISO, json, TIMEOUT, useRuntime } from "./_runtime-process.ts";
import {
  ENGINES,
  FakeRuntimeApi,
  INSTALLED_RUNTIME_JS,
  recordsOf,
  startRuntime,
} from "./_test-runtime-api.ts";

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

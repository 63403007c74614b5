import { describe, expect, it } from "vitest";
import { ESM, TIMEOUT, useRuntime, withRuntime } from "./_runtime-process.ts";
import { ENGINES, recordsOf } from "./_test-runtime-api.ts";

describe.each(ENGINES)("runtime on %s", (engine) => {
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
});

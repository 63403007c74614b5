import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import {
  headerNames,
  headerValues,
  type RecordingRuntimeApi,
  startRecordingRuntimeApi,
} from "./recording-runtime-api.ts";
import { type RuntimeProcess, startRuntime } from "./runtime-process.ts";

// AWS's own Node runtime interface client (aws-lambda-ric 4.0.2, pinned in
// tests/fixtures/ric/package.json) against a recording Runtime API: proves the fixture works
// without lambkin, and pins down exactly what this real client sends (see OBSERVED.md there).
// The buffered requests come from its native client (aws-lambda-cpp over libcurl); init/error
// and streaming responses from node:http.

const codeDir = fileURLToPath(new URL("../../fixtures/ric/", import.meta.url)).replace(/\/$/, "");
const NATIVE_UA = "AWS_Lambda_Cpp/0.2.6";
const NEXT = "/2018-06-01/runtime/invocation/next";

let api: RecordingRuntimeApi | undefined;
let runtime: RuntimeProcess | undefined;

afterEach(async () => {
  runtime?.kill();
  await api?.close();
  runtime = undefined;
  api = undefined;
});

async function start(
  handler = "index.handler",
): Promise<{ api: RecordingRuntimeApi; runtime: RuntimeProcess }> {
  api = await startRecordingRuntimeApi("ric");
  runtime = startRuntime({ codeDir, runtimeApi: api.address, handler, functionName: "ric" });
  return { api, runtime };
}

const isPost = (path: string) => (r: { method: string; path: string }) =>
  r.method === "POST" && r.path === path;

describe("aws-lambda-ric fixture against a recording Runtime API", () => {
  it("polls next with curl's headers, then posts the handler's result as JSON", async () => {
    const { api } = await start();
    const id = api.enqueue({
      body: JSON.stringify({ action: "echo", hello: "world" }),
      clientContext: JSON.stringify({ custom: { a: "b" } }),
    });

    const response = await api.waitForRequest(isPost(`/2018-06-01/runtime/invocation/${id}/response`));
    const first = api.requests[0]!;
    expect(first.method).toBe("GET");
    expect(first.path).toBe(NEXT);
    expect(first.rawHeaders).toEqual(["Host", api.address, "Accept", "*/*", "User-Agent", NATIVE_UA]);
    expect(first.body.length).toBe(0);

    expect(response.rawHeaders).toEqual([
      "Host",
      api.address,
      "Accept",
      "*/*",
      "content-type",
      "application/json",
      "User-Agent",
      NATIVE_UA,
      "content-length",
      String(response.body.length),
    ]);
    const result = JSON.parse(response.body.toString("utf8"));
    expect(result.context.remainingTimeInMillis).toBeGreaterThan(0);
    expect(result).toEqual({
      action: "echo",
      event: { action: "echo", hello: "world" },
      context: {
        awsRequestId: id,
        functionName: "ric",
        functionVersion: "$LATEST",
        invokedFunctionArn: api.functionArn,
        memoryLimitInMB: "128",
        logGroupName: "/aws/lambda/ric",
        logStreamName: "2024/01/01/[$LATEST]0123456789abcdef0123456789abcdef",
        clientContext: { custom: { a: "b" } },
        identity: null,
        remainingTimeInMillis: result.context.remainingTimeInMillis,
      },
      env: { AWS_REGION: "us-east-1", _X_AMZN_TRACE_ID: api.traceId },
    });

    // Done with the invocation: it asks for the next one.
    await api.waitForRequest((r) => r.path === NEXT, api.requests.indexOf(response) + 1);
    // The handler's console.log line is tagged with the request id (ric's text log format).
    expect(runtime!.output()).toMatch(
      new RegExp(`\\t${id}\\tINFO\\tric-fixture action=echo requestId=${id}\\n`),
    );
  });

  it("posts a thrown error to /error without an error-type header, with an X-Ray cause header", async () => {
    const { api } = await start();
    const id = api.enqueue({ body: JSON.stringify({ action: "throw", message: "boom" }) });

    const error = await api.waitForRequest(isPost(`/2018-06-01/runtime/invocation/${id}/error`));
    expect(headerNames(error.rawHeaders)).toEqual([
      "Host",
      "Accept",
      "content-type",
      "lambda-runtime-function-xray-error-cause",
      "User-Agent",
      "content-length",
    ]);
    expect(headerValues(error.rawHeaders, "content-type")).toEqual(["application/json"]);
    expect(headerValues(error.rawHeaders, "lambda-runtime-function-error-type")).toEqual([]);
    const cause = JSON.parse(headerValues(error.rawHeaders, "lambda-runtime-function-xray-error-cause")[0]!);
    expect(cause).toMatchObject({
      working_directory: codeDir,
      exceptions: [{ type: "FixtureError", message: "boom" }],
      paths: ["file"],
    });

    const body = JSON.parse(error.body.toString("utf8"));
    expect(Object.keys(body)).toEqual(["errorType", "errorMessage", "trace"]);
    expect(body.errorType).toBe("FixtureError");
    expect(body.errorMessage).toBe("boom");
    expect(body.trace[0]).toBe("FixtureError: boom");

    // A function error is not fatal: the same process polls again.
    await api.waitForRequest((r) => r.path === NEXT, api.requests.indexOf(error) + 1);
  });

  it("answers after the slow path's sleep, in the same process, invocation after invocation", async () => {
    const { api } = await start();
    const slow = api.enqueue({ body: JSON.stringify({ action: "sleep", ms: 300 }) });
    const echo = api.enqueue({ body: JSON.stringify({ action: "echo", n: 2 }) });

    const first = await api.waitForRequest(isPost(`/2018-06-01/runtime/invocation/${slow}/response`));
    expect(JSON.parse(first.body.toString("utf8"))).toMatchObject({ action: "sleep", event: { ms: 300 } });
    const second = await api.waitForRequest(isPost(`/2018-06-01/runtime/invocation/${echo}/response`));
    expect(JSON.parse(second.body.toString("utf8"))).toMatchObject({ action: "echo", event: { n: 2 } });
    await api.waitForRequest((r) => r.path === NEXT, api.requests.indexOf(second) + 1);
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${NEXT}`,
      `POST /2018-06-01/runtime/invocation/${slow}/response`,
      `GET ${NEXT}`,
      `POST /2018-06-01/runtime/invocation/${echo}/response`,
      `GET ${NEXT}`,
    ]);
  });

  it("exits with the handler's status when it crashes while busy, posting nothing", async () => {
    const { api, runtime } = await start();
    api.enqueue({ body: JSON.stringify({ action: "exit", code: 3 }) });

    expect(await runtime.exited).toEqual({ code: 3, signal: null });
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${NEXT}`]);
  });

  it("posts init/error (with an error-type header) before any next when the handler is missing, then exits 1", async () => {
    const { api, runtime } = await start("index.nope");

    expect(await runtime.exited).toEqual({ code: 1, signal: null });
    expect(api.requests).toHaveLength(1);
    const init = api.requests[0]!;
    expect(init.method).toBe("POST");
    expect(init.path).toBe("/2018-06-01/runtime/init/error");
    expect(init.rawHeaders).toEqual([
      "Content-Type",
      "application/json",
      "Content-Length",
      String(init.body.length),
      "Lambda-Runtime-Function-Error-Type",
      "Runtime.HandlerNotFound",
      "Host",
      api.address,
      "Connection",
      "keep-alive",
    ]);
    const body = JSON.parse(init.body.toString("utf8"));
    expect(body.errorType).toBe("Runtime.HandlerNotFound");
    expect(body.errorMessage).toBe("index.nope is undefined or not exported");
    expect(body.trace[0]).toBe("Runtime.HandlerNotFound: index.nope is undefined or not exported");
  });

  it("streams a response with chunked encoding and two Trailer headers, and no trailers on success", async () => {
    const { api } = await start("index.stream");
    const id = api.enqueue({ body: JSON.stringify({ chunks: ["a\n", "bb\n"], gapMs: 20 }) });

    const response = await api.waitForRequest(isPost(`/2018-06-01/runtime/invocation/${id}/response`));
    expect(response.rawHeaders).toEqual([
      "Lambda-Runtime-Function-Response-Mode",
      "streaming",
      "Trailer",
      "Lambda-Runtime-Function-Error-Type",
      "Trailer",
      "Lambda-Runtime-Function-Error-Body",
      "Content-Type",
      "text/plain",
      "Transfer-Encoding",
      "chunked",
      "Host",
      api.address,
      "Connection",
      "keep-alive",
    ]);
    expect(response.body.toString("utf8")).toBe("a\nbb\n");
    expect(response.rawTrailers).toEqual([]);
  });

  it("reports a mid-stream failure in the two trailers, the body one base64 of the error JSON", async () => {
    const { api } = await start("index.stream");
    const id = api.enqueue({ body: JSON.stringify({ chunks: ["a\n"], fail: "mid-stream boom" }) });

    const response = await api.waitForRequest(isPost(`/2018-06-01/runtime/invocation/${id}/response`));
    expect(response.body.toString("utf8")).toBe("a\n");
    expect(headerNames(response.rawTrailers)).toEqual([
      "Lambda-Runtime-Function-Error-Type",
      "Lambda-Runtime-Function-Error-Body",
    ]);
    expect(headerValues(response.rawTrailers, "Lambda-Runtime-Function-Error-Type")).toEqual(["Error"]);
    const errorBody = Buffer.from(
      headerValues(response.rawTrailers, "Lambda-Runtime-Function-Error-Body")[0]!,
      "base64",
    ).toString("utf8");
    expect(JSON.parse(errorBody)).toMatchObject({ errorType: "Error", errorMessage: "mid-stream boom" });
  });

  it("exits when the Runtime API goes away while it waits in next", async () => {
    const { api, runtime } = await start();
    await api.waitForRequest((r) => r.path === NEXT);
    // Closing twice is harmless, so afterEach may close it again.
    await api.close();

    expect(await runtime.exited).toEqual({ code: 1, signal: null });
    expect(runtime.output()).toContain("Failed to get next invocation");
  });
});

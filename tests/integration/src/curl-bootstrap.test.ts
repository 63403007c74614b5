import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { headerNames, type RecordingRuntimeApi, startRecordingRuntimeApi } from "./recording-runtime-api.ts";
import { type RuntimeProcess, startRuntime } from "./runtime-process.ts";

// The shell bootstrap from AWS's custom runtime tutorial (bash + curl) against a recording
// Runtime API: proves the fixture works without lambkin and pins down what curl sends.

const codeDir = fileURLToPath(new URL("../../fixtures/curl-bootstrap/", import.meta.url)).replace(/\/$/, "");
const NEXT = "/2018-06-01/runtime/invocation/next";

let api: RecordingRuntimeApi | undefined;
let runtime: RuntimeProcess | undefined;

afterEach(async () => {
  runtime?.kill();
  await api?.close();
  runtime = undefined;
  api = undefined;
});

async function start(handler: string): Promise<{ api: RecordingRuntimeApi; runtime: RuntimeProcess }> {
  api = await startRecordingRuntimeApi("curl-bootstrap");
  runtime = startRuntime({ codeDir, runtimeApi: api.address, handler, functionName: "curl-bootstrap" });
  return { api, runtime };
}

const isPost = (path: string) => (r: { method: string; path: string }) =>
  r.method === "POST" && r.path === path;

describe("the tutorial's curl bootstrap against a recording Runtime API", () => {
  it("polls next and posts the handler's stdout as a form-encoded body, then polls again", async () => {
    const { api } = await start("function.handler");
    const event = '{"hello":"world"}';
    const id = api.enqueue({ body: event });

    const response = await api.waitForRequest(isPost(`/2018-06-01/runtime/invocation/${id}/response`));
    const next = api.requests[0]!;
    expect(next.method).toBe("GET");
    expect(headerNames(next.rawHeaders)).toEqual(["Host", "User-Agent", "Accept"]);
    expect(next.rawHeaders[3]).toMatch(/^curl\/\d/);

    // `curl -d` sends the text as is, labelled as a form, with a Content-Length.
    expect(headerNames(response.rawHeaders)).toEqual([
      "Host",
      "User-Agent",
      "Accept",
      "Content-Length",
      "Content-Type",
    ]);
    expect(response.rawHeaders[9]).toBe("application/x-www-form-urlencoded");
    expect(response.body.toString("utf8")).toBe(`Echoing request: '${event}'`);

    await api.waitForRequest((r) => r.path === NEXT, api.requests.indexOf(response) + 1);
    // The handler logs the event to stderr; curl's reply body ({"status":"OK"}) lands on stdout.
    expect(runtime!.output()).toContain(event);
    expect(runtime!.output()).toContain('{"status":"OK"}');
  });

  it("posts /error with an error-type header when the handler returns 1", async () => {
    const { api } = await start("function.error");
    const id = api.enqueue({ body: "{}" });

    const error = await api.waitForRequest(isPost(`/2018-06-01/runtime/invocation/${id}/error`));
    expect(headerNames(error.rawHeaders)).toEqual([
      "Host",
      "User-Agent",
      "Accept",
      "Lambda-Runtime-Function-Error-Type",
      "Content-Length",
      "Content-Type",
    ]);
    expect(error.rawHeaders[7]).toBe("HandlerError");
    expect(JSON.parse(error.body.toString("utf8"))).toEqual({
      errorMessage: "failed on purpose",
      errorType: "HandlerError",
    });
    await api.waitForRequest((r) => r.path === NEXT, api.requests.indexOf(error) + 1);
  });

  it("runs the slow handler's child sleep, then answers", async () => {
    const { api } = await start("function.slow");
    const id = api.enqueue({ body: '{"seconds": 0.2}' });

    const response = await api.waitForRequest(isPost(`/2018-06-01/runtime/invocation/${id}/response`));
    expect(response.body.toString("utf8")).toBe("slept 0.2");
  });

  it("exits with the handler's status 3 while busy, posting nothing", async () => {
    const { api, runtime } = await start("function.crash");
    api.enqueue({ body: "{}" });

    expect(await runtime.exited).toEqual({ code: 3, signal: null });
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${NEXT}`]);
  });

  it("exits before polling when the handler script is missing (no init/error: the tutorial has none)", async () => {
    const { api, runtime } = await start("missing.handler");

    const { code } = await runtime.exited;
    expect(code).not.toBe(0);
    expect(api.requests).toEqual([]);
    expect(runtime.output()).toContain("missing.sh");
  });

  it("exits when the Runtime API goes away while it waits in next", async () => {
    const { api, runtime } = await start("function.handler");
    await api.waitForRequest((r) => r.path === NEXT);
    // Closing twice is harmless, so afterEach may close it again.
    await api.close();

    const { code } = await runtime.exited;
    expect(code).not.toBe(0);
  });
});

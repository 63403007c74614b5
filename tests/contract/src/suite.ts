/**
 * The contract: everything lambkin promises a caller and a runtime, written once against an
 * Invoke API URL, and run against lambkin hosted on each engine (node.test.ts, bun.test.ts,
 * deno.test.ts). Every assertion is on exact statuses, headers and bytes.
 */
import { randomUUID } from "node:crypto";
import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { EventStreamDecoder } from "@lambkin/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { deadlineContract } from "./deadline.contract.ts";
import { gateContract } from "./gate.contract.ts";
import type { HostControl } from "./host-control.ts";
import { reconfigureContract } from "./reconfigure.ts";
import { sandboxContract } from "./sandbox.contract.ts";

export interface ContractTarget {
  /** The Invoke API endpoint, e.g. http://127.0.0.1:41234. */
  url: string;
  /** The Function URL base, e.g. http://127.0.0.1:41235. */
  functionUrl: string;
  /** The engine hosting lambkin (for messages). */
  engine: string;
  /** lambkin's own API on that host: recycle, update, events. */
  control: HostControl;
  /** Stops lambkin the way a user does (close(), or SIGINT/SIGTERM to the CLI). */
  shutdown(): Promise<void>;
}

const REGION = "eu-west-1";
const ACCOUNT = "123456789012";
const arn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return false;
  }
}

export interface InvokeReply {
  status: number;
  headers: Headers;
  text: string;
  json: () => any;
  requestId: string;
}

export function contractSuite(start: () => Promise<ContractTarget>): void {
  let target: ContractTarget;
  /** Every runtime process (and child) the suite has seen: none may outlive shutdown. */
  const seenPids = new Set<number>();

  async function invoke(
    fn: string,
    payload: unknown,
    headers: Record<string, string> = {},
    query = "",
  ): Promise<InvokeReply> {
    const body = typeof payload === "string" ? payload : JSON.stringify(payload);
    const res = await fetch(`${target.url}/2015-03-31/functions/${fn}/invocations${query}`, {
      method: "POST",
      body,
      headers,
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      text,
      json: () => JSON.parse(text),
      requestId: res.headers.get("x-amzn-requestid") ?? "",
    };
  }

  const decodeLog = (reply: InvokeReply) =>
    Buffer.from(reply.headers.get("x-amz-log-result") ?? "", "base64").toString();

  function expectFunctionError(reply: InvokeReply, errorType: string, errorMessage: string | RegExp) {
    expect(reply.status).toBe(200);
    expect(reply.headers.get("x-amz-function-error")).toBe("Unhandled");
    const body = reply.json();
    expect(Object.keys(body)).toEqual(["errorType", "errorMessage"]);
    expect(body.errorType).toBe(errorType);
    if (typeof errorMessage === "string") expect(body.errorMessage).toBe(errorMessage);
    else expect(body.errorMessage).toMatch(errorMessage);
  }

  function expectApiError(reply: InvokeReply, status: number, type: string, message?: string | RegExp) {
    expect(reply.status).toBe(status);
    expect(reply.headers.get("x-amzn-errortype")).toBe(type);
    expect(reply.headers.get("content-type")).toBe("application/json");
    const body = reply.json();
    expect(body.Type).toBe(status >= 500 ? "Service" : "User");
    if (typeof message === "string") expect(body.message).toBe(message);
    else if (message) expect(body.message).toMatch(message);
  }

  beforeAll(async () => {
    target = await start();
  });

  afterAll(async () => {
    await target.shutdown();
    // After shutdown no runtime process, nor anything a runtime started, may remain. A killed
    // orphan lingers a moment until it is reaped: poll briefly; a zombie counts as gone.
    let alive = [...seenPids];
    for (let i = 0; i < 50 && alive.length > 0; i++) {
      await new Promise((r) => setTimeout(r, 100));
      alive = alive.filter(isRunning);
    }
    expect(alive, "processes left running after shutdown").toEqual([]);
  });

  describe("synchronous invoke", () => {
    it("returns the function's result with Lambda's headers", async () => {
      const reply = await invoke("behave", { echo: { hello: "world", n: [1, 2, 3] } });
      expect(reply.status).toBe(200);
      expect(reply.text).toBe('{"hello":"world","n":[1,2,3]}');
      expect(reply.headers.get("content-type")).toBe("application/json");
      expect(reply.headers.get("x-amz-executed-version")).toBe("$LATEST");
      expect(reply.requestId).toMatch(UUID);
      expect(reply.headers.get("x-amz-function-error")).toBeNull();
      expect(reply.headers.get("x-amz-log-result")).toBeNull();
    });

    it("passes non-JSON results through byte for byte", async () => {
      const reply = await invoke("behave", { raw: "plain text ✓\n" });
      expect(reply.status).toBe(200);
      expect(reply.text).toBe("plain text ✓\n");
    });

    it("treats an empty body as {}", async () => {
      const reply = await invoke("behave", "");
      expect(reply.status).toBe(200);
      expect(reply.json()).toEqual({ unknown: {} });
    });

    it("gives the runtime the event headers of the Runtime API", async () => {
      const before = Date.now();
      const context = { client: { installation_id: "abc" }, custom: { k: "v" }, env: {} };
      const reply = await invoke(
        "behave",
        { headers: true },
        { "X-Amz-Client-Context": Buffer.from(JSON.stringify(context)).toString("base64") },
      );
      const after = Date.now();
      const seen = reply.json();
      expect(seen["lambda-runtime-aws-request-id"]).toBe(reply.requestId);
      const deadline = Number(seen["lambda-runtime-deadline-ms"]);
      expect(seen["lambda-runtime-deadline-ms"]).toMatch(/^\d+$/);
      expect(deadline).toBeGreaterThanOrEqual(before + 2000);
      expect(deadline).toBeLessThanOrEqual(after + 2000);
      expect(seen["lambda-runtime-invoked-function-arn"]).toBe(arn("behave"));
      expect(seen["lambda-runtime-trace-id"]).toMatch(
        /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/,
      );
      expect(JSON.parse(seen["lambda-runtime-client-context"])).toEqual(context);
      expect(seen["content-type"]).toBe("application/json");
      expect(seen["lambda-runtime-cognito-identity"]).toBeUndefined();
    });

    it("gives the runtime the ARN the caller invoked, qualifier included", async () => {
      const invokedArn = async (name: string, query = "") =>
        (await invoke(name, { headers: true }, {}, query)).json()["lambda-runtime-invoked-function-arn"];
      expect(await invokedArn("behave%3A%24LATEST")).toBe(`${arn("behave")}:$LATEST`);
      expect(await invokedArn("behave", "?Qualifier=%24LATEST")).toBe(`${arn("behave")}:$LATEST`);
      expect(await invokedArn(encodeURIComponent(`${arn("behave")}:$LATEST`))).toBe(
        `${arn("behave")}:$LATEST`,
      );
      expect(await invokedArn(encodeURIComponent(arn("behave")))).toBe(arn("behave"));
    });

    it("runs the function in Lambda's environment and nothing of the host's", async () => {
      const env = (await invoke("behave", { env: true })).json();
      expect(env).toMatchObject({
        GREETING: "hi",
        AWS_LAMBDA_FUNCTION_NAME: "behave",
        AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
        AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "256",
        AWS_LAMBDA_LOG_GROUP_NAME: "/aws/lambda/behave",
        AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
        AWS_REGION: REGION,
        AWS_DEFAULT_REGION: REGION,
        TZ: ":UTC",
        LANG: "en_US.UTF-8",
      });
      expect(env.AWS_LAMBDA_LOG_STREAM_NAME).toMatch(/^\d{4}\/\d{2}\/\d{2}\/\[\$LATEST\][0-9a-f]{32}$/);
      expect(env.AWS_LAMBDA_RUNTIME_API).toMatch(/^127\.0\.0\.1:\d+$/);
      expect(env.LAMBDA_TASK_ROOT).toMatch(/\/fixtures\/behave$/);
      expect(env.LD_LIBRARY_PATH.split(":")[0]).toBe(`${env.LAMBDA_TASK_ROOT}/lib`);
      expect(env.PATH).toBeTruthy();
      expect(env._HANDLER).toBeUndefined();
      expect(env.AWS_EXECUTION_ENV).toBeUndefined();
      // The harness sets this on the host: a runtime must not inherit it.
      expect(env.LAMBKIN_CONTRACT_HOST_ONLY).toBeUndefined();
      expect(Object.keys(env).filter((k) => k.startsWith("npm_"))).toEqual([]);
    });

    it("gives the function the variables of its envFile, under its environment", async () => {
      const env = (await invoke("dotenv", { env: true })).json();
      expect(env).toMatchObject({ FROM_FILE: "dotenv", QUOTED: "a b # not a comment", OVER: "config" });
    });

    it("runs invocations concurrently up to the function's concurrency", async () => {
      const replies = await Promise.all([1, 2, 3, 4].map(() => invoke("behave", { sleep: 300 })));
      expect(replies.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      expect(new Set(replies.map((r) => r.requestId)).size).toBe(4);
    });

    it("queues invocations past the concurrency while the queue has room", async () => {
      const replies = await Promise.all([1, 2, 3].map(() => invoke("queued", { sleep: 100 })));
      expect(replies.map((r) => r.text)).toEqual(['{"slept":100}', '{"slept":100}', '{"slept":100}']);
    });
  });

  describe("function errors", () => {
    it("forwards the runtime's error body byte for byte with X-Amz-Function-Error", async () => {
      const reply = await invoke("behave", { error: "bad input" });
      expect(reply.status).toBe(200);
      expect(reply.headers.get("x-amz-function-error")).toBe("Unhandled");
      expect(reply.text).toBe(
        '{"errorType":"FixtureError","errorMessage":"bad input","trace":["at fixture"]}',
      );
    });

    it("forwards a non-JSON error body unchanged", async () => {
      const reply = await invoke("behave", {
        error: "x",
        errorBody: "not json at all",
        contentType: "text/plain",
      });
      expect(reply.headers.get("x-amz-function-error")).toBe("Unhandled");
      expect(reply.text).toBe("not json at all");
    });

    it("strips errorCause from an error-cause body", async () => {
      const reply = await invoke("behave", {
        error: "x",
        contentType: "application/vnd.aws.lambda.error.cause+json",
        errorBody: JSON.stringify({ errorMessage: "m", errorType: "T", errorCause: { paths: [] } }),
      });
      expect(reply.json()).toEqual({ errorMessage: "m", errorType: "T" });
    });

    it("answers Sandbox.Timedout at the deadline and starts fresh afterwards", async () => {
      const reply = await invoke("behave", { sleep: 10_000 });
      expectFunctionError(
        reply,
        "Sandbox.Timedout",
        `RequestId: ${reply.requestId} Error: Task timed out after 2.00 seconds`,
      );
      const after = await invoke("behave", { echo: "alive" });
      expect(after.text).toBe('"alive"');
    });

    it.each([
      [{ exit: 3 }, "Runtime exited with error: exit status 3"],
      [{ exit: 0 }, "Runtime exited without providing a reason"],
      [{ signal: "SIGKILL" }, "Runtime exited with error: signal: killed"],
      [{ signal: "SIGSEGV" }, "Runtime exited with error: signal: segmentation fault"],
    ])("answers Runtime.ExitError when the runtime dies (%j)", async (event, reason) => {
      const reply = await invoke("behave", event);
      expectFunctionError(reply, "Runtime.ExitError", `RequestId: ${reply.requestId} Error: ${reason}`);
      expect((await invoke("behave", { echo: 1 })).text).toBe("1");
    });

    it("answers the first invoke with the body posted to init/error, every time", async () => {
      for (let i = 0; i < 2; i++) {
        const reply = await invoke("init-error", {});
        expect(reply.status).toBe(200);
        expect(reply.headers.get("x-amz-function-error")).toBe("Unhandled");
        expect(reply.text).toBe(
          '{"errorType":"Runtime.FixtureInitError","errorMessage":"init failed on purpose"}',
        );
      }
    });

    it("answers Runtime.ExitError when the runtime exits during init", async () => {
      const reply = await invoke("init-exit", {});
      expectFunctionError(
        reply,
        "Runtime.ExitError",
        `RequestId: ${reply.requestId} Error: Runtime exited with error: exit status 2`,
      );
    });

    it("answers Runtime.InvalidEntrypoint for a missing or non-executable bootstrap", async () => {
      const missing = await invoke("missing", {});
      expectFunctionError(
        missing,
        "Runtime.InvalidEntrypoint",
        /^RequestId: [0-9a-f-]{36} Error: fork\/exec \S+\/does-not-exist: no such file or directory$/,
      );
      const notExec = await invoke("not-executable", {});
      expectFunctionError(
        notExec,
        "Runtime.InvalidEntrypoint",
        /^RequestId: [0-9a-f-]{36} Error: fork\/exec \S+\/not-executable: permission denied$/,
      );
    });

    it("answers Sandbox.Timedout when init does not finish within 10 s", async () => {
      const reply = await invoke("init-hang", {});
      expectFunctionError(
        reply,
        "Sandbox.Timedout",
        `RequestId: ${reply.requestId} Error: Init timed out after 10.00 seconds`,
      );
    }, 30_000);

    it("answers Function.ResponseSizeTooLarge past 6,291,556 bytes, and accepts exactly that many", async () => {
      const atLimit = await invoke("behave", { oversize: 6_291_556 });
      expect(atLimit.status).toBe(200);
      expect(atLimit.headers.get("x-amz-function-error")).toBeNull();
      expect(atLimit.text.length).toBe(6_291_556);
      const over = await invoke("behave", { oversize: 6_291_557 });
      expectFunctionError(
        over,
        "Function.ResponseSizeTooLarge",
        "Response payload size exceeded maximum allowed payload size (6291556 bytes).",
      );
    });
  });

  describe("request errors", () => {
    it("answers 404 ResourceNotFoundException for an unknown function", async () => {
      expectApiError(
        await invoke("nope", {}),
        404,
        "ResourceNotFoundException",
        `Function not found: ${arn("nope")}`,
      );
      expectApiError(
        await invoke("behave:v7", {}),
        404,
        "ResourceNotFoundException",
        `Function not found: ${arn("behave")}:v7`,
      );
    });

    it("accepts names as name:qualifier, Qualifier=, and full or partial ARNs, percent-encoded", async () => {
      for (const [name, query] of [
        ["behave%3A%24LATEST", ""],
        ["behave", "?Qualifier=%24LATEST"],
        [encodeURIComponent(arn("behave")), ""],
        [encodeURIComponent(`${ACCOUNT}:function:behave`), ""],
      ] as const) {
        const reply = await invoke(name, { echo: name }, {}, query);
        expect(reply.status, name).toBe(200);
      }
    });

    it("answers 400 InvalidRequestContentException for a body that is not JSON", async () => {
      expectApiError(
        await invoke("behave", "{not json"),
        400,
        "InvalidRequestContentException",
        /^Could not parse request body into json/,
      );
    });

    it("answers 413 RequestTooLargeException past 6 MB (sync) and 1 MB (Event)", async () => {
      const big = JSON.stringify("x".repeat(6_291_456));
      expectApiError(await invoke("behave", big), 413, "RequestTooLargeException");
      const event = JSON.stringify("x".repeat(1_048_576));
      expectApiError(
        await invoke("behave", event, { "X-Amz-Invocation-Type": "Event" }),
        413,
        "RequestTooLargeException",
      );
    });

    it("answers 400 for a bad invocation type, log type or client context", async () => {
      expect((await invoke("behave", {}, { "X-Amz-Invocation-Type": "Sometimes" })).status).toBe(400);
      expect((await invoke("behave", {}, { "X-Amz-Log-Type": "Everything" })).status).toBe(400);
      expectApiError(
        await invoke("behave", {}, { "X-Amz-Client-Context": "!!!" }),
        400,
        "InvalidRequestContentException",
      );
    });

    it("throttles with 429 TooManyRequestsException when concurrency and queue are full", async () => {
      const replies = await Promise.all([invoke("single", { sleep: 800 }), invoke("single", { sleep: 800 })]);
      const statuses = replies.map((r) => r.status).sort();
      expect(statuses).toEqual([200, 429]);
      const throttled = replies.find((r) => r.status === 429)!;
      expectApiError(throttled, 429, "TooManyRequestsException", "Rate Exceeded.");
      expect(throttled.json().Reason).toBe("ReservedFunctionConcurrentInvocationLimitExceeded");
      expect(throttled.headers.get("retry-after")).toMatch(/^\d+$/);
    });

    it("keeps serving after bad requests", async () => {
      const res = await fetch(`${target.url}/2015-03-31/nothing`, { method: "PUT", body: "x" });
      expect(res.status).toBe(404);
      await res.text();
      expect((await invoke("behave", { echo: "still here" })).text).toBe('"still here"');
    });
  });

  describe("invocation types", () => {
    it("Event answers 202 at once and runs the function in the background", async () => {
      const reply = await invoke("single", { sleep: 1500 }, { "X-Amz-Invocation-Type": "Event" });
      expect(reply.status).toBe(202);
      expect(reply.text).toBe("");
      expect(reply.requestId).toMatch(UUID);
      // The event occupies the only environment of `single`, so a sync invoke is throttled.
      let throttled = false;
      for (let i = 0; i < 20 && !throttled; i++) {
        throttled = (await invoke("single", { echo: 1 })).status === 429;
        if (!throttled) await new Promise((r) => setTimeout(r, 50));
      }
      expect(throttled).toBe(true);
    });

    it("DryRun answers 204 without running anything", async () => {
      const reply = await invoke("behave", { exit: 1 }, { "X-Amz-Invocation-Type": "DryRun" });
      expect(reply.status).toBe(204);
      expect(reply.text).toBe("");
    });
  });

  describe("logs", () => {
    it("Tail returns the invocation's log: START, output, END, REPORT with real figures", async () => {
      const reply = await invoke("behave", { log: 2 }, { "X-Amz-Log-Type": "Tail" });
      expect(reply.status).toBe(200);
      const id = reply.requestId;
      const lines = decodeLog(reply).trimEnd().split("\n");
      expect(lines[0]).toBe(`START RequestId: ${id} Version: $LATEST`);
      expect(lines).toContain(`line 0 of ${id}`);
      expect(lines).toContain(`line 1 of ${id}`);
      expect(lines).toContain("to stderr");
      expect(lines.at(-2)).toBe(`END RequestId: ${id}`);
      const report = lines.at(-1)!;
      const m =
        /^REPORT RequestId: (\S+)\tDuration: (\d+\.\d{2}) ms\tBilled Duration: (\d+) ms\tMemory Size: 256 MB\tMax Memory Used: (\d+) MB(\tInit Duration: (\d+\.\d{2}) ms)?$/.exec(
          report,
        );
      expect(m, report).not.toBeNull();
      expect(m![1]).toBe(id);
      const duration = Number(m![2]);
      const init = m![6] ? Number(m![6]) : 0;
      expect(Number(m![3])).toBe(Math.ceil(duration + init));
      expect(Number(m![4])).toBeGreaterThan(0);
    });

    it("Tail keeps the last 4 KB", async () => {
      const reply = await invoke("behave", { log: 400 }, { "X-Amz-Log-Type": "Tail" });
      const raw = Buffer.from(reply.headers.get("x-amz-log-result")!, "base64");
      expect(raw.length).toBe(4096);
      expect(raw.toString()).toMatch(/\nREPORT RequestId: \S+\tDuration: [^\n]*\n$/);
    });

    it("REPORT says Status: timeout after a timeout", async () => {
      const reply = await invoke("behave", { sleep: 10_000 }, { "X-Amz-Log-Type": "Tail" });
      expect(decodeLog(reply)).toMatch(/\nREPORT RequestId: \S+\tDuration: [^\n]*\tStatus: timeout\n$/);
    });

    it("times a warm environment's later invocation out at its own deadline, not an earlier one's", async () => {
      // The first invocation's deadline falls 1.5 s into the second: a clock still set for the
      // first would end the second 1.5 s early.
      expect((await invoke("single", { echo: 1 })).text).toBe("1");
      await new Promise((resolve) => setTimeout(resolve, 1500));
      const reply = await invoke("single", { sleep: 10_000 }, { "X-Amz-Log-Type": "Tail" });
      expect(JSON.parse(reply.text).errorType).toBe("Sandbox.Timedout");
      const duration = /\nREPORT RequestId: \S+\tDuration: ([\d.]+) ms\t/.exec(decodeLog(reply))?.[1];
      expect(Number(duration)).toBeGreaterThanOrEqual(3000);
    });

    it("REPORT says Status: error with the error type after a crash", async () => {
      const reply = await invoke("behave", { exit: 9 }, { "X-Amz-Log-Type": "Tail" });
      expect(decodeLog(reply)).toMatch(/\tStatus: error\tError Type: Runtime\.ExitError\n$/);
    });

    it("the JSON log format gives platform records", async () => {
      const reply = await invoke("jsonlogs", { echo: 1 }, { "X-Amz-Log-Type": "Tail" });
      const records = decodeLog(reply)
        .trimEnd()
        .split("\n")
        .filter((l) => l.startsWith("{"))
        .map((l) => JSON.parse(l));
      expect(records.map((r) => r.type)).toEqual([
        "platform.start",
        "platform.runtimeDone",
        "platform.report",
      ]);
      expect(records[0].record).toEqual({ requestId: reply.requestId, version: "$LATEST" });
      expect(records[2].record.metrics.memorySizeMB).toBe(128);
      expect(records[2].record.status).toBe("success");
    });
  });

  describe("Runtime API", () => {
    it("answers misuse with the documented errors and keeps the invocation alive", async () => {
      const reply = await invoke("behave", {
        probe: ["wrongId", "badMode", "nextEarly", "initErrorLate", "unknownRoute"],
      });
      expect(reply.status).toBe(200);
      const answers = reply.json();
      expect(answers.wrongId.status).toBe(400);
      expect(JSON.parse(answers.wrongId.body).errorType).toBe("InvalidRequestID");
      expect(answers.badMode.status).toBe(400);
      expect(JSON.parse(answers.badMode.body).errorType).toBe("InvalidFunctionResponseMode");
      expect(answers.nextEarly.status).toBe(403);
      expect(JSON.parse(answers.nextEarly.body).errorType).toBe("InvalidStateTransition");
      expect(answers.initErrorLate.status).toBe(403);
      expect(JSON.parse(answers.initErrorLate.body).errorType).toBe("InvalidStateTransition");
      expect(answers.unknownRoute.status).toBe(404);
      for (const a of Object.values<any>(answers))
        expect(Object.keys(JSON.parse(a.body)).sort()).toEqual(["errorMessage", "errorType"]);
    });

    it("answers a second response or error for the same invocation with 403; the caller sees only the first", async () => {
      const reply = await invoke("queued", { probe: ["twice"] });
      expect(reply.status).toBe(200);
      expect(reply.text).toBe("{}");
      // `queued` has one environment: the same process reports what it was told after answering.
      const { response, error } = (await invoke("queued", { report: true })).json();
      expect(response.status).toBe(403);
      expect(JSON.parse(response.body).errorType).toBe("InvalidStateTransition");
      expect(error.status).toBe(403);
      expect(JSON.parse(error.body).errorType).toBe("InvalidStateTransition");
    });

    it("relays a streamed response (chunked, trailers) to a buffered invoke", async () => {
      const reply = await invoke("behave", { stream: ["one ", 20, "two ", 20, "three"] });
      expect(reply.status).toBe(200);
      expect(reply.headers.get("x-amz-function-error")).toBeNull();
      expect(reply.text).toBe("one two three");
    });

    it("reports a mid-stream failure from the trailers", async () => {
      const reply = await invoke("behave", { stream: ["partial"], failWith: "Runtime.StreamBroke" });
      expect(reply.headers.get("x-amz-function-error")).toBe("Unhandled");
      expect(reply.json()).toEqual({ errorType: "Runtime.StreamBroke", errorMessage: "broke mid-stream" });
    });
  });

  /** Reads `stream` until `text` has arrived; returns everything read so far. */
  async function readUntil(
    reader: ReadableStreamDefaultReader<Uint8Array>,
    seen: { text: string },
    text: string,
  ) {
    const decoder = new TextDecoder();
    while (!seen.text.includes(text)) {
      const { done, value } = await reader.read();
      if (done) break;
      seen.text += decoder.decode(value, { stream: true });
    }
    return seen.text;
  }

  /** A file the runtime waits for: the test creates it once it has seen the first bytes. */
  function signalFile() {
    const file = join(tmpdir(), `lambkin-signal-${randomUUID()}`);
    return { file, fire: () => writeFileSync(file, ""), clean: () => rmSync(file, { force: true }) };
  }

  describe("Function URLs", () => {
    const get = (path: string, init?: RequestInit) => fetch(`${target.functionUrl}${path}`, init);

    it("sends a payload 2.0 event and maps the result back to HTTP", async () => {
      const res = await get("/behave/echo?b=2&a=1&a=3", {
        method: "POST",
        body: '{"x":1}',
        headers: { "content-type": "application/json", "x-custom": "v", cookie: "c1=1; c2=2" },
      });
      expect(res.status).toBe(200);
      expect(res.headers.get("x-fixture")).toBe("yes");
      expect(res.headers.get("x-amzn-requestid")).toMatch(UUID);
      const event = (await res.json()) as any;
      expect(event).toMatchObject({
        version: "2.0",
        routeKey: "$default",
        rawPath: "/echo",
        rawQueryString: "b=2&a=1&a=3",
        queryStringParameters: { a: "1,3", b: "2" },
        cookies: ["c1=1", "c2=2"],
        body: '{"x":1}',
        isBase64Encoded: false,
      });
      expect(event.headers["x-custom"]).toBe("v");
      expect(event.requestContext.http).toMatchObject({
        method: "POST",
        path: "/echo",
        protocol: "HTTP/1.1",
        sourceIp: "127.0.0.1",
      });
      expect(event.requestContext.requestId).toBe(res.headers.get("x-amzn-requestid"));
    });

    it("base64-encodes binary request bodies", async () => {
      const res = await get("/behave/echo", {
        method: "PUT",
        body: new Uint8Array([0, 159, 146, 150]),
        headers: { "content-type": "application/octet-stream" },
      });
      const event = (await res.json()) as any;
      expect(event.isBase64Encoded).toBe(true);
      expect(Buffer.from(event.body, "base64")).toEqual(Buffer.from([0, 159, 146, 150]));
    });

    it("infers 200 application/json for results without statusCode", async () => {
      const str = await get("/behave/string");
      expect(str.status).toBe(200);
      expect(str.headers.get("content-type")).toBe("application/json");
      expect(await str.text()).toBe('"hello"');
      const obj = await get("/behave/object");
      expect(await obj.text()).toBe('{"a":1}');
    });

    it("decodes base64 bodies, sets each cookie, honours statuses", async () => {
      const bin = await get("/behave/binary");
      expect(bin.status).toBe(201);
      expect(new Uint8Array(await bin.arrayBuffer())).toEqual(new Uint8Array([0, 1, 2, 255]));
      const cookies = await get("/behave/cookies");
      expect(cookies.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2"]);
      expect(await cookies.text()).toBe("ok");
      const empty = await get("/behave/no-content");
      expect(empty.status).toBe(204);
    });

    it("answers 502 for a function error or a malformed result", async () => {
      for (const path of ["/behave/error", "/behave/malformed", "/behave/not-json"]) {
        const res = await get(path);
        expect(res.status, path).toBe(502);
        expect(await res.text()).toBe('{"message":"Internal Server Error"}');
      }
    });

    it("answers 404 naming the functions for an unknown one", async () => {
      const res = await get("/nope/x");
      expect(res.status).toBe(404);
      expect(((await res.json()) as any).functions).toContain("/behave/");
    });

    it("streams an http-integration response as it is written", async () => {
      const signal = signalFile();
      try {
        const res = await get(`/behave/stream?signal=${encodeURIComponent(signal.file)}`);
        expect(res.status).toBe(201);
        expect(res.headers.get("x-stream")).toBe("yes");
        expect(res.headers.getSetCookie()).toEqual(["s=1"]);
        const reader = res.body!.getReader();
        const seen = { text: "" };
        // The runtime holds the rest back until the test has seen the first part.
        expect(await readUntil(reader, seen, "first|")).toBe("first|");
        signal.fire();
        await readUntil(reader, seen, "|last");
        expect(seen.text).toBe("first|after-signal|last");
      } finally {
        signal.clean();
      }
    });

    it("streams a plain response with its content type, and cuts a failed stream", async () => {
      const plain = await get("/behave/stream-plain");
      expect(plain.headers.get("content-type")).toBe("text/plain");
      expect(await plain.text()).toBe("plain stream");
      // Cut: the client never sees a clean end. Where the engine had not flushed the headers yet
      // (Bun.serve holds them back for a short body), the request itself fails.
      const failed = await get("/behave/stream-fail").then(
        async (res) => ({
          status: res.status,
          body: await res.text().then(
            () => "complete",
            () => "cut",
          ),
        }),
        () => ({ status: 0, body: "cut" }),
      );
      expect(failed.body).toBe("cut");
      expect([0, 200]).toContain(failed.status);
    });
  });

  describe("InvokeWithResponseStream", () => {
    async function streamInvoke(fn: string, payload: unknown, headers: Record<string, string> = {}) {
      const res = await fetch(`${target.url}/2021-11-15/functions/${fn}/response-streaming-invocations`, {
        method: "POST",
        body: JSON.stringify(payload),
        headers,
      });
      return res;
    }

    async function events(res: Response) {
      const decoder = new EventStreamDecoder();
      const out: { type: string; payload: Uint8Array }[] = [];
      for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
        for (const m of decoder.push(chunk))
          out.push({ type: String(m.headers[":event-type"]), payload: m.payload });
      }
      return out;
    }

    it("sends PayloadChunk events as the runtime writes, then InvokeComplete", async () => {
      const signal = signalFile();
      try {
        const res = await streamInvoke("behave", { signalStream: signal.file });
        expect(res.status).toBe(200);
        expect(res.headers.get("content-type")).toBe("text/plain");
        expect(res.headers.get("x-amzn-requestid")).toMatch(UUID);
        const decoder = new EventStreamDecoder();
        const reader = res.body!.getReader();
        const received: string[] = [];
        let complete: any;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          for (const m of decoder.push(value)) {
            if (m.headers[":event-type"] === "PayloadChunk") {
              received.push(new TextDecoder().decode(m.payload));
              if (received.join("") === "first|") signal.fire();
            } else
              complete = {
                type: m.headers[":event-type"],
                body: JSON.parse(new TextDecoder().decode(m.payload)),
              };
          }
        }
        expect(received.join("")).toBe("first|after-signal|last");
        expect(complete).toEqual({ type: "InvokeComplete", body: {} });
      } finally {
        signal.clean();
      }
    });

    it("reports a buffered result as one chunk, and errors in InvokeComplete", async () => {
      const ok = await events(await streamInvoke("behave", { echo: { a: 1 } }));
      expect(ok.map((e) => e.type)).toEqual(["PayloadChunk", "InvokeComplete"]);
      expect(new TextDecoder().decode(ok[0]!.payload)).toBe('{"a":1}');
      const failed = await events(
        await streamInvoke("behave", { stream: ["partial"], failWith: "Runtime.StreamBroke" }),
      );
      const complete = JSON.parse(new TextDecoder().decode(failed.at(-1)!.payload));
      expect(complete.ErrorCode).toBe("Runtime.StreamBroke");
      expect(JSON.parse(complete.ErrorDetails)).toEqual({
        errorType: "Runtime.StreamBroke",
        errorMessage: "broke mid-stream",
      });
      const timedOut = await events(
        await streamInvoke("behave", { sleep: 10_000 }, { "X-Amz-Log-Type": "Tail" }),
      );
      const end = JSON.parse(new TextDecoder().decode(timedOut.at(-1)!.payload));
      expect(end.ErrorCode).toBe("Sandbox.Timedout");
      expect(Buffer.from(end.LogResult, "base64").toString()).toMatch(/Status: timeout\n$/);
    });

    it("answers API errors before streaming", async () => {
      const res = await streamInvoke("nope", {});
      expect(res.status).toBe(404);
      expect(res.headers.get("x-amzn-errortype")).toBe("ResourceNotFoundException");
      await res.text();
    });
  });

  describe("functions API", () => {
    it("ListFunctions lists every configured function", async () => {
      const res = await fetch(`${target.url}/2015-03-31/functions`);
      expect(res.status).toBe(200);
      const { Functions } = (await res.json()) as { Functions: any[] };
      expect(Functions.map((f) => f.FunctionName).sort()).toEqual([
        "behave",
        "cors",
        "dotenv",
        "init-error",
        "init-exit",
        "init-hang",
        "jsonlogs",
        "late",
        "missing",
        "not-executable",
        "queued",
        "sandboxed",
        "single",
      ]);
    });

    it("GetFunction and GetFunctionConfiguration describe one function", async () => {
      const res = await fetch(`${target.url}/2015-03-31/functions/behave`);
      expect(res.status).toBe(200);
      const { Configuration } = (await res.json()) as { Configuration: any };
      expect(Configuration).toMatchObject({
        FunctionName: "behave",
        FunctionArn: arn("behave"),
        Timeout: 2,
        MemorySize: 256,
        Version: "$LATEST",
        State: "Active",
        PackageType: "Zip",
        Environment: { Variables: { GREETING: "hi" } },
      });
      const conf = await fetch(`${target.url}/2015-03-31/functions/behave/configuration`);
      expect(((await conf.json()) as any).FunctionName).toBe("behave");
      const missing = await fetch(`${target.url}/2015-03-31/functions/nope`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get("x-amzn-errortype")).toBe("ResourceNotFoundException");
      await missing.text();
    });
  });

  gateContract(() => target);

  sandboxContract(() => target);

  deadlineContract(async (fn, payload) => {
    const reply = await invoke(fn, payload, { "X-Amz-Log-Type": "Tail" });
    return { status: reply.status, headers: reply.headers, text: reply.text, log: decodeLog(reply) };
  });
  reconfigureContract(() => target, invoke, seenPids);

  describe("shutdown", () => {
    it("knows the processes to check: a runtime and a child it started", async () => {
      const reply = (await invoke("behave", { grandchild: true })).json();
      seenPids.add(reply.pid);
      seenPids.add(reply.grandchild);
      process.kill(reply.grandchild, 0); // alive now
    });
  });
}

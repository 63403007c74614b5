import {
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  type InvokeCommandInput,
  type InvokeCommandOutput,
  InvokeWithResponseStreamCommand,
  type InvokeWithResponseStreamCommandInput,
  type InvokeWithResponseStreamResponseEvent,
  ListFunctionsCommand,
  RequestTooLargeException,
  ResourceNotFoundException,
  TooManyRequestsException,
} from "@aws-sdk/client-lambda";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bytes, type CapturingClient, lambdaClient, lambdaHeaders, text } from "./lambda-sdk.ts";
import {
  CURL_DIR,
  expectedConfiguration,
  type FunctionSettings,
  invocationLog,
  type LambkinCli,
  RIC_DIR,
  re,
  ricInfoLine,
  startLambkinCli,
  UUID,
} from "./lambkin-cli.ts";
import { ancestorsOf, commandLine, descendantsOf, isRunning, waitUntilGone } from "./processes.ts";

// `lambkin start --config …` (the real CLI, as a child process) serving AWS's own Node runtime
// client (aws-lambda-ric, `provided`, index.handler) and the custom runtime tutorial's bash + curl
// bootstrap, called through @aws-sdk/client-lambda: the exact status, headers and body a caller
// gets for every outcome, and the processes behind them.

const ric = { runtime: "provided", codeDir: RIC_DIR, command: ["./bootstrap"], timeout: 2 } as const;
// The curl functions leave `command` out: lambkin's default is ./bootstrap, as Lambda's.
const curl = { runtime: "provided", codeDir: CURL_DIR, timeout: 2 } as const;

const FUNCTIONS: Record<string, FunctionSettings> = {
  ric: { ...ric, handler: "index.handler" },
  // One environment at most, so a test knows which process ran its invocation.
  "ric-one": { ...ric, handler: "index.handler", concurrency: 1 },
  // The module exists, the export does not: the ric posts init/error (Runtime.HandlerNotFound).
  "ric-missing": { ...ric, handler: "index.nope" },
  // No such module: init/error with Runtime.ImportModuleError.
  "ric-import": { ...ric, handler: "missing.handler" },
  "ric-stream": { ...ric, handler: "index.stream" },
  curl: { ...curl, handler: "function.handler" },
  "curl-error": { ...curl, handler: "function.error" },
  "curl-crash": { ...curl, handler: "function.crash" },
  "curl-slow": { ...curl, handler: "function.slow", timeout: 1, concurrency: 1 },
  "curl-missing": { ...curl, handler: "missing.handler" },
  "curl-pid": { ...curl, handler: "function.pid" },
  // Lambda's reserved concurrency 1 with no queue: a second concurrent invoke is throttled.
  "curl-one": { ...curl, handler: "function.slow", concurrency: 1, queueSize: 0 },
  // A /tmp of 1 GB instead of the default 512 MB: what GetFunctionConfiguration must report.
  "curl-tmp": { ...curl, handler: "function.handler", ephemeralStorage: 1024 },
};

const ARN = "arn:aws:lambda:us-east-1:000000000000:function";
const TRACE_ID = /^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/;

let lambkin: LambkinCli;
let sdk: CapturingClient;

beforeAll(async () => {
  lambkin = await startLambkinCli(FUNCTIONS);
  sdk = lambdaClient(lambkin.url);
}, 30_000);

afterAll(async () => {
  sdk?.client.destroy();
  await lambkin?.destroy();
});

const json = (value: unknown) => bytes(JSON.stringify(value));
const invoke = (input: InvokeCommandInput) => sdk.client.send(new InvokeCommand(input));
/** The request id lambkin gave the invocation (its `x-amzn-RequestId`, which the runtime saw too). */
const requestIdOf = (out: { $metadata: { requestId?: string } }): string => {
  expect(out.$metadata.requestId).toMatch(UUID);
  return out.$metadata.requestId!;
};
/** Resolves with the exception `promise` rejects with; fails when it resolves. */
async function rejection(promise: Promise<unknown>): Promise<Error & Record<string, any>> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: Error) => ({ error }),
  );
  if ("value" in outcome) throw new Error(`expected an exception, got ${JSON.stringify(outcome.value)}`);
  return outcome.error as Error & Record<string, any>;
}
/** The pid of the runtime process that serves `functionName` now (its `pid` handler/action). */
async function runtimePid(functionName: string): Promise<number> {
  const event = functionName.startsWith("ric") ? { action: "pid" } : {};
  const out = await invoke({ FunctionName: functionName, Payload: json(event) });
  expect(out.FunctionError).toBeUndefined();
  const { pid } = JSON.parse(text(out.Payload)) as { pid: number };
  expect(pid).toBeGreaterThan(1);
  return pid;
}
/** Runtime processes lambkin runs now whose command line has `arg` (e.g. a ric handler). */
const runtimesWith = (arg: string) => descendantsOf(lambkin.pid).filter((p) => commandLine(p).includes(arg));
/** The headers of a successful buffered invoke. */
const okHeaders = (out: InvokeCommandOutput) => ({
  "content-type": "application/json",
  "x-amz-executed-version": "$LATEST",
  "x-amzn-requestid": requestIdOf(out),
  "content-length": String(out.Payload?.byteLength ?? 0),
});
const functionErrorHeaders = (out: InvokeCommandOutput) => ({
  ...okHeaders(out),
  "x-amz-function-error": "Unhandled",
});

describe("InvokeCommand → aws-lambda-ric (provided, index.handler)", () => {
  it("success: 200, the handler's result bytes, ExecutedVersion $LATEST, no FunctionError", async () => {
    const out = await invoke({ FunctionName: "ric", Payload: json({ action: "echo", n: 1 }) });
    const id = requestIdOf(out);

    expect(out.StatusCode).toBe(200);
    expect(out.ExecutedVersion).toBe("$LATEST");
    expect(out.FunctionError).toBeUndefined();
    expect(out.LogResult).toBeUndefined();
    const body = text(out.Payload);
    const result = JSON.parse(body);
    expect(result).toEqual({
      action: "echo",
      event: { action: "echo", n: 1 },
      context: {
        awsRequestId: id,
        functionName: "ric",
        functionVersion: "$LATEST",
        invokedFunctionArn: `${ARN}:ric`,
        memoryLimitInMB: "128",
        logGroupName: "/aws/lambda/ric",
        logStreamName: expect.stringMatching(/^\d{4}\/\d\d\/\d\d\/\[\$LATEST\][0-9a-f]{32}$/),
        clientContext: null,
        identity: null,
        remainingTimeInMillis: expect.any(Number),
      },
      env: { AWS_REGION: "us-east-1", _X_AMZN_TRACE_ID: expect.stringMatching(TRACE_ID) },
    });
    // The ric computes it from Lambda-Runtime-Deadline-Ms: inside the 2 s timeout.
    expect(result.context.remainingTimeInMillis).toBeGreaterThan(0);
    expect(result.context.remainingTimeInMillis).toBeLessThanOrEqual(2000);
    // The bytes are the runtime's, unchanged (JSON.stringify's output, key order and all).
    expect(body).toBe(JSON.stringify(result));

    expect(sdk.last().statusCode).toBe(200);
    expect(lambdaHeaders(sdk.last())).toEqual(okHeaders(out));
  });

  it("handler error: FunctionError Unhandled, the ric's {errorType, errorMessage, trace} as the payload", async () => {
    const out = await invoke({ FunctionName: "ric", Payload: json({ action: "throw", message: "boom" }) });

    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe("Unhandled");
    expect(out.ExecutedVersion).toBe("$LATEST");
    const body = text(out.Payload);
    const error = JSON.parse(body);
    expect(Object.keys(error)).toEqual(["errorType", "errorMessage", "trace"]);
    expect(error.errorType).toBe("FixtureError");
    expect(error.errorMessage).toBe("boom");
    expect(error.trace[0]).toBe("FixtureError: boom");
    expect(error.trace[1]).toMatch(
      new RegExp(
        `^    at BufferedInvokeProcessor\\.handler \\(file://${re(RIC_DIR)}/index\\.mjs:\\d+:\\d+\\)$`,
      ),
    );
    for (const frame of error.trace.slice(1)) expect(frame).toMatch(/^ {4}at /);
    expect(body).toBe(JSON.stringify(error));
    expect(sdk.last().statusCode).toBe(200);
    expect(lambdaHeaders(sdk.last())).toEqual(functionErrorHeaders(out));
  });

  it("timeout: Sandbox.Timedout after 2.00 seconds; the runtime is killed and the next invoke gets a new one", async () => {
    const before = await runtimePid("ric-one");

    const out = await invoke({ FunctionName: "ric-one", Payload: json({ action: "sleep", ms: 10_000 }) });
    const id = requestIdOf(out);
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe("Unhandled");
    expect(text(out.Payload)).toBe(
      `{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: ${id} Error: Task timed out after 2.00 seconds"}`,
    );
    expect(lambdaHeaders(sdk.last())).toEqual(functionErrorHeaders(out));

    expect(await waitUntilGone([before])).toEqual([]);
    const after = await runtimePid("ric-one");
    expect(after).not.toBe(before);
  }, 20_000);

  it("crash: Runtime.ExitError with the exit status; the next invoke starts a new runtime", async () => {
    const before = await runtimePid("ric-one");

    const out = await invoke({ FunctionName: "ric-one", Payload: json({ action: "exit", code: 3 }) });
    const id = requestIdOf(out);
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe("Unhandled");
    expect(text(out.Payload)).toBe(
      `{"errorType":"Runtime.ExitError","errorMessage":"RequestId: ${id} Error: Runtime exited with error: exit status 3"}`,
    );
    expect(lambdaHeaders(sdk.last())).toEqual(functionErrorHeaders(out));

    expect(isRunning(before)).toBe(false);
    expect(await runtimePid("ric-one")).not.toBe(before);
  }, 20_000);

  it("init error (handler not exported): every invoke gets the body the ric posted to init/error", async () => {
    for (let attempt = 0; attempt < 2; attempt++) {
      const out = await invoke({ FunctionName: "ric-missing", Payload: json({}) });
      expect(out.StatusCode).toBe(200);
      expect(out.FunctionError).toBe("Unhandled");
      const body = text(out.Payload);
      const error = JSON.parse(body);
      expect(Object.keys(error)).toEqual(["errorType", "errorMessage", "trace"]);
      expect(error.errorType).toBe("Runtime.HandlerNotFound");
      expect(error.errorMessage).toBe("index.nope is undefined or not exported");
      expect(error.trace[0]).toBe("Runtime.HandlerNotFound: index.nope is undefined or not exported");
      for (const frame of error.trace.slice(1)) expect(frame).toMatch(/^ {4}at /);
      expect(body).toBe(JSON.stringify(error));
      expect(lambdaHeaders(sdk.last())).toEqual(functionErrorHeaders(out));
    }
    // The ric exits after init/error; lambkin keeps no environment of it around.
    expect(await waitUntilGone(runtimesWith("index.nope"))).toEqual([]);
  }, 20_000);

  it("init error (module not found): Runtime.ImportModuleError from init/error", async () => {
    const out = await invoke({ FunctionName: "ric-import", Payload: json({}) });
    expect(out.FunctionError).toBe("Unhandled");
    const body = text(out.Payload);
    const error = JSON.parse(body);
    expect(Object.keys(error)).toEqual(["errorType", "errorMessage", "trace"]);
    expect(error.errorType).toBe("Runtime.ImportModuleError");
    expect(error.errorMessage).toBe(
      `Error: Cannot find module 'missing'\nRequire stack:\n- ${RIC_DIR}/node_modules/aws-lambda-ric/index.mjs`,
    );
    expect(body).toBe(JSON.stringify(error));
  });

  it("LogType Tail: LogResult is START, the handler's console line in Lambda's format, END, REPORT", async () => {
    const out = await invoke({ FunctionName: "ric", LogType: "Tail", Payload: json({ action: "echo" }) });
    const id = requestIdOf(out);

    expect(out.FunctionError).toBeUndefined();
    const log = Buffer.from(out.LogResult!, "base64").toString("utf8");
    expect(log).toMatch(invocationLog(id, [ricInfoLine(id, `ric-fixture action=echo requestId=${id}`)]));
    expect(lambdaHeaders(sdk.last())).toEqual({ ...okHeaders(out), "x-amz-log-result": out.LogResult });
    // The same lines lambkin printed for this request id (its log is written in batches: wait
    // for the REPORT line to be printed).
    await lambkin.waitForRecord((r) => r.requestId === id && r.line.startsWith("REPORT "));
    expect(lambkin.linesOf(id)).toEqual(log.trimEnd().split("\n"));
  });

  it("InvocationType Event: 202 with an empty body, then the function runs in the background", async () => {
    const out = await invoke({
      FunctionName: "ric",
      InvocationType: "Event",
      Payload: json({ action: "echo" }),
    });
    const id = requestIdOf(out);

    expect(out.StatusCode).toBe(202);
    expect(out.Payload?.byteLength ?? 0).toBe(0);
    expect(out.FunctionError).toBeUndefined();
    expect(sdk.last().statusCode).toBe(202);
    expect(lambdaHeaders(sdk.last())).toEqual({ "x-amzn-requestid": id, "content-length": "0" });

    // It runs under the request id the caller got.
    await lambkin.waitForRecord((r) => r.requestId === id && r.line.startsWith("REPORT "));
    expect(`${lambkin.linesOf(id).join("\n")}\n`).toMatch(
      invocationLog(id, [ricInfoLine(id, `ric-fixture action=echo requestId=${id}`)]),
    );
  }, 20_000);

  it("InvocationType DryRun: 204, and the function does not run", async () => {
    const pid = await runtimePid("ric-one");
    const from = await lambkin.mark();

    // A DryRun of a crashing event: were it run, the runtime would exit.
    const out = await invoke({
      FunctionName: "ric-one",
      InvocationType: "DryRun",
      Payload: json({ action: "exit", code: 3 }),
    });
    expect(out.StatusCode).toBe(204);
    expect(out.Payload?.byteLength ?? 0).toBe(0);
    expect(sdk.last().statusCode).toBe(204);
    expect(lambdaHeaders(sdk.last())).toEqual({
      "x-amz-executed-version": "$LATEST",
      "x-amzn-requestid": requestIdOf(out),
    });

    expect(await runtimePid("ric-one")).toBe(pid);
    // Only runtimePid's own invocation started (once its lines have been printed).
    await lambkin.mark();
    const started = lambkin.records.slice(from).filter((r) => r.line.startsWith("START "));
    expect(started).toHaveLength(1);
  });

  it("ClientContext: the base64 JSON reaches the ric's context.clientContext", async () => {
    const clientContext = {
      client: { installation_id: "install-1", app_title: "lambkin tests" },
      custom: { answer: 42 },
      env: { platform: "linux" },
    };
    const out = await invoke({
      FunctionName: "ric",
      ClientContext: Buffer.from(JSON.stringify(clientContext)).toString("base64"),
      Payload: json({ action: "echo" }),
    });
    expect(out.FunctionError).toBeUndefined();
    expect(JSON.parse(text(out.Payload)).context.clientContext).toEqual(clientContext);
  });

  it("throttle: TooManyRequestsException (429, Reason) while the only environment is busy", async () => {
    const from = await lambkin.mark();
    const first = invoke({ FunctionName: "curl-one", Payload: json({ seconds: 1 }) });
    // Once its START is logged, the one environment of curl-one is taken.
    await lambkin.waitForRecord(
      (r) => r.functionName === "curl-one" && r.line.startsWith("START "),
      15_000,
      from,
    );

    const error = await rejection(invoke({ FunctionName: "curl-one", Payload: json({ seconds: 0 }) }));
    expect(error).toBeInstanceOf(TooManyRequestsException);
    expect(error.name).toBe("TooManyRequestsException");
    expect(error.message).toBe("Rate Exceeded.");
    expect(error.Reason).toBe("ReservedFunctionConcurrentInvocationLimitExceeded");
    expect(error.Type).toBe("User");
    expect(error.$metadata.httpStatusCode).toBe(429);
    expect(error.$metadata.attempts).toBe(1);
    expect(error.$metadata.requestId).toMatch(UUID);
    expect(sdk.last().statusCode).toBe(429);
    expect(lambdaHeaders(sdk.last())).toEqual({
      "content-type": "application/json",
      "x-amzn-errortype": "TooManyRequestsException",
      // The id the SDK reports as $metadata.requestId, for errors too.
      "x-amzn-requestid": error.$metadata.requestId,
      "retry-after": "1",
      "content-length": expect.stringMatching(/^\d+$/),
    });

    const out = await first;
    expect(text(out.Payload)).toBe("slept 1");
    // The throttled call never ran.
    await lambkin.mark();
    const started = lambkin.records.slice(from).filter((r) => r.line.startsWith("START "));
    expect(started.map((r) => r.requestId)).toEqual([requestIdOf(out)]);
  }, 20_000);

  it("no throttle for one call after another on a concurrency-1, queue-0 function", async () => {
    // Each call starts once the previous one has its answer: never two at once. The runtime may
    // not yet have asked for its next event (curl takes a moment), which is no reason for a 429.
    for (let i = 0; i < 15; i++) {
      const out = await invoke({ FunctionName: "curl-one", Payload: json({ seconds: 0 }) });
      expect(text(out.Payload)).toBe("slept 0");
    }
  }, 30_000);

  it("oversize: a 6,291,456-byte payload runs, one byte more is RequestTooLargeException (413)", async () => {
    const limit = 6_291_456;
    const event = (size: number) => {
      const empty = JSON.stringify({ action: "pid", pad: "" });
      return bytes(JSON.stringify({ action: "pid", pad: "x".repeat(size - empty.length) }));
    };
    const atLimit = event(limit);
    expect(atLimit.byteLength).toBe(limit);
    const out = await invoke({ FunctionName: "ric", Payload: atLimit });
    expect(out.FunctionError).toBeUndefined();
    expect(JSON.parse(text(out.Payload))).toEqual({ pid: expect.any(Number) });

    const error = await rejection(invoke({ FunctionName: "ric", Payload: event(limit + 1) }));
    expect(error).toBeInstanceOf(RequestTooLargeException);
    expect(error.message).toBe("Request must be smaller than 6291456 bytes for the InvokeFunction operation");
    expect(error.Type).toBe("User");
    expect(error.$metadata.httpStatusCode).toBe(413);
    expect(error.$metadata.requestId).toMatch(UUID);
    expect(lambdaHeaders(sdk.last())).toEqual({
      "content-type": "application/json",
      "x-amzn-errortype": "RequestTooLargeException",
      // The id the SDK reports as $metadata.requestId, for errors too.
      "x-amzn-requestid": error.$metadata.requestId,
      "content-length": expect.stringMatching(/^\d+$/),
    });
  }, 20_000);

  it("unknown function: ResourceNotFoundException (404) naming the function's ARN", async () => {
    const error = await rejection(invoke({ FunctionName: "nope", Payload: json({}) }));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.message).toBe(`Function not found: ${ARN}:nope`);
    expect(error.Type).toBe("User");
    expect(error.$metadata.httpStatusCode).toBe(404);
    expect(error.$metadata.requestId).toMatch(UUID);
    expect(lambdaHeaders(sdk.last())).toEqual({
      "content-type": "application/json",
      "x-amzn-errortype": "ResourceNotFoundException",
      // The id the SDK reports as $metadata.requestId, for errors too.
      "x-amzn-requestid": error.$metadata.requestId,
      "content-length": expect.stringMatching(/^\d+$/),
    });
  });

  it("qualifiers and ARNs: $LATEST and a full ARN work, a version that does not exist is not found", async () => {
    for (const input of [
      { FunctionName: "ric", Qualifier: "$LATEST" },
      { FunctionName: "ric:$LATEST" },
      { FunctionName: `${ARN}:ric` },
      { FunctionName: `${ARN}:ric:$LATEST` },
    ]) {
      const out = await invoke({ ...input, Payload: json({ action: "echo" }) });
      expect(out.StatusCode).toBe(200);
      expect(out.ExecutedVersion).toBe("$LATEST");
      expect(JSON.parse(text(out.Payload)).context.functionName).toBe("ric");
    }

    const error = await rejection(invoke({ FunctionName: "ric", Qualifier: "v1", Payload: json({}) }));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.message).toBe(`Function not found: ${ARN}:ric:v1`);
    expect(error.$metadata.httpStatusCode).toBe(404);
  }, 20_000);
});

describe("ListFunctions, GetFunction, GetFunctionConfiguration", () => {
  it("ListFunctionsCommand lists every function of the config with its configuration", async () => {
    const out = await sdk.client.send(new ListFunctionsCommand({}));
    expect(out.$metadata.httpStatusCode).toBe(200);
    expect(out.$metadata.requestId).toMatch(UUID);
    expect(out.Functions?.map((f) => f.FunctionName)).toEqual(Object.keys(FUNCTIONS));
    for (const fn of out.Functions ?? []) {
      expect(fn).toEqual(expectedConfiguration(fn.FunctionName!, FUNCTIONS[fn.FunctionName!]!));
    }
    expect(out.NextMarker).toBeUndefined();
  });

  it("GetFunctionCommand and GetFunctionConfigurationCommand describe one function", async () => {
    const got = await sdk.client.send(new GetFunctionCommand({ FunctionName: "curl-slow" }));
    const { $metadata, ...body } = got;
    expect($metadata.httpStatusCode).toBe(200);
    expect(body).toEqual({
      Configuration: expectedConfiguration("curl-slow", FUNCTIONS["curl-slow"]!),
      Code: { RepositoryType: "S3", Location: `file://${CURL_DIR}` },
      Tags: {},
    });

    const { $metadata: meta, ...configuration } = await sdk.client.send(
      new GetFunctionConfigurationCommand({ FunctionName: "ric" }),
    );
    expect(meta.httpStatusCode).toBe(200);
    expect(configuration).toEqual(expectedConfiguration("ric", FUNCTIONS.ric!));
    expect(configuration.EphemeralStorage).toEqual({ Size: 512 });

    // The function's own ephemeralStorage, not the default.
    const { $metadata: _, ...sized } = await sdk.client.send(
      new GetFunctionConfigurationCommand({ FunctionName: "curl-tmp" }),
    );
    expect(sized).toEqual(expectedConfiguration("curl-tmp", FUNCTIONS["curl-tmp"]!));
    expect(sized.EphemeralStorage).toEqual({ Size: 1024 });

    const error = await rejection(sdk.client.send(new GetFunctionCommand({ FunctionName: "nope" })));
    expect(error).toBeInstanceOf(ResourceNotFoundException);
    expect(error.message).toBe(`Function not found: ${ARN}:nope`);
  });
});

/** An event of the stream, with its bytes as text. */
function plain(event: InvokeWithResponseStreamResponseEvent): unknown {
  if (event.PayloadChunk) return { PayloadChunk: text(event.PayloadChunk.Payload) };
  if (event.InvokeComplete) return { InvokeComplete: { ...event.InvokeComplete } };
  return event;
}

describe("InvokeWithResponseStreamCommand", () => {
  const stream = (input: InvokeWithResponseStreamCommandInput) =>
    sdk.client.send(new InvokeWithResponseStreamCommand(input));

  it("a ric streaming handler: PayloadChunk per write, in order, while it runs; then InvokeComplete", async () => {
    const out = await stream({
      FunctionName: "ric-stream",
      Payload: json({ chunks: ["one\n", "two\n", "three\n"], gapMs: 400 }),
    });
    const id = requestIdOf(out);
    expect(out.StatusCode).toBe(200);
    expect(out.ExecutedVersion).toBe("$LATEST");
    expect(out.ResponseStreamContentType).toBe("text/plain");
    expect(lambdaHeaders(sdk.last())).toEqual({
      "content-type": "text/plain",
      "x-amz-executed-version": "$LATEST",
      "x-amzn-requestid": id,
      "transfer-encoding": "chunked",
    });

    const events: unknown[] = [];
    let firstChunkAt: number | undefined;
    for await (const event of out.EventStream!) {
      if (event.PayloadChunk && firstChunkAt === undefined) firstChunkAt = Date.now();
      events.push(plain(event));
    }
    expect(events).toEqual([
      { PayloadChunk: "one\n" },
      { PayloadChunk: "two\n" },
      { PayloadChunk: "three\n" },
      { InvokeComplete: {} },
    ]);
    // Live: the first chunk arrived while the handler still slept between writes, i.e. before
    // lambkin stamped the invocation's END (the record's own time, not when it was printed:
    // lambkin prints its log in batches). The two gaps of 400 ms make this far from a race.
    const end = await lambkin.waitForRecord((r) => r.requestId === id && r.line.startsWith("END "));
    expect(firstChunkAt).toBeDefined();
    expect(firstChunkAt!).toBeLessThan(Date.parse(end.time));
  }, 20_000);

  it("a failure mid-stream: the SDK throws nothing; InvokeComplete carries ErrorCode and ErrorDetails", async () => {
    const out = await stream({
      FunctionName: "ric-stream",
      Payload: json({ chunks: ["a\n"], fail: "mid-stream boom" }),
    });
    expect(out.StatusCode).toBe(200);
    const events = [];
    for await (const event of out.EventStream!) events.push(plain(event));

    expect(events).toEqual([
      { PayloadChunk: "a\n" },
      { InvokeComplete: { ErrorCode: "Error", ErrorDetails: expect.any(String) } },
    ]);
    const details = (events[1] as { InvokeComplete: { ErrorDetails: string } }).InvokeComplete.ErrorDetails;
    const error = JSON.parse(details);
    expect(Object.keys(error)).toEqual(["errorType", "errorMessage", "trace"]);
    expect(error).toMatchObject({ errorType: "Error", errorMessage: "mid-stream boom" });
    expect(error.trace[0]).toBe("Error: mid-stream boom");
    // The bytes of the trailer the ric sent (base64-decoded), unchanged.
    expect(details).toBe(JSON.stringify(error));
  }, 20_000);

  it("a buffered function (curl bootstrap): its whole result as one PayloadChunk, then InvokeComplete", async () => {
    const out = await stream({ FunctionName: "curl", Payload: json({ x: 1 }) });
    const id = requestIdOf(out);
    expect(out.StatusCode).toBe(200);
    expect(out.ResponseStreamContentType).toBe("application/json");
    const events = [];
    for await (const event of out.EventStream!) events.push(plain(event));
    expect(events).toEqual([{ PayloadChunk: `Echoing request: '{"x":1}'` }, { InvokeComplete: {} }]);
    expect(lambdaHeaders(sdk.last())).toEqual({
      "content-type": "application/json",
      "x-amz-executed-version": "$LATEST",
      "x-amzn-requestid": id,
      "transfer-encoding": "chunked",
    });
  });

  it("a buffered function's error: no PayloadChunk, InvokeComplete with the error type and body", async () => {
    const out = await stream({ FunctionName: "curl-error", LogType: "Tail", Payload: json({}) });
    const id = requestIdOf(out);
    const events = [];
    for await (const event of out.EventStream!) events.push(plain(event));
    expect(events).toEqual([
      {
        InvokeComplete: {
          ErrorCode: "HandlerError",
          ErrorDetails: '{"errorMessage":"failed on purpose","errorType":"HandlerError"}',
          LogResult: expect.any(String),
        },
      },
    ]);
    const log = (events[0] as { InvokeComplete: { LogResult: string } }).InvokeComplete.LogResult;
    const decoded = Buffer.from(log, "base64").toString("utf8");
    expect(decoded).toMatch(new RegExp(`^START RequestId: ${id} Version: \\$LATEST\\n`));
    expect(decoded).toContain("function.sh error handler got: {}\n");
    // An error the runtime reported is no failure of the environment: REPORT has no Status.
    expect(decoded).toMatch(
      new RegExp(`\\nREPORT RequestId: ${id}\\tDuration: [^\\n]* MB(\\tInit Duration: [\\d.]+ ms)?\\n$`),
    );
  });
});

describe("InvokeCommand → the tutorial's curl bootstrap", () => {
  it("success: the handler's stdout, byte for byte", async () => {
    const out = await invoke({ FunctionName: "curl", Payload: json({ hello: "world" }) });
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBeUndefined();
    expect(text(out.Payload)).toBe(`Echoing request: '{"hello":"world"}'`);
    expect(lambdaHeaders(sdk.last())).toEqual(okHeaders(out));
  });

  it("handler error: FunctionError Unhandled and the bootstrap's error JSON", async () => {
    const out = await invoke({ FunctionName: "curl-error", Payload: json({}) });
    expect(out.StatusCode).toBe(200);
    expect(out.FunctionError).toBe("Unhandled");
    expect(text(out.Payload)).toBe('{"errorMessage":"failed on purpose","errorType":"HandlerError"}');
    expect(lambdaHeaders(sdk.last())).toEqual(functionErrorHeaders(out));
  });

  it("crash: the handler's status 3 ends the bootstrap: Runtime.ExitError exit status 3", async () => {
    const out = await invoke({ FunctionName: "curl-crash", Payload: json({}) });
    const id = requestIdOf(out);
    expect(out.FunctionError).toBe("Unhandled");
    expect(text(out.Payload)).toBe(
      `{"errorType":"Runtime.ExitError","errorMessage":"RequestId: ${id} Error: Runtime exited with error: exit status 3"}`,
    );
  });

  it("missing handler script: the bootstrap exits before polling (it has no init/error): Runtime.ExitError", async () => {
    const out = await invoke({ FunctionName: "curl-missing", Payload: json({}) });
    const id = requestIdOf(out);
    expect(out.FunctionError).toBe("Unhandled");
    expect(text(out.Payload)).toBe(
      `{"errorType":"Runtime.ExitError","errorMessage":"RequestId: ${id} Error: Runtime exited with error: exit status 1"}`,
    );
  });

  it("timeout: Sandbox.Timedout after 1.00 seconds, and the handler's child sleep dies with the runtime", async () => {
    const from = await lambkin.mark();
    const pending = invoke({ FunctionName: "curl-slow", LogType: "Tail", Payload: json({ seconds: 30 }) });
    const logged = await lambkin.waitForRecord(
      (r) => r.functionName === "curl-slow" && r.line.startsWith("function.sh slow handler: sleep pid "),
      10_000,
      from,
    );
    const sleepPid = Number(logged.line.split(" ").at(-1));
    // `$!` is known as soon as bash forks, maybe before the child has exec'd sleep: poll.
    await expect.poll(() => commandLine(sleepPid), { timeout: 5_000 }).toEqual(["sleep", "30"]);
    // sleep ← the handler's $(…) subshell ← the bootstrap, all below lambkin.
    const ancestors = ancestorsOf(sleepPid, lambkin.pid);
    expect(ancestors.length).toBeGreaterThanOrEqual(2);
    expect(descendantsOf(lambkin.pid)).toEqual(expect.arrayContaining([sleepPid, ...ancestors]));

    const out = await pending;
    const id = requestIdOf(out);
    expect(logged.requestId).toBe(id);
    expect(out.FunctionError).toBe("Unhandled");
    expect(text(out.Payload)).toBe(
      `{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: ${id} Error: Task timed out after 1.00 seconds"}`,
    );
    const log = Buffer.from(out.LogResult!, "base64").toString("utf8");
    expect(log).toMatch(invocationLog(id, [re(logged.line)], "\\tStatus: timeout"));

    expect(await waitUntilGone([sleepPid, ...ancestors])).toEqual([]);
    const next = await invoke({ FunctionName: "curl-slow", Payload: json({ seconds: 0 }) });
    expect(text(next.Payload)).toBe("slept 0");
  }, 20_000);
});

describe("concurrency", () => {
  for (const name of ["ric", "curl-pid"]) {
    it(`parallel invokes of ${name} all succeed, in more than one runtime process`, async () => {
      const event = name === "ric" ? { action: "pid", ms: 500 } : { seconds: 0.5 };
      const outs = await Promise.all(
        Array.from({ length: 4 }, () => invoke({ FunctionName: name, Payload: json(event) })),
      );
      const pids = outs.map((out) => {
        expect(out.StatusCode).toBe(200);
        expect(out.FunctionError).toBeUndefined();
        return (JSON.parse(text(out.Payload)) as { pid: number }).pid;
      });
      const distinct = [...new Set(pids)];
      expect(distinct.length).toBeGreaterThan(1);
      expect(descendantsOf(lambkin.pid)).toEqual(expect.arrayContaining(distinct));
    }, 20_000);
  }
});

describe("shutdown", () => {
  it("SIGINT: the CLI exits 0 and no runtime process (nor a child of one) remains", async () => {
    const known = [await runtimePid("ric"), await runtimePid("curl-pid")];
    const tree = descendantsOf(lambkin.pid);
    expect(tree).toEqual(expect.arrayContaining(known));

    expect(await lambkin.stop("SIGINT")).toEqual({ code: 0, signal: null });
    expect(await waitUntilGone(tree)).toEqual([]);
  }, 30_000);
});

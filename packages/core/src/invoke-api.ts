/**
 * The Invoke API (2015-03-31) as callers reach it — AWS SDKs, the AWS CLI, curl: Invoke (sync,
 * Event, DryRun), ListFunctions, GetFunction, GetFunctionConfiguration. Every failure of the
 * request itself is an `x-amzn-ErrorType` + JSON reply; a failure of the function is a 200 with
 * `X-Amz-Function-Error`.
 */
import {
  decodeClientContext,
  encodeInvokeComplete,
  encodePayloadChunk,
  type FunctionConfiguration,
  type FunctionRef,
  H_AMZ_CLIENT_CONTEXT,
  H_AMZ_TENANT_ID,
  H_AMZN_REQUEST_ID,
  H_AMZN_TRACE_ID,
  H_EXECUTED_VERSION,
  H_FUNCTION_ERROR,
  H_INVOCATION_TYPE,
  H_LOG_RESULT,
  H_LOG_TYPE,
  H_SDK_INVOCATION_ID,
  InvokeApiError,
  type InvokeCompleteEvent,
  invokeErrorResponse,
  LATEST,
  logGroupName,
  MAX_ASYNC_PAYLOAD_BYTES,
  MAX_SYNC_PAYLOAD_BYTES,
  matchInvokeRoute,
  parseFunctionName,
  parseInvocationType,
  parseLogType,
} from "@lambkin/protocol";
import type { AsyncQueue } from "./async-queue.ts";
import { readBody } from "./body.ts";
import type { ResolvedConfig, ResolvedFunction } from "./config.ts";
import { type FunctionError, Invocation } from "./invocation.ts";
import { type InvokeResult, invokeBuffered, schedulerFor, validatePayload } from "./invoke.ts";
import { tailLogResult } from "./logs.ts";
import type { FetchHandler } from "./platform.ts";
import { splitUrl } from "./request-url.ts";
import { functionArnOf } from "./runtimes.ts";
import type { FunctionScheduler } from "./scheduler.ts";

export interface InvokeApiContext {
  config: ResolvedConfig;
  schedulers: ReadonlyMap<string, FunctionScheduler>;
  asyncQueue: AsyncQueue;
  /** When lambkin started: reported as every function's LastModified. */
  startedAt: Date;
  /** The platform's `Response` for buffered hot-path answers. */
  Response: typeof Response;
}

const decoder = new TextDecoder();

/** How long the result of a call whose caller hung up is kept for its retry (see below). */
const RETRY_MEMORY_MS = 5 * 60_000;
/** At most this many such results are kept (the oldest goes first). */
const RETRY_MEMORY_ENTRIES = 1000;

export function createInvokeApi(ctx: InvokeApiContext): FetchHandler {
  /**
   * The AWS CLI retries an invoke whose answer it did not read in time (its read timeout is 60 s)
   * with the same `amz-sdk-invocation-id`. A retry joins the invocation already running — or
   * gets the result it missed — instead of running a slow function once more. A call is
   * remembered while it runs; its result only when the caller it was meant for hung up before it
   * came (the SDKs send that header on every call: remembering every result for minutes would
   * hold thousands of payloads under load).
   */
  const calls = new Map<string, Promise<InvokeResult>>();
  /** The latest attempt of each running call (its caller may hang up while it runs). */
  const attempts = new Map<string, AbortSignal>();
  /** Finished calls kept for a retry, with the timer that forgets each. */
  const remembered = new Map<string, ReturnType<typeof setTimeout>>();
  function forget(key: string): void {
    clearTimeout(remembered.get(key));
    remembered.delete(key);
    attempts.delete(key);
    calls.delete(key);
  }
  function forgetLater(key: string): void {
    attempts.delete(key);
    if (remembered.size >= RETRY_MEMORY_ENTRIES) {
      forget(remembered.keys().next().value!);
    }
    const timer = setTimeout(() => forget(key), RETRY_MEMORY_MS);
    unref(timer);
    remembered.set(key, timer);
  }

  /** Parsed function names, by raw path segment and qualifier: callers repeat the same few. */
  const refs = new Map<string, FunctionRef>();
  function functionRef(rawName: string, qualifier: string | null): FunctionRef {
    const key = qualifier === null ? rawName : `${rawName}?${qualifier}`;
    let ref = refs.get(key);
    if (!ref) {
      ref = parseFunctionName(rawName, qualifier);
      if (refs.size >= 1024) refs.clear();
      refs.set(key, ref);
    }
    return ref;
  }

  /** What Invoke and InvokeWithResponseStream both read from a request, checked. */
  async function readInvokeRequest(
    request: Request,
    rawName: string,
    query: URLSearchParams,
    operation: "InvokeFunction" | "InvokeWithResponseStream",
  ) {
    const ref = functionRef(rawName, query.get("Qualifier"));
    const scheduler = schedulerFor(ctx.schedulers, ctx.config, ref.name, ref.qualifier);
    const type = parseInvocationType(request.headers.get(H_INVOCATION_TYPE));
    if (type === "Event" && operation === "InvokeWithResponseStream") {
      throw new InvokeApiError(
        "InvalidParameterValueException",
        "InvokeWithResponseStream does not support the Event invocation type",
      );
    }
    const tail = parseLogType(request.headers.get(H_LOG_TYPE)) === "Tail";
    const clientContextHeader = request.headers.get(H_AMZ_CLIENT_CONTEXT);
    const clientContext = clientContextHeader ? decodeClientContext(clientContextHeader) : undefined;
    const limit = type === "Event" ? MAX_ASYNC_PAYLOAD_BYTES : MAX_SYNC_PAYLOAD_BYTES;
    const body = await readBody(request, limit);
    if (body === undefined) {
      throw new InvokeApiError(
        "RequestTooLargeException",
        `Request must be smaller than ${limit} bytes for the ${operation} operation`,
      );
    }
    return {
      scheduler,
      type,
      tail,
      clientContext,
      payload: validatePayload(body, type, MAX_ASYNC_PAYLOAD_BYTES),
      traceId: request.headers.get(H_AMZN_TRACE_ID) ?? undefined,
      tenantId: request.headers.get(H_AMZ_TENANT_ID) ?? undefined,
    };
  }

  const dryRun = () =>
    new Response(null, { status: 204, headers: { [H_EXECUTED_VERSION]: LATEST, ...freshRequestId() } });

  /** `Answer`: the `Response` constructor the front server sends cheapest (RequestInfo.Response). */
  async function invoke(
    request: Request,
    rawName: string,
    query: URLSearchParams,
    Answer: typeof Response,
  ): Promise<Response> {
    const { scheduler, type, tail, clientContext, payload, traceId, tenantId } = await readInvokeRequest(
      request,
      rawName,
      query,
      "InvokeFunction",
    );

    if (type === "DryRun") return dryRun();
    if (type === "Event") {
      const invocation = new Invocation({ payload, traceId });
      // Throttles and errors of the event itself are retried by the queue, never told to the caller.
      ctx.asyncQueue.enqueue(scheduler.fn.name, {
        requestId: invocation.requestId,
        payload,
        traceId: invocation.traceId,
        receivedAt: invocation.receivedAt,
      });
      return new Response(null, { status: 202, headers: { [H_AMZN_REQUEST_ID]: invocation.requestId } });
    }

    const callId = request.headers.get(H_SDK_INVOCATION_ID);
    const key = callId ? `${scheduler.fn.name}\n${callId}` : undefined;
    let running = key ? calls.get(key) : undefined;
    if (key) {
      // The latest attempt's: taken now, as on some servers a signal only learns of a hang-up
      // that happens after it exists.
      attempts.set(key, request.signal);
    }
    if (!running) {
      const invocation = new Invocation({
        payload,
        clientContext,
        traceId,
        tenantId,
        contentType: "application/json",
      });
      running = invokeBuffered(scheduler, invocation, tail);
      if (key) {
        calls.set(key, running);
        running.then(
          // The latest attempt still there gets the result now; one that hung up leaves it for
          // its retry.
          () => (attempts.get(key)?.aborted ? forgetLater(key) : forget(key)),
          // A throttle is not remembered: the retry of a 429 must try again.
          () => forget(key),
        );
      }
    }
    const result = await running;
    const headers: Record<string, string> = {
      "content-type": "application/json",
      [H_EXECUTED_VERSION]: LATEST,
      [H_AMZN_REQUEST_ID]: result.requestId,
    };
    if (result.functionError) headers[H_FUNCTION_ERROR] = "Unhandled";
    if (result.logResult !== undefined) headers[H_LOG_RESULT] = result.logResult;
    return new Answer(result.payload as BodyInit, { status: 200, headers });
  }

  /**
   * InvokeWithResponseStream: the result as an AWS event stream — a `PayloadChunk` per chunk the
   * runtime sends, as it sends it, then `InvokeComplete` with the error (if any) and the log tail.
   */
  async function invokeWithResponseStream(
    request: Request,
    rawName: string,
    query: URLSearchParams,
  ): Promise<Response> {
    const { scheduler, type, tail, clientContext, payload, traceId, tenantId } = await readInvokeRequest(
      request,
      rawName,
      query,
      "InvokeWithResponseStream",
    );
    if (type === "DryRun") return dryRun();

    const invocation = new Invocation({
      payload,
      clientContext,
      traceId,
      tenantId,
    });
    if (tail) invocation.logTail = [];
    scheduler.submit(invocation);
    const outcome = await invocation.outcome;
    const complete = async (error: FunctionError | undefined) => {
      const event: InvokeCompleteEvent = {};
      if (error) {
        event.ErrorCode = error.errorType;
        event.ErrorDetails = decoder.decode(error.body);
      }
      if (tail) {
        await invocation.whenReported();
        event.LogResult = tailLogResult(invocation.logTail ?? []);
      }
      return encodeInvokeComplete(event);
    };
    let stream: ReadableStream<Uint8Array>;
    if (outcome.kind === "stream") {
      const completion = outcome.completion;
      stream = outcome.body.pipeThrough(
        new TransformStream<Uint8Array, Uint8Array>({
          transform: (chunk, controller) => controller.enqueue(encodePayloadChunk(chunk)),
          flush: async (controller) => controller.enqueue(await complete(await completion)),
        }),
      );
    } else {
      const error = outcome.kind === "error" ? outcome : undefined;
      const frames: Uint8Array[] = [];
      if (!error && outcome.body.byteLength > 0) frames.push(encodePayloadChunk(outcome.body));
      frames.push(await complete(error));
      stream = new ReadableStream({
        start(controller) {
          for (const frame of frames) controller.enqueue(frame);
          controller.close();
        },
      });
    }
    return new Response(stream, {
      status: 200,
      headers: {
        // The service model binds ResponseStreamContentType to Content-Type: the function's own.
        "content-type": outcome.kind === "stream" ? outcome.contentType : "application/json",
        [H_EXECUTED_VERSION]: LATEST,
        [H_AMZN_REQUEST_ID]: invocation.requestId,
      },
    });
  }

  function configuration(fn: ResolvedFunction): FunctionConfiguration {
    return functionConfiguration(fn, ctx.config, ctx.startedAt);
  }

  return async (request, info) => {
    try {
      const url = splitUrl(request.url);
      const route = matchInvokeRoute(request.method, url.pathname);
      switch (route?.kind) {
        case "invoke":
          return await invoke(request, route.functionName, url.searchParams, info.Response ?? ctx.Response);
        case "list-functions": {
          const Functions = [...ctx.schedulers.values()].map((s) => configuration(s.fn));
          return Response.json({ Functions }, { headers: freshRequestId() });
        }
        case "get-function": {
          const ref = parseFunctionName(route.functionName, url.searchParams.get("Qualifier"));
          const fn = schedulerFor(ctx.schedulers, ctx.config, ref.name, ref.qualifier).fn;
          return Response.json(
            {
              Configuration: configuration(fn),
              Code: { RepositoryType: "S3", Location: `file://${fn.codeDir}` },
              Tags: {},
            },
            { headers: freshRequestId() },
          );
        }
        case "get-function-configuration": {
          const ref = parseFunctionName(route.functionName, url.searchParams.get("Qualifier"));
          return Response.json(
            configuration(schedulerFor(ctx.schedulers, ctx.config, ref.name, ref.qualifier).fn),
            { headers: freshRequestId() },
          );
        }
        case "invoke-stream":
          return await invokeWithResponseStream(request, route.functionName, url.searchParams);
        default:
          return Response.json(
            { Type: "User", message: `No such operation: ${request.method} ${url.pathname}` },
            {
              status: 404,
              headers: { "x-amzn-errortype": "UnknownOperationException", ...freshRequestId() },
            },
          );
      }
    } catch (error) {
      if (error instanceof InvokeApiError) return invokeErrorResponse(error, crypto.randomUUID());
      return invokeErrorResponse(
        new InvokeApiError(
          "ServiceException",
          `lambkin failed to serve the request: ${error instanceof Error ? error.message : String(error)}`,
        ),
        crypto.randomUUID(),
      );
    }
  };
}

/**
 * Every AWS reply carries a request id (SDKs report it as `$metadata.requestId`, for errors too):
 * an invoke's is its invocation's; replies that run nothing get a fresh one.
 */
function freshRequestId(): Record<string, string> {
  return { [H_AMZN_REQUEST_ID]: crypto.randomUUID() };
}

function unref(timer: ReturnType<typeof setTimeout>): void {
  (timer as { unref?: () => void }).unref?.();
}

const RUNTIME_IDS: Record<string, string> = {
  node: "nodejs20.x",
  bun: "provided.al2023",
  deno: "provided.al2023",
  provided: "provided.al2023",
};

/** What ListFunctions and GetFunction report for `fn`. */
export function functionConfiguration(
  fn: ResolvedFunction,
  config: ResolvedConfig,
  startedAt: Date,
): FunctionConfiguration {
  const out: FunctionConfiguration = {
    FunctionName: fn.name,
    FunctionArn: functionArnOf(fn.name, config),
    Runtime: RUNTIME_IDS[fn.runtime],
    Role: `arn:aws:iam::${config.accountId}:role/lambkin`,
    Handler: fn.handler,
    CodeSize: 0,
    Description: fn.description,
    Timeout: fn.timeout,
    MemorySize: fn.memorySize,
    LastModified: startedAt.toISOString().replace("Z", "+0000"),
    CodeSha256: "",
    Version: LATEST,
    TracingConfig: { Mode: "PassThrough" },
    RevisionId: "00000000-0000-0000-0000-000000000000",
    State: "Active",
    LastUpdateStatus: "Successful",
    PackageType: "Zip",
    Architectures: ["x86_64"],
    EphemeralStorage: { Size: 512 },
    LoggingConfig: { LogFormat: fn.logFormat, LogGroup: logGroupName(fn.name) },
  };
  if (Object.keys(fn.environment).length > 0) out.Environment = { Variables: { ...fn.environment } };
  if (fn.handler === undefined) delete out.Handler;
  return out;
}

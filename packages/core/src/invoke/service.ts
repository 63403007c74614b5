/**
 * The one place an invocation is served. Every front — the Invoke API, InvokeWithResponseStream,
 * Function URLs and `lambkin.invoke()` — parses its own input and encodes its own answer; what
 * happens in between is here: the function looked up, the payload checked, RequestResponse /
 * Event / DryRun, a retried call joined, the log tail, and one result type.
 */
import {
  type InvocationType,
  InvokeApiError,
  type InvokeOutput,
  MAX_ASYNC_PAYLOAD_BYTES,
  MAX_SYNC_PAYLOAD_BYTES,
  newRequestId,
  newTraceId,
  notFound,
} from "@lambkin/protocol";
import type { AsyncQueue } from "../async-queue.ts";
import { collect } from "../body.ts";
import type { ResolvedConfig, ResolvedFunction } from "../config.ts";
import { type FunctionError, Invocation, type InvocationInit } from "../invocation.ts";
import { type LogSink, platformLine, tailLogResult } from "../logs.ts";
import { functionArnOf } from "../runtimes.ts";
import type { FunctionScheduler } from "../scheduler.ts";
import { RetryJoin } from "./retry-join.ts";

/** What every front answers from: the wire's `InvokeOutput`, plus the function's own error type. */
export interface InvokeResult extends InvokeOutput {
  /** The error type when the function failed (`functionError` is then `Unhandled`). */
  errorType?: string;
}

/** A function found by `lookup`, with the ARN its caller used (qualifier included). */
export interface InvokeTarget {
  readonly scheduler: FunctionScheduler;
  readonly fn: ResolvedFunction;
  /** `Lambda-Runtime-Invoked-Function-Arn`: qualified when the caller named a qualifier. */
  readonly invokedArn: string;
}

export interface InvokeRequest {
  invocationType?: InvocationType;
  /** The payload as sent; `check` it first (size for its type, JSON; empty → `{}`). */
  payload: Uint8Array;
  /** Return the last 4 KB of the invocation's log. */
  tail?: boolean;
  /** Decoded client context JSON. */
  clientContext?: string;
  traceId?: string;
  tenantId?: string;
  /** `amz-sdk-invocation-id`: a retry of a call still running joins it (see retry-join.ts). */
  callId?: string;
  /** Aborts when the caller hangs up: a result it missed is kept for its retry. */
  signal?: AbortSignal;
}

export interface InvokeServiceContext {
  readonly config: ResolvedConfig;
  readonly schedulers: ReadonlyMap<string, FunctionScheduler>;
  readonly asyncQueue: AsyncQueue;
  readonly log: LogSink;
}

const EMPTY = new Uint8Array(0);
const encoder = new TextEncoder();
/** Strict UTF-8: a payload that is not valid UTF-8 is not JSON either. Built once (not per invoke). */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A payload's text, refusing bytes that are not UTF-8. Most payloads are a few hundred ASCII
 * bytes, which a loop turns into a string faster than a call into the engine's decoder (~5 µs a
 * call on Deno, measured in `npm run bench -- --profile`).
 */
function utf8Text(payload: Uint8Array): string {
  if (payload.byteLength <= 1024) {
    let ascii = true;
    for (let i = 0; i < payload.byteLength; i++) {
      if (payload[i]! >= 0x80) {
        ascii = false;
        break;
      }
    }
    if (ascii) return String.fromCharCode.apply(null, payload as unknown as number[]);
  }
  return strictUtf8.decode(payload);
}

export class InvokeService {
  readonly #ctx: InvokeServiceContext;
  readonly #joins = new RetryJoin<InvokeResult>();
  /** Targets by name and qualifier: callers repeat the same few, and each ARN is a string build. */
  readonly #targets = new Map<string, InvokeTarget>();

  constructor(ctx: InvokeServiceContext) {
    this.#ctx = ctx;
  }

  /** Every function served now, in config order. */
  functions(): ResolvedFunction[] {
    return [...this.#ctx.schedulers.values()].map((s) => s.fn);
  }

  /** The function `name` names, or the Invoke API's 404. Only `$LATEST` exists locally. */
  lookup(name: string, qualifier?: string): InvokeTarget {
    const { schedulers, config } = this.#ctx;
    const scheduler = schedulers.get(name);
    if (!scheduler || (qualifier !== undefined && qualifier !== "$LATEST"))
      throw notFound(functionArnOf(name, config, qualifier));
    const key = qualifier === undefined ? name : `${name}:${qualifier}`;
    let target = this.#targets.get(key);
    // A target is stale once `update` replaced the function's scheduler, settings or region.
    if (!target || target.scheduler !== scheduler || target.fn !== scheduler.fn) {
      target = { scheduler, fn: scheduler.fn, invokedArn: functionArnOf(name, config, qualifier) };
      if (this.#targets.size >= 1024) this.#targets.clear();
      this.#targets.set(key, target);
    }
    return target;
  }

  /** Forgets cached lookups (the config changed). */
  reset(): void {
    this.#targets.clear();
  }

  /**
   * Checks an invoke payload: its size for the invocation type, and that it is JSON. An empty
   * payload runs as `{}`. `operation` names the API in the size error, as AWS's message does.
   */
  check(
    payload: Uint8Array,
    type: InvocationType = "RequestResponse",
    operation = "InvokeFunction",
  ): Uint8Array {
    const limit = payloadLimit(type);
    if (payload.byteLength > limit) throw tooLarge(limit, operation);
    // *unsure*: AWS's answer to an empty body is not documented; lambkin runs the function with `{}`.
    if (payload.byteLength === 0) return encoder.encode("{}");
    try {
      JSON.parse(utf8Text(payload));
    } catch (error) {
      throw new InvokeApiError(
        "InvalidRequestContentException",
        `Could not parse request body into json: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
    return payload;
  }

  /**
   * Invokes with a buffered answer: RequestResponse waits for the result (a streamed one is
   * collected, as Lambda does for plain Invoke), Event queues it (202), DryRun runs nothing (204).
   * `request.payload` must have passed `check`. Throws the Invoke API's errors (429, …).
   */
  invoke(target: InvokeTarget, request: InvokeRequest): Promise<InvokeResult> {
    const type = request.invocationType ?? "RequestResponse";
    if (type === "DryRun")
      return Promise.resolve({ statusCode: 204, requestId: newRequestId(), payload: EMPTY });
    if (type === "Event") {
      const requestId = newRequestId();
      // Throttles and errors of the event itself are retried by the queue, never told to the caller.
      // The 202 goes out once the event is in the journal (event-journal.ts), when there is one.
      return this.#ctx.asyncQueue
        .enqueue(target.fn.name, {
          requestId,
          payload: request.payload,
          traceId: request.traceId ?? newTraceId(),
          invokedArn: target.invokedArn,
          receivedAt: Date.now(),
        })
        .then(() => ({ statusCode: 202, requestId, payload: EMPTY }));
    }
    const key = request.callId === undefined ? undefined : `${target.fn.name}\n${request.callId}`;
    if (key !== undefined) {
      const joined = this.#joins.join(key, request.signal);
      if (joined) {
        platformLine(
          this.#ctx.log,
          target.fn.name,
          joined.requestId,
          `A retried call (amz-sdk-invocation-id ${request.callId}) joined invocation ${joined.requestId} ` +
            "instead of running the function again. On AWS the retry would run it again: make sure the function is safe to retry.",
        );
        return joined.result;
      }
    }
    const invocation = this.start(target, request);
    const result = buffered(invocation, request.tail ?? false);
    if (key !== undefined) this.#joins.track(key, { requestId: invocation.requestId, result });
    return result;
  }

  /**
   * Submits an invocation and returns it at once: for fronts that relay its outcome as it comes
   * (InvokeWithResponseStream, Function URLs). Throws 429 when the function's queue is full.
   */
  start(
    target: InvokeTarget,
    request: InvokeRequest & Pick<InvocationInit, "requestId" | "contentType">,
  ): Invocation {
    const invocation = new Invocation({
      payload: request.payload,
      clientContext: request.clientContext,
      traceId: request.traceId,
      tenantId: request.tenantId,
      requestId: request.requestId,
      contentType: request.contentType,
      invokedArn: target.invokedArn,
    });
    if (request.tail) invocation.logTail = [];
    target.scheduler.submit(invocation);
    return invocation;
  }

  /** Base64 of the last 4 KB of a finished invocation's log, once its REPORT is written. */
  async tail(invocation: Invocation): Promise<string> {
    await invocation.whenReported();
    return tailLogResult(invocation.logTail ?? []);
  }
}

/** The largest payload an invocation type accepts. */
export function payloadLimit(type: InvocationType): number {
  return type === "Event" ? MAX_ASYNC_PAYLOAD_BYTES : MAX_SYNC_PAYLOAD_BYTES;
}

/** `RequestTooLargeException`, worded as AWS words it for `operation`. */
export function tooLarge(limit: number, operation: string): InvokeApiError {
  return new InvokeApiError(
    "RequestTooLargeException",
    `Request must be smaller than ${limit} bytes for the ${operation} operation`,
  );
}

/** Waits for `invocation`'s outcome and makes it one buffered result. */
async function buffered(invocation: Invocation, tail: boolean): Promise<InvokeResult> {
  const outcome = await invocation.outcome;
  let payload: Uint8Array;
  let error: FunctionError | undefined;
  switch (outcome.kind) {
    case "response":
      payload = outcome.body;
      break;
    case "error":
      payload = outcome.body;
      error = outcome;
      break;
    case "stream": {
      // Past the sync limit, or cut: what the caller gets is decided by the completion below.
      payload = (await collect(outcome.body, MAX_SYNC_PAYLOAD_BYTES).catch(() => undefined)) ?? EMPTY;
      error = await outcome.completion;
      if (error) payload = error.body;
      break;
    }
  }
  const result: InvokeResult = { statusCode: 200, requestId: invocation.requestId, payload };
  if (error) {
    result.functionError = "Unhandled";
    result.errorType = error.errorType;
  }
  if (tail) {
    await invocation.whenReported();
    result.logResult = tailLogResult(invocation.logTail ?? []);
  }
  return result;
}

/**
 * Running one invocation to its end and turning its outcome into what the Invoke API returns.
 * Shared by the HTTP front (invoke-api.ts), the programmatic `invoke()` and the async queue.
 */
import { type InvocationType, InvokeApiError, MAX_SYNC_PAYLOAD_BYTES, notFound } from "@lambkin/protocol";
import { collect } from "./body.ts";
import type { ResolvedConfig } from "./config.ts";
import type { FunctionError, Invocation } from "./invocation.ts";
import { tailLogResult } from "./logs.ts";
import { functionArnOf } from "./runtimes.ts";
import type { FunctionScheduler } from "./scheduler.ts";

/** The buffered result of a synchronous invoke. */
export interface InvokeResult {
  requestId: string;
  /** The function's result bytes, or its error JSON. */
  payload: Uint8Array;
  /** Set when the function failed: its error type (the caller sees `X-Amz-Function-Error: Unhandled`). */
  functionError?: string;
  /** Base64 of the last 4 KB of the log, when `tail` was asked for. */
  logResult?: string;
}

/** Resolves a function by name, or throws the Invoke API's 404. */
export function schedulerFor(
  schedulers: ReadonlyMap<string, FunctionScheduler>,
  config: ResolvedConfig,
  name: string,
  qualifier?: string,
): FunctionScheduler {
  const scheduler = schedulers.get(name);
  // Only $LATEST exists locally: a version or alias qualifier names nothing lambkin has.
  if (!scheduler || (qualifier !== undefined && qualifier !== "$LATEST"))
    throw notFound(functionArnOf(name, config, qualifier));
  return scheduler;
}

const encoder = new TextEncoder();
/** Strict UTF-8: a payload that is not valid UTF-8 is not JSON either. Built once (not per invoke). */
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * Submits `invocation` and waits for its buffered result. A streamed response is collected (as
 * Lambda does when a streaming function is called through plain Invoke).
 */
export async function invokeBuffered(
  scheduler: FunctionScheduler,
  invocation: Invocation,
  tail: boolean,
): Promise<InvokeResult> {
  if (tail) invocation.logTail = [];
  scheduler.submit(invocation);
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
      payload =
        (await collect(outcome.body, MAX_SYNC_PAYLOAD_BYTES).catch(() => undefined)) ?? new Uint8Array(0);
      error = await outcome.completion;
      if (error) payload = error.body;
      break;
    }
  }
  const result: InvokeResult = { requestId: invocation.requestId, payload };
  if (error) result.functionError = error.errorType;
  if (tail) {
    await invocation.whenReported();
    result.logResult = tailLogResult(invocation.logTail ?? []);
  }
  return result;
}

/** Checks an invoke payload: size for its invocation type, and JSON (an empty body counts as `{}`). */
export function validatePayload(body: Uint8Array, type: InvocationType, asyncLimit: number): Uint8Array {
  const limit = type === "Event" ? asyncLimit : MAX_SYNC_PAYLOAD_BYTES;
  if (body.byteLength > limit) {
    throw new InvokeApiError(
      "RequestTooLargeException",
      `Request must be smaller than ${limit} bytes for the InvokeFunction operation`,
    );
  }
  // *unsure*: AWS's answer to an empty body is not documented; lambkin runs the function with `{}`.
  if (body.byteLength === 0) return encoder.encode("{}");
  try {
    JSON.parse(strictUtf8.decode(body));
  } catch (error) {
    throw new InvokeApiError(
      "InvalidRequestContentException",
      `Could not parse request body into json: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  return body;
}

/**
 * Every failure an environment answers on a runtime's behalf, built in one place: the caller's
 * error JSON (AWS's wording, from @lambkin/protocol), its error type, and whether REPORT shows it
 * as `Status: timeout` or `Status: error`. Also how a runtime's own `/error` body is read.
 */
import {
  ERROR_CAUSE_CONTENT_TYPE,
  exitErrorBody,
  exitReason,
  H_FUNCTION_ERROR_TYPE,
  INIT_TIMEOUT_MS,
  initTimeoutErrorBody,
  invalidEntrypointErrorBody,
  responseTooLargeErrorBody,
  timeoutErrorBody,
} from "@lambkin/protocol";
import type { FunctionError } from "../invocation.ts";
import type { ExitStatus } from "../platform.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Why an environment never became ready, for the invocation that waited for it and for events. */
export interface InitFailure {
  errorType: string;
  /** The message without a request id (for logs and events). */
  errorMessage: string;
  /** The answer of the invocation that waited for this environment. */
  failure(requestId: string): FunctionError;
}

/** `Function.ResponseSizeTooLarge`: the same bytes every time, so built once. */
export const responseTooLarge: FunctionError = {
  errorType: "Function.ResponseSizeTooLarge",
  body: encoder.encode(responseTooLargeErrorBody()),
  platform: "error",
};

/** `Runtime.ExitError`: the runtime process ended while `requestId` was in flight (or waited for it). */
export const exitError = (requestId: string, status: ExitStatus): FunctionError => ({
  errorType: "Runtime.ExitError",
  body: encoder.encode(exitErrorBody(requestId, status)),
  platform: "error",
});

/** `Sandbox.Timedout` at the function's deadline. */
export const timedOut = (requestId: string, timeoutSeconds: number): FunctionError => ({
  errorType: "Sandbox.Timedout",
  body: encoder.encode(timeoutErrorBody(requestId, timeoutSeconds)),
  platform: "timeout",
});

/** A streamed response cut by the caller going away or the runtime's connection breaking (lambkin's own name). */
export const streamInterrupted = (reason: unknown): FunctionError => ({
  errorType: "Runtime.StreamInterrupted",
  body: encoder.encode(
    JSON.stringify({ errorType: "Runtime.StreamInterrupted", errorMessage: String(reason) }),
  ),
  platform: "error",
});

/** The configured program cannot be started. */
export const invalidEntrypoint = (problem: string): InitFailure => ({
  errorType: "Runtime.InvalidEntrypoint",
  errorMessage: problem,
  failure: (requestId) => ({
    errorType: "Runtime.InvalidEntrypoint",
    body: encoder.encode(invalidEntrypointErrorBody(requestId, problem)),
    platform: "error",
  }),
});

/** Init did not reach its first `next` within INIT_TIMEOUT_MS. */
export const initTimedOut = (): InitFailure => ({
  errorType: "Sandbox.Timedout",
  errorMessage: `Init timed out after ${(INIT_TIMEOUT_MS / 1000).toFixed(2)} seconds`,
  failure: (requestId) => ({
    errorType: "Sandbox.Timedout",
    body: encoder.encode(initTimeoutErrorBody(requestId, INIT_TIMEOUT_MS)),
    platform: "timeout",
  }),
});

/** The runtime exited (or was killed) before its first `next`. */
export const exitedDuringInit = (status: ExitStatus): InitFailure => ({
  errorType: "Runtime.ExitError",
  errorMessage: exitReason(status),
  failure: (requestId) => exitError(requestId, status),
});

/** The runtime posted `/init/error`: its own body answers the invocation that waited. */
export const initErrorPosted = (error: FunctionError): InitFailure => ({
  errorType: error.errorType,
  errorMessage: errorMessageOf(error.body),
  failure: () => ({ ...error, platform: "error" }),
});

/**
 * The error a runtime posted to `/error` or `/init/error`: its bytes go to the caller unchanged,
 * except that a body in the error-cause content type loses its `errorCause` field.
 */
export function postedError(request: Request, body: Uint8Array): FunctionError {
  let errorType = request.headers.get(H_FUNCTION_ERROR_TYPE) ?? undefined;
  let out = body;
  const contentType = request.headers.get("content-type") ?? "";
  if (errorType === undefined || contentType.startsWith(ERROR_CAUSE_CONTENT_TYPE)) {
    try {
      const parsed = JSON.parse(decoder.decode(body));
      if (parsed && typeof parsed === "object") {
        if (errorType === undefined && typeof parsed.errorType === "string") errorType = parsed.errorType;
        if (contentType.startsWith(ERROR_CAUSE_CONTENT_TYPE) && "errorCause" in parsed) {
          delete parsed.errorCause;
          out = encoder.encode(JSON.stringify(parsed));
        }
      }
    } catch {
      // Not JSON: forwarded as it is.
    }
  }
  return { errorType: errorType ?? "Unhandled", body: out };
}

/** The error a streaming runtime reported in its trailers (base64 body), or undefined. */
export function trailerError(errorType: string | null, errorBody: string | null): FunctionError | undefined {
  if (errorType === null && errorBody === null) return undefined;
  let body: Uint8Array;
  try {
    body = Uint8Array.from(atob(errorBody ?? ""), (c) => c.charCodeAt(0));
  } catch {
    body = encoder.encode(errorBody ?? "");
  }
  return { errorType: errorType ?? "Unhandled", body };
}

/** The `errorMessage` of an error JSON body, or the body as text. */
function errorMessageOf(body: Uint8Array): string {
  const text = decoder.decode(body);
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed.errorMessage === "string") return parsed.errorMessage;
  } catch {
    // Not JSON: the text is the message.
  }
  return text;
}

/** How an exit reads in lambkin's log line. */
export function describeExit(status: ExitStatus): string {
  return status.signal ? `signal ${status.signal}` : `exit status ${status.code}`;
}

/**
 * Error replies of both APIs and the error bodies a caller receives when a function fails in a way
 * the runtime did not report itself (timeout, crash, oversize). Messages follow AWS's own wording.
 */
import { H_AMZN_ERROR_TYPE } from "./headers.ts";
import { MAX_RESPONSE_BYTES } from "./limits.ts";

const JSON_HEADERS = { "content-type": "application/json" } as const;

// ---------------------------------------------------------------------------------------------
// Runtime API (what a runtime process receives)

export type RuntimeApiErrorType =
  | "InvalidRequestID"
  | "InvalidStateTransition"
  | "RequestEntityTooLarge"
  | "InvalidFunctionResponseMode"
  | "InternalServerError"
  | "NotFound"
  | "InvokeTimeout";

/** A Runtime API error reply: `{"errorMessage","errorType"}` with the status AWS uses. */
export function runtimeErrorResponse(
  status: number,
  errorType: RuntimeApiErrorType,
  errorMessage: string,
): Response {
  return new Response(JSON.stringify({ errorMessage, errorType }), { status, headers: JSON_HEADERS });
}

/** The `202 {"status":"OK"}` the Runtime API answers to accepted posts. */
export const RUNTIME_ACCEPTED_BODY = '{"status":"OK"}';

// ---------------------------------------------------------------------------------------------
// Invoke API (what a caller receives when the request itself fails)

export type InvokeApiErrorName =
  | "ResourceNotFoundException"
  | "InvalidRequestContentException"
  | "InvalidParameterValueException"
  | "RequestTooLargeException"
  | "TooManyRequestsException"
  | "UnsupportedMediaTypeException"
  | "ValidationException"
  | "ServiceException";

const INVOKE_ERROR_STATUS: Record<InvokeApiErrorName, number> = {
  ResourceNotFoundException: 404,
  InvalidRequestContentException: 400,
  InvalidParameterValueException: 400,
  RequestTooLargeException: 413,
  TooManyRequestsException: 429,
  UnsupportedMediaTypeException: 415,
  ValidationException: 400,
  ServiceException: 500,
};

/** An Invoke API error: carries the AWS error name and the HTTP status it maps to. */
export class InvokeApiError extends Error {
  override readonly name = "InvokeApiError";
  readonly status: number;
  constructor(
    readonly errorType: InvokeApiErrorName,
    message: string,
    /** Extra body fields (e.g. `Reason`) and headers (e.g. `Retry-After`). */
    readonly extra: { body?: Record<string, string>; headers?: Record<string, string> } = {},
  ) {
    super(message);
    this.status = INVOKE_ERROR_STATUS[errorType];
  }
}

/**
 * The reply for an Invoke API error: status, `x-amzn-ErrorType`, JSON `{"Type","message"}` (SDKs
 * read `message` or `Message`; the type comes from the header).
 */
export function invokeErrorResponse(error: InvokeApiError, requestId?: string): Response {
  const headers: Record<string, string> = {
    ...JSON_HEADERS,
    [H_AMZN_ERROR_TYPE]: error.errorType,
    ...error.extra.headers,
  };
  if (requestId) headers["x-amzn-requestid"] = requestId;
  const body = {
    ...error.extra.body,
    Type: error.status >= 500 ? "Service" : "User",
    message: error.message,
  };
  return new Response(JSON.stringify(body), { status: error.status, headers });
}

export const notFound = (functionArn: string) =>
  new InvokeApiError("ResourceNotFoundException", `Function not found: ${functionArn}`);

export const tooManyRequests = (retryAfterSeconds = 1) =>
  new InvokeApiError("TooManyRequestsException", "Rate Exceeded.", {
    body: { Reason: "ReservedFunctionConcurrentInvocationLimitExceeded" },
    headers: { "retry-after": String(retryAfterSeconds) },
  });

// ---------------------------------------------------------------------------------------------
// Function errors lambkin reports on the function's behalf (caller gets 200 + X-Amz-Function-Error)

/** An error body in the shape callers receive: `{"errorType","errorMessage"}`. */
export interface FunctionErrorBody {
  errorType: string;
  errorMessage: string;
  [key: string]: unknown;
}

const errorJson = (errorType: string, errorMessage: string) => JSON.stringify({ errorType, errorMessage });

/** `Sandbox.Timedout`: the invoke outlived the function timeout. */
export function timeoutErrorBody(requestId: string, timeoutSeconds: number): string {
  return errorJson(
    "Sandbox.Timedout",
    `RequestId: ${requestId} Error: Task timed out after ${timeoutSeconds.toFixed(2)} seconds`,
  );
}

/** The reason Lambda gives for an exit, in the Go `os/exec` wording AWS prints. */
export function exitReason(exit: { code: number | null; signal: string | null }): string {
  if (exit.signal) return `Runtime exited with error: signal: ${signalDescription(exit.signal)}`;
  if (exit.code === 0) return "Runtime exited without providing a reason";
  return `Runtime exited with error: exit status ${exit.code ?? "unknown"}`;
}

/** `Runtime.ExitError`: the runtime process ended while an invoke was in flight (or before init). */
export function exitErrorBody(
  requestId: string,
  exit: { code: number | null; signal: string | null },
): string {
  return errorJson("Runtime.ExitError", `RequestId: ${requestId} Error: ${exitReason(exit)}`);
}

/** `Function.ResponseSizeTooLarge`: the runtime posted more than the buffered-response limit. */
export function responseTooLargeErrorBody(): string {
  return errorJson(
    "Function.ResponseSizeTooLarge",
    `Response payload size exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
  );
}

/** `Runtime.InvalidEntrypoint`: the configured program could not be started. */
export function invalidEntrypointErrorBody(requestId: string, reason: string): string {
  return errorJson("Runtime.InvalidEntrypoint", `RequestId: ${requestId} Error: ${reason}`);
}

/**
 * An init that did not reach its first `next` in time. AWS retries init inside the invoke and
 * reports a timeout of the invoke; lambkin answers the waiting invoke with `Sandbox.Timedout` and
 * names the init phase in the message (*unsure*: AWS's exact wording for this case is not public).
 */
export function initTimeoutErrorBody(requestId: string, initTimeoutMs: number): string {
  return errorJson(
    "Sandbox.Timedout",
    `RequestId: ${requestId} Error: Init timed out after ${(initTimeoutMs / 1000).toFixed(2)} seconds`,
  );
}

const SIGNAL_DESCRIPTIONS: Record<string, string> = {
  SIGKILL: "killed",
  SIGTERM: "terminated",
  SIGINT: "interrupt",
  SIGSEGV: "segmentation fault",
  SIGABRT: "aborted",
  SIGBUS: "bus error",
  SIGFPE: "floating point exception",
  SIGILL: "illegal instruction",
  SIGHUP: "hangup",
  SIGPIPE: "broken pipe",
  SIGQUIT: "quit",
  SIGTRAP: "trace/breakpoint trap",
  SIGUSR1: "user defined signal 1",
  SIGUSR2: "user defined signal 2",
};

/** Go's `syscall.Signal.String()` wording, which is what Lambda's messages show. */
export function signalDescription(signal: string): string {
  return SIGNAL_DESCRIPTIONS[signal] ?? signal.replace(/^SIG/, "").toLowerCase();
}

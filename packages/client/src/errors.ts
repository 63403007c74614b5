// Errors the runtime reports, and the JSON it posts for them. The `Runtime.*` names and messages are
// the ones AWS's Node.js runtime uses, so a caller sees the same `errorType` locally and on Lambda.

/** Base of the runtime's own errors: `name` is the Lambda error type (`Runtime.HandlerNotFound`). */
export class RuntimeError extends Error {
  constructor(errorType: string, message: string) {
    super(message);
    this.name = errorType;
  }
}

/** `_HANDLER` is not `path/to/module.export`, or it tries to leave the task root. */
export class MalformedHandlerNameError extends RuntimeError {
  constructor(message: string) {
    super("Runtime.MalformedHandlerName", message);
  }
}

/** The handler's module file does not exist or cannot be imported. */
export class ImportModuleError extends RuntimeError {
  constructor(message: string) {
    super("Runtime.ImportModuleError", message);
  }
}

/** The module loaded, but the export named by `_HANDLER` is missing or not a function. */
export class HandlerNotFoundError extends RuntimeError {
  constructor(message: string) {
    super("Runtime.HandlerNotFound", message);
  }
}

/** The handler's module has a syntax error. Keeps the original stack, which points at the line. */
export class UserCodeSyntaxError extends RuntimeError {
  constructor(message: string, stack?: string) {
    super("Runtime.UserCodeSyntaxError", message);
    if (stack !== undefined) this.stack = stack;
  }
}

/** A promise rejected with nobody listening; the process exits after reporting it. */
export class UnhandledPromiseRejectionError extends RuntimeError {
  constructor(readonly reason: unknown) {
    super("Runtime.UnhandledPromiseRejection", String(reason));
  }
}

/** The handler's result cannot be serialised as JSON (a cycle, a BigInt). */
export class JSONStringifyError extends RuntimeError {
  constructor(message = "Unable to stringify response body") {
    super("Runtime.JSONStringifyError", message);
  }
}

/** The event bytes from `next` are not JSON. */
export class UnmarshalError extends RuntimeError {
  constructor(message: string) {
    super("Runtime.UnmarshalError", message);
  }
}

/** The event loop emptied while an async handler's promise was still pending. */
export class NodeJsExitError extends RuntimeError {
  constructor() {
    super(
      "Runtime.NodeJsExit",
      "Lambda runtime client detected an unexpected Node.js exit code. This is most commonly caused by a Promise that was never settled.",
    );
  }
}

/** A misuse of the response stream (content type set after the first write, a non-async handler). */
export class InvalidStreamingOperationError extends RuntimeError {
  constructor(message: string) {
    super("Runtime.InvalidStreamingOperation", message);
  }
}

/** The Runtime API answered something the client cannot go on from (a 5xx, a refused connection). */
export class RuntimeApiError extends Error {
  override name = "RuntimeApiError";
}

/**
 * The body posted to `/error` and `/init/error`. AWS's Node.js runtime names the stack field
 * `trace`; lambkin follows its issue text and the Python and Go runtimes (`stackTrace`). DEL
 * characters are escaped as AWS does: the error type also travels in a header (or trailer), where
 * DEL is not allowed.
 */
export interface ErrorBody {
  errorType: string;
  errorMessage: string;
  stackTrace: string[];
}

export function formatError(error: unknown): ErrorBody {
  try {
    if (isErrorLike(error)) {
      return {
        errorType: escapeDel(error.name),
        errorMessage: escapeDel(error.message),
        stackTrace: typeof error.stack === "string" ? escapeDel(error.stack).split("\n") : [],
      };
    }
    return { errorType: typeof error, errorMessage: escapeDel(String(error)), stackTrace: [] };
  } catch {
    return {
      errorType: "handled",
      errorMessage:
        "callback called with Error argument, but there was a problem while retrieving one or more of its message, name, and stack",
      stackTrace: [],
    };
  }
}

/** Any error object, even one from another realm or a plain `{name, message, stack}`. */
function isErrorLike(value: unknown): value is Error {
  if (value instanceof Error) return true;
  const v = value as { name?: unknown; message?: unknown } | null;
  return typeof v === "object" && v !== null && typeof v.name === "string" && typeof v.message === "string";
}

function escapeDel(text: string): string {
  return text.replaceAll("\x7F", "%7F");
}

/** A thrown non-error (`throw "boom"`, `callback("boom")`) as an Error, for logging. */
export function intoError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * The JSON AWS's runtime writes after `Invoke Error` in a text log line: the error's own
 * enumerable properties plus errorType, errorMessage, code and the stack split in lines. Starts
 * with a tab, as AWS's does.
 */
export function toFormatted(error: Error): string {
  try {
    return "\t" + JSON.stringify(error, (_key, value) => withEnumerableProperties(value));
  } catch {
    return "\t" + JSON.stringify(formatError(error));
  }
}

function withEnumerableProperties(value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  const out: Record<string, unknown> = Object.assign(
    { errorType: value.name, errorMessage: value.message, code: (value as { code?: unknown }).code },
    value as object,
  );
  if (typeof value.stack === "string") out.stack = value.stack.split("\n");
  return out;
}

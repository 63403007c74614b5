// Lambda's console: each console call becomes one log record tagged with time, request id and
// level, in the text or JSON format AWS's Node.js runtime writes. A record is one line: newlines
// inside a message become carriage returns (as AWS's runtime does on stdout), so a multi-line
// message or stack stays one record for whoever reads the stream line by line.
import { intoError, toFormatted } from "./errors.ts";

export interface LogLevel {
  readonly name: "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR" | "FATAL";
  readonly priority: number;
}

export const LOG_LEVELS = {
  TRACE: { name: "TRACE", priority: 1 },
  DEBUG: { name: "DEBUG", priority: 2 },
  INFO: { name: "INFO", priority: 3 },
  WARN: { name: "WARN", priority: 4 },
  ERROR: { name: "ERROR", priority: 5 },
  FATAL: { name: "FATAL", priority: 6 },
} as const satisfies Record<string, LogLevel>;

export type LogFormat = "TEXT" | "JSON";

/** Node.js's `util.format`: what each record's message is made of (the host provides it). */
export type FormatArgs = (...args: unknown[]) => string;

// Other code (AWS Powertools, older AWS runtimes' helpers) finds the current request id under this
// global symbol, so the client keeps it there rather than in a private variable.
const REQUEST_ID = Symbol.for("aws.lambda.runtime.requestId");
const TENANT_ID = Symbol.for("aws.lambda.runtime.tenantId");
const store = globalThis as unknown as Record<symbol, string | undefined>;

/** Sets the request id (and tenant id) that log records carry; undefined between invocations. */
export function setCurrentInvocation(requestId: string | undefined, tenantId?: string): void {
  store[REQUEST_ID] = requestId;
  store[TENANT_ID] = tenantId;
}

export function currentRequestId(): string | undefined {
  return store[REQUEST_ID];
}

/** `AWS_LAMBDA_LOG_FORMAT`: `JSON` (any case) selects JSON, anything else text. */
export function logFormatFromEnv(value: string | undefined): LogFormat {
  return value?.toUpperCase() === "JSON" ? "JSON" : "TEXT";
}

/** `AWS_LAMBDA_LOG_LEVEL`: a level name (any case); unknown or unset logs everything. */
export function logLevelFromEnv(value: string | undefined): LogLevel {
  const name = value?.toUpperCase();
  return name !== undefined && Object.hasOwn(LOG_LEVELS, name)
    ? LOG_LEVELS[name as keyof typeof LOG_LEVELS]
    : LOG_LEVELS.TRACE;
}

/** One text record: `<ISO time>\t<request id>\t<LEVEL>\t<message>` (no trailing newline). */
export function formatTextRecord(
  format: FormatArgs,
  time: string,
  requestId: string | undefined,
  level: LogLevel,
  message: unknown,
  params: unknown[],
): string {
  // A template, not Array.join: Lambda prints a missing request id as the word `undefined`.
  return `${time}\t${requestId}\t${level.name}\t${format(message, ...params)}`;
}

/**
 * One JSON record: `{timestamp, level, requestId, message}`. A single argument keeps its JSON shape
 * (an object stays an object, an Error becomes `{errorType, errorMessage, stackTrace}`); several
 * arguments are formatted to one string, and the first Error among them is described in
 * errorType/errorMessage/stackTrace fields, as AWS's runtime does.
 */
export function formatJsonRecord(
  format: FormatArgs,
  time: string,
  requestId: string | undefined,
  tenantId: string | undefined,
  level: LogLevel,
  message: unknown,
  params: unknown[],
): string {
  const record: Record<string, unknown> = { timestamp: time, level: level.name, requestId };
  if (tenantId) record.tenantId = tenantId;
  if (params.length === 0) {
    record.message = message;
    try {
      return JSON.stringify(record, jsonErrorReplacer);
    } catch {
      record.message = format(message);
      return JSON.stringify(record);
    }
  }
  record.message = format(message, ...params);
  for (const param of params) {
    if (param instanceof Error) {
      record.errorType = param.constructor?.name ?? "UnknownError";
      record.errorMessage = param.message;
      record.stackTrace = typeof param.stack === "string" ? param.stack.split("\n") : [];
      break;
    }
  }
  return JSON.stringify(record);
}

function jsonErrorReplacer(_key: string, value: unknown): unknown {
  if (!(value instanceof Error)) return value;
  return Object.assign(
    {
      errorType: value.constructor?.name ?? "UnknownError",
      errorMessage: value.message,
      stackTrace: typeof value.stack === "string" ? value.stack.split("\n") : value.stack,
    },
    value,
  );
}

export interface ConsolePatchOptions {
  format: LogFormat;
  minLevel: LogLevel;
  /** Formats a console call's arguments: the host's `util.format`. */
  formatArgs: FormatArgs;
  /** Where a finished record goes (with its newline). */
  write: (record: string) => void;
}

export interface StructuredLogger {
  /** Logs `message` and an error the way AWS logs `Invoke Error`, `Uncaught Exception`, …. */
  logError(message: string, error: unknown): void;
}

/**
 * Replaces console.trace/debug/info/log/warn/error (and adds console.fatal) with Lambda's
 * loggers. Levels below `minLevel` become no-ops. Returns the logger for the runtime's own errors.
 */
export function patchConsole(options: ConsolePatchOptions): StructuredLogger {
  const { formatArgs, write } = options;
  const emit =
    options.format === "JSON"
      ? (level: LogLevel, message: unknown, params: unknown[]) =>
          write(
            formatJsonRecord(
              formatArgs,
              new Date().toISOString(),
              store[REQUEST_ID],
              store[TENANT_ID],
              level,
              message,
              params,
            ).replace(/\n/g, "\r") + "\n",
          )
      : (level: LogLevel, message: unknown, params: unknown[]) =>
          write(
            formatTextRecord(
              formatArgs,
              new Date().toISOString(),
              store[REQUEST_ID],
              level,
              message,
              params,
            ).replace(/\n/g, "\r") + "\n",
          );
  const logger = (level: LogLevel) =>
    level.priority >= options.minLevel.priority
      ? (message?: unknown, ...params: unknown[]) => emit(level, message, params)
      : () => {};

  const target = console as unknown as Record<string, unknown>;
  target.trace = logger(LOG_LEVELS.TRACE);
  target.debug = logger(LOG_LEVELS.DEBUG);
  target.info = logger(LOG_LEVELS.INFO);
  target.log = target.info;
  target.warn = logger(LOG_LEVELS.WARN);
  target.error = logger(LOG_LEVELS.ERROR);
  target.fatal = logger(LOG_LEVELS.FATAL);

  return {
    logError:
      options.format === "JSON"
        ? (_message, error) => console.error(intoError(error))
        : (message, error) => console.error(message, toFormatted(intoError(error))),
  };
}

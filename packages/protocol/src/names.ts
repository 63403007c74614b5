/**
 * Parsers and validators for what callers and configs name: functions (name, `name:qualifier`,
 * full or partial ARN), handler strings, invocation and log types, client context.
 */
import { InvokeApiError } from "./errors.ts";
import { MAX_CLIENT_CONTEXT_BYTES } from "./limits.ts";

export interface FunctionRef {
  name: string;
  /** `$LATEST`, a version number or an alias, when one was given. */
  qualifier?: string;
  /** Region and account when the caller gave an ARN. */
  region?: string;
  accountId?: string;
}

const NAME = /^[a-zA-Z0-9_-]{1,64}$/;
const QUALIFIER = /^(\$LATEST|[a-zA-Z0-9_-]{1,128})$/;
const FULL_ARN = /^arn:aws[a-zA-Z-]*:lambda:([a-z0-9-]+):(\d{12}):function:([^:]+)(?::([^:]+))?$/;
const PARTIAL_ARN = /^(\d{12}):function:([^:]+)(?::([^:]+))?$/;

/** Constraint failures on request fields: AWS answers these with a 400 `ValidationException`. */
function invalid(message: string): InvokeApiError {
  return new InvokeApiError("ValidationException", message);
}

/**
 * Parses the `{FunctionName}` path segment of the Invoke API. It may still be percent-encoded
 * (SDKs send `:` as `%3A`) and may be a name, `name:qualifier`, a full ARN or `account:function:name`.
 * A `Qualifier` query parameter, when given, must agree with one in the name.
 */
export function parseFunctionName(raw: string, queryQualifier?: string | null): FunctionRef {
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    throw invalid(`Function name is not valid percent-encoding: ${raw}`);
  }
  let ref: FunctionRef;
  const full = FULL_ARN.exec(decoded);
  const partial = full ? null : PARTIAL_ARN.exec(decoded);
  if (full) ref = { region: full[1], accountId: full[2], name: full[3]!, qualifier: full[4] };
  else if (partial) ref = { accountId: partial[1], name: partial[2]!, qualifier: partial[3] };
  else {
    const parts = decoded.split(":");
    if (parts.length > 2)
      throw invalid(
        `1 validation error detected: Value '${decoded}' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: (arn:(aws[a-zA-Z-]*)?:lambda:)?([a-z]{2}(-gov)?-[a-z]+-\\d{1}:)?(\\d{12}:)?(function:)?([a-zA-Z0-9-_\\.]+)(:(\\$LATEST|[a-zA-Z0-9-_]+))?`,
      );
    ref = { name: parts[0]!, qualifier: parts[1] };
  }
  if (!NAME.test(ref.name)) {
    throw invalid(
      `1 validation error detected: Value '${ref.name}' at 'functionName' failed to satisfy constraint: Member must have length between 1 and 64 and contain only letters, digits, '-' and '_'`,
    );
  }
  if (ref.qualifier === undefined) delete ref.qualifier;
  if (queryQualifier) {
    if (ref.qualifier && ref.qualifier !== queryQualifier) {
      throw new InvokeApiError(
        "InvalidParameterValueException",
        "The derived qualifier from the function name does not match the specified qualifier.",
      );
    }
    ref.qualifier = queryQualifier;
  }
  if (ref.qualifier !== undefined && !QUALIFIER.test(ref.qualifier)) {
    throw invalid(
      `1 validation error detected: Value '${ref.qualifier}' at 'qualifier' failed to satisfy constraint`,
    );
  }
  return ref;
}

/** A function name as configs name functions: the Lambda name rules. */
export function isValidFunctionName(name: string): boolean {
  return NAME.test(name);
}

export interface HandlerRef {
  /** Module path relative to the task root, without extension: `src/api/handler`. */
  module: string;
  /** Export path inside the module; may be nested (`a.b`). */
  exportPath: string;
}

export class HandlerStringError extends Error {
  override readonly name = "HandlerStringError";
}

/**
 * Splits a handler string `path/to/file.export` the way AWS's Node runtime does: the module is
 * everything up to the first `.` of the last path segment, the export is the rest. Paths may not
 * be absolute or climb out of the task root.
 */
export function parseHandler(handler: string): HandlerRef {
  const slash = handler.lastIndexOf("/");
  const dir = handler.slice(0, slash + 1);
  const base = handler.slice(slash + 1);
  const dot = base.indexOf(".");
  if (handler.trim() === "" || dot <= 0 || dot === base.length - 1) {
    throw new HandlerStringError(
      `handler must look like "file.export" (e.g. "index.handler"), got "${handler}"`,
    );
  }
  const module = dir + base.slice(0, dot);
  if (module.startsWith("/") || module.split("/").some((seg) => seg === ".." || seg === "")) {
    throw new HandlerStringError(
      `handler must name a file inside the code folder (no absolute path, no "..", no empty segment), got "${handler}"`,
    );
  }
  return { module, exportPath: base.slice(dot + 1) };
}

export type InvocationType = "RequestResponse" | "Event" | "DryRun";

export function parseInvocationType(value: string | null): InvocationType {
  if (value === null || value === "" || value === "RequestResponse") return "RequestResponse";
  if (value === "Event" || value === "DryRun") return value;
  throw invalid(
    `1 validation error detected: Value '${value}' at 'invocationType' failed to satisfy constraint: Member must satisfy enum value set: [Event, RequestResponse, DryRun]`,
  );
}

export type LogType = "None" | "Tail";

export function parseLogType(value: string | null): LogType {
  if (value === null || value === "" || value === "None") return "None";
  if (value === "Tail") return "Tail";
  throw invalid(
    `1 validation error detected: Value '${value}' at 'logType' failed to satisfy constraint: Member must satisfy enum value set: [None, Tail]`,
  );
}

/**
 * Decodes `X-Amz-Client-Context` (base64 JSON, at most 3,583 bytes) to the JSON text the runtime
 * receives in `Lambda-Runtime-Client-Context`.
 */
export function decodeClientContext(value: string): string {
  if (value.length > MAX_CLIENT_CONTEXT_BYTES) {
    throw invalid(
      `Client context must be at most ${MAX_CLIENT_CONTEXT_BYTES} bytes of base64, got ${value.length}`,
    );
  }
  let text: string;
  try {
    const binary = atob(value);
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new InvokeApiError("InvalidRequestContentException", "Client context must be valid base64.");
  }
  try {
    JSON.parse(text);
  } catch {
    throw new InvokeApiError("InvalidRequestContentException", "Client context must be a valid JSON object.");
  }
  return text;
}

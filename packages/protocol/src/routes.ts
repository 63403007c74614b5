/** The paths of the Runtime API and the Invoke API, and fast matchers for them. */

export const RUNTIME_API_VERSION = "2018-06-01";
export const INVOKE_API_VERSION = "2015-03-31";
export const STREAMING_INVOKE_API_VERSION = "2021-11-15";

const RUNTIME_INVOCATION = `/${RUNTIME_API_VERSION}/runtime/invocation/`;

export const runtimeRoutes = {
  next: `${RUNTIME_INVOCATION}next`,
  response: (requestId: string) => `${RUNTIME_INVOCATION}${requestId}/response`,
  error: (requestId: string) => `${RUNTIME_INVOCATION}${requestId}/error`,
  initError: `/${RUNTIME_API_VERSION}/runtime/init/error`,
} as const;

export const invokeRoutes = {
  invoke: (name: string) => `/${INVOKE_API_VERSION}/functions/${encodeURIComponent(name)}/invocations`,
  invokeWithResponseStream: (name: string) =>
    `/${STREAMING_INVOKE_API_VERSION}/functions/${encodeURIComponent(name)}/response-streaming-invocations`,
  listFunctions: `/${INVOKE_API_VERSION}/functions`,
  getFunction: (name: string) => `/${INVOKE_API_VERSION}/functions/${encodeURIComponent(name)}`,
  getFunctionConfiguration: (name: string) =>
    `/${INVOKE_API_VERSION}/functions/${encodeURIComponent(name)}/configuration`,
} as const;

export type RuntimeRoute =
  | { kind: "next" }
  | { kind: "response"; requestId: string }
  | { kind: "error"; requestId: string }
  | { kind: "init-error" };

/**
 * Matches a Runtime API path (the pathname, without query). Returns undefined for anything else,
 * including a known path with the wrong method, which the caller answers 404/405 as it sees fit.
 */
export function matchRuntimeRoute(method: string, pathname: string): RuntimeRoute | undefined {
  if (pathname.startsWith(RUNTIME_INVOCATION)) {
    const rest = pathname.slice(RUNTIME_INVOCATION.length);
    if (rest === "next") return method === "GET" ? { kind: "next" } : undefined;
    if (method !== "POST") return undefined;
    const slash = rest.indexOf("/");
    if (slash <= 0) return undefined;
    const requestId = decodeSegment(rest.slice(0, slash));
    const action = rest.slice(slash + 1);
    if (action === "response") return { kind: "response", requestId };
    if (action === "error") return { kind: "error", requestId };
    return undefined;
  }
  if (pathname === runtimeRoutes.initError && method === "POST") return { kind: "init-error" };
  return undefined;
}

/**
 * A path segment, percent-decoded. A malformed escape (`%zz`) is kept as sent rather than thrown:
 * the id then matches no invocation and the Runtime API answers 400 `InvalidRequestID`, where a
 * throw would have become a 500, which tells a runtime to exit.
 */
function decodeSegment(segment: string): string {
  // Request ids and function names rarely carry escapes: skip the decoder when there are none.
  if (!segment.includes("%")) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

export type InvokeRoute =
  | { kind: "invoke"; functionName: string }
  | { kind: "invoke-stream"; functionName: string }
  | { kind: "list-functions" }
  | { kind: "get-function"; functionName: string }
  | { kind: "get-function-configuration"; functionName: string };

const FUNCTIONS = `/${INVOKE_API_VERSION}/functions`;
const STREAM_FUNCTIONS = `/${STREAMING_INVOKE_API_VERSION}/functions/`;

/**
 * Matches an Invoke API path. The function name is returned as it stands in the path, still
 * percent-encoded (SDKs send `:` as `%3A`); `parseFunctionName` decodes and validates it.
 */
export function matchInvokeRoute(method: string, pathname: string): InvokeRoute | undefined {
  if (pathname.startsWith(FUNCTIONS)) {
    const rest = pathname.slice(FUNCTIONS.length);
    if (rest === "" || rest === "/") return method === "GET" ? { kind: "list-functions" } : undefined;
    if (rest[0] !== "/") return undefined;
    const parts = rest.slice(1).split("/");
    const functionName = parts[0] ?? "";
    if (functionName === "") return undefined;
    if (parts.length === 2 && parts[1] === "invocations" && method === "POST") {
      return { kind: "invoke", functionName };
    }
    if (method !== "GET") return undefined;
    if (parts.length === 1 || (parts.length === 2 && parts[1] === ""))
      return { kind: "get-function", functionName };
    if (parts.length === 2 && parts[1] === "configuration") {
      return { kind: "get-function-configuration", functionName };
    }
    return undefined;
  }
  if (pathname.startsWith(STREAM_FUNCTIONS) && method === "POST") {
    const parts = pathname.slice(STREAM_FUNCTIONS.length).split("/");
    if (parts.length === 2 && parts[0] && parts[1] === "response-streaming-invocations") {
      return { kind: "invoke-stream", functionName: parts[0] };
    }
  }
  return undefined;
}

// The `context` argument: invocation data from the `next` reply's headers plus the function's
// data from Lambda's environment variables, built as AWS's Node.js runtime builds it.
import {
  H_CLIENT_CONTEXT,
  H_COGNITO_IDENTITY,
  H_DEADLINE_MS,
  H_FUNCTION_ARN,
  H_REQUEST_ID,
  H_TENANT_ID,
  H_TRACE_ID,
} from "@lambkin/protocol/runtime-wire";
import type { ClientContext, CognitoIdentity, Context } from "./types.ts";

/** What one `next` reply says about its invocation (docs/protocol.md, "Runtime API"). */
export interface InvocationInfo {
  requestId: string;
  deadlineMs: number;
  invokedFunctionArn: string;
  traceId: string | undefined;
  clientContext: ClientContext | undefined;
  identity: CognitoIdentity | undefined;
  tenantId: string | undefined;
  /**
   * A client-context or identity header that is not JSON. AWS fails that invocation with it (not
   * the runtime), so it is kept here and thrown where the handler would be called.
   */
  headerError: Error | undefined;
}

/** Reads the invocation headers (names lower-case). Throws when the request id is missing. */
export function parseInvocationHeaders(headers: Record<string, string>): InvocationInfo {
  const requestId = headers[H_REQUEST_ID];
  if (!requestId) {
    throw new Error("the Runtime API's next reply has no Lambda-Runtime-Aws-Request-Id header");
  }
  let headerError: Error | undefined;
  const json = <T>(name: string, value: string | undefined): T | undefined => {
    try {
      return parseJsonHeader<T>(value, name);
    } catch (error) {
      headerError ??= error as Error;
      return undefined;
    }
  };
  return {
    requestId,
    deadlineMs: Number.parseInt(headers[H_DEADLINE_MS] ?? "", 10),
    invokedFunctionArn: headers[H_FUNCTION_ARN] ?? "",
    traceId: headers[H_TRACE_ID] || undefined,
    clientContext: json<ClientContext>("ClientContext", headers[H_CLIENT_CONTEXT]),
    identity: json<CognitoIdentity>("CognitoIdentity", headers[H_COGNITO_IDENTITY]),
    tenantId: headers[H_TENANT_ID] || undefined,
    headerError,
  };
}

function parseJsonHeader<T>(value: string | undefined, name: string): T | undefined {
  if (value === undefined || value === "") return undefined;
  try {
    return JSON.parse(value) as T;
  } catch (error) {
    throw new Error(`Cannot parse ${name} as json: ${String(error)}`);
  }
}

/** The callback-related members, which the invoke loop supplies. */
export interface CompletionFunctions {
  done(error?: unknown, result?: unknown): void;
  fail(error?: unknown): void;
  succeed(result?: unknown): void;
}

export function buildContext(
  info: InvocationInfo,
  env: Record<string, string | undefined>,
  completion: CompletionFunctions,
): Context {
  const deadline = info.deadlineMs;
  let waitsForEmptyEventLoop = true;
  const context: Context = {
    get callbackWaitsForEmptyEventLoop() {
      return waitsForEmptyEventLoop;
    },
    set callbackWaitsForEmptyEventLoop(value: boolean) {
      waitsForEmptyEventLoop = value;
    },
    functionName: env.AWS_LAMBDA_FUNCTION_NAME ?? "",
    functionVersion: env.AWS_LAMBDA_FUNCTION_VERSION ?? "",
    memoryLimitInMB: env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE ?? "",
    logGroupName: env.AWS_LAMBDA_LOG_GROUP_NAME ?? "",
    logStreamName: env.AWS_LAMBDA_LOG_STREAM_NAME ?? "",
    invokedFunctionArn: info.invokedFunctionArn,
    awsRequestId: info.requestId,
    clientContext: info.clientContext,
    identity: info.identity,
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: completion.done,
    fail: completion.fail,
    succeed: completion.succeed,
  };
  if (info.tenantId !== undefined) context.tenantId = info.tenantId;
  return context;
}

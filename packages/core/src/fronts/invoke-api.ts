/**
 * The Invoke API (2015-03-31) as callers reach it — AWS SDKs, the AWS CLI, curl: Invoke (sync,
 * Event, DryRun), InvokeWithResponseStream (invoke-stream.ts), ListFunctions, GetFunction,
 * GetFunctionConfiguration. This front only parses HTTP and encodes answers; the invoke service
 * serves. Every failure of the request itself is an `x-amzn-ErrorType` + JSON reply; a failure
 * of the function is a 200 with `X-Amz-Function-Error`.
 */
import {
  decodeClientContext,
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
  invokeErrorResponse,
  LATEST,
  matchInvokeRoute,
  parseFunctionName,
  parseInvocationType,
  parseLogType,
} from "@lambkin/protocol";
import { readBody } from "../body.ts";
import type { ResolvedFunction } from "../config.ts";
import {
  type InvokeRequest,
  type InvokeService,
  type InvokeTarget,
  payloadLimit,
  tooLarge,
} from "../invoke/service.ts";
import type { FetchHandler } from "../platform.ts";
import { splitUrl } from "../request-url.ts";
import { type FunctionConfigurationContext, functionConfiguration } from "./function-configuration.ts";
import { invokeWithResponseStream } from "./invoke-stream.ts";

export interface InvokeApiContext extends FunctionConfigurationContext {
  readonly service: InvokeService;
  /** The platform's `Response` for buffered hot-path answers. */
  readonly Response: typeof Response;
}

/** What Invoke and InvokeWithResponseStream both read from a request, checked. */
export interface ParsedInvoke {
  target: InvokeTarget;
  request: InvokeRequest;
}

export function createInvokeApi(ctx: InvokeApiContext): FetchHandler {
  const { service } = ctx;
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

  async function parseInvoke(
    request: Request,
    rawName: string,
    query: URLSearchParams,
    operation: "InvokeFunction" | "InvokeWithResponseStream",
  ): Promise<ParsedInvoke> {
    const ref = functionRef(rawName, query.get("Qualifier"));
    const target = service.lookup(ref.name, ref.qualifier);
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
    const limit = payloadLimit(type);
    const body = await readBody(request, limit);
    if (body === undefined) throw tooLarge(limit, operation);
    const callId = request.headers.get(H_SDK_INVOCATION_ID) ?? undefined;
    return {
      target,
      request: {
        invocationType: type,
        payload: service.check(body, type, operation),
        tail,
        clientContext,
        traceId: request.headers.get(H_AMZN_TRACE_ID) ?? undefined,
        tenantId: request.headers.get(H_AMZ_TENANT_ID) ?? undefined,
        callId,
        // Only a call that may be retried needs its hang-up watched: building a request's
        // AbortSignal costs ~10 µs on Node (an EventTarget per request), measured by --profile.
        signal: callId === undefined ? undefined : request.signal,
      },
    };
  }

  /** `Answer`: the `Response` constructor the front server sends cheapest (RequestInfo.Response). */
  async function invoke(
    request: Request,
    rawName: string,
    query: URLSearchParams,
    Answer: typeof Response,
  ): Promise<Response> {
    const parsed = await parseInvoke(request, rawName, query, "InvokeFunction");
    const result = await service.invoke(parsed.target, parsed.request);
    if (result.statusCode !== 200) {
      const headers: Record<string, string> = { [H_AMZN_REQUEST_ID]: result.requestId };
      if (result.statusCode === 204) headers[H_EXECUTED_VERSION] = LATEST;
      return new Response(null, { status: result.statusCode, headers });
    }
    const headers: Record<string, string> = {
      "content-type": "application/json",
      [H_EXECUTED_VERSION]: LATEST,
      [H_AMZN_REQUEST_ID]: result.requestId,
    };
    if (result.functionError) headers[H_FUNCTION_ERROR] = result.functionError;
    if (result.logResult !== undefined) headers[H_LOG_RESULT] = result.logResult;
    return new Answer(result.payload as BodyInit, { status: 200, headers });
  }

  const lookup = (name: string, query: URLSearchParams) => {
    const ref = parseFunctionName(name, query.get("Qualifier"));
    return service.lookup(ref.name, ref.qualifier).fn;
  };
  const configuration = (fn: ResolvedFunction) => functionConfiguration(fn, ctx);

  return async (request, info) => {
    try {
      const url = splitUrl(request.url);
      const route = matchInvokeRoute(request.method, url.pathname);
      switch (route?.kind) {
        case "invoke":
          return await invoke(request, route.functionName, url.searchParams, info.Response ?? ctx.Response);
        case "invoke-stream": {
          const parsed = await parseInvoke(
            request,
            route.functionName,
            url.searchParams,
            "InvokeWithResponseStream",
          );
          return await invokeWithResponseStream(service, parsed.target, parsed.request);
        }
        case "list-functions": {
          const Functions = service.functions().map(configuration);
          return Response.json({ Functions }, { headers: freshRequestId() });
        }
        case "get-function": {
          const fn = lookup(route.functionName, url.searchParams);
          return Response.json(
            {
              Configuration: configuration(fn),
              Code: { RepositoryType: "S3", Location: `file://${fn.codeDir}` },
              Tags: {},
            },
            { headers: freshRequestId() },
          );
        }
        case "get-function-configuration":
          return Response.json(configuration(lookup(route.functionName, url.searchParams)), {
            headers: freshRequestId(),
          });
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

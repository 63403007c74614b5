/**
 * API Gateway routes on the Function URL port, as `sam local start-api` serves them: a request
 * that matches a route runs its function with a REST (payload 1.0) or HTTP API (2.0, or 1.0)
 * event, and the result is mapped back as that kind of API does. What matches no route goes on to
 * the Function URL paths (`/<function>/…`). A result API Gateway would refuse gets its 502, and the
 * reason goes to lambkin's log.
 */
import {
  apiGatewayBadGateway,
  fromHttpApiResult,
  fromRestResult,
  type HttpResponseParts,
  HttpResultError,
  InvokeApiError,
  MAX_SYNC_PAYLOAD_BYTES,
  newApiRequestId,
  newRequestId,
  toHttpApiEvent,
  toHttpResponse,
  toRestEvent,
} from "@lambkin/protocol";
import { collect, readBody } from "../body.ts";
import type { Outcome } from "../invocation.ts";
import { type LogSink, platformLine } from "../logs.ts";
import type { FetchHandler } from "../platform.ts";
import { pathnameOf } from "../request-url.ts";
import type { ResolvedRoute } from "../route-config.ts";
import { addCorsHeaders, findRoute, orderRoutes, preflight, routesAtPath } from "./api-routes.ts";

export interface ApiGatewayFrontOptions {
  /** The routes now (a running lambkin may be updated). */
  routes(): readonly ResolvedRoute[];
  accountId(): string;
  /**
   * Runs `functionName` with `payload` and resolves with its outcome; throws InvokeApiError
   * (429 when throttled).
   */
  invoke(functionName: string, payload: Uint8Array, requestId: string): Promise<Outcome>;
  log: LogSink;
  /** What serves a request no route matches: the Function URLs. */
  fallback: FetchHandler;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export function createApiGatewayFront(options: ApiGatewayFrontOptions): FetchHandler {
  let source: readonly ResolvedRoute[] | undefined;
  let ordered: ResolvedRoute[] = [];
  const current = () => {
    const routes = options.routes();
    if (routes !== source) {
      source = routes;
      ordered = orderRoutes(routes);
    }
    return ordered;
  };
  return async (request, info) => {
    const routes = current();
    if (routes.length === 0) return options.fallback(request, info);
    const rawPath = pathnameOf(request.url);
    if (request.method === "OPTIONS") {
      const answer = preflight(routesAtPath(routes, rawPath), request);
      if (answer) return answer;
    }
    const match = findRoute(routes, request.method, rawPath);
    if (!match) return options.fallback(request, info);
    const { route } = match;
    const rest = route.api === "rest";
    const body = await readBody(request, MAX_SYNC_PAYLOAD_BYTES);
    if (body === undefined) {
      return new Response('{"message":"Request Entity Too Large"}', {
        status: 413,
        headers: { "content-type": "application/json" },
      });
    }
    const eventOptions = {
      route: {
        path: route.path,
        routeKey: route.routeKey,
        pathParameters: match.pathParameters,
        stage: route.stage,
        apiId: route.apiId,
      },
      rawPath,
      body,
      requestId: rest ? newRequestId() : newApiRequestId(),
      accountId: options.accountId(),
      binaryMediaTypes: route.binaryMediaTypes,
      ...(info.remoteAddress !== undefined ? { sourceIp: info.remoteAddress } : {}),
    };
    const event =
      route.payloadFormat === "1.0"
        ? toRestEvent(request, { ...eventOptions, httpApi: !rest })
        : toHttpApiEvent(request, eventOptions);
    const invocationId = newRequestId();
    const fail = (reason: string) => {
      platformLine(
        options.log,
        route.function,
        invocationId,
        `${request.method} ${rawPath} (route ${route.routeKey}) answered 502: ${reason}`,
      );
      return answer(apiGatewayBadGateway(rest));
    };
    const answer = (parts: HttpResponseParts) => {
      parts.headers.set(rest ? "x-amzn-requestid" : "apigw-requestid", eventOptions.requestId);
      addCorsHeaders(route, request, parts.headers);
      return toHttpResponse(parts);
    };
    let outcome: Outcome;
    try {
      outcome = await options.invoke(route.function, encoder.encode(JSON.stringify(event)), invocationId);
    } catch (error) {
      if (error instanceof InvokeApiError && error.status === 429) {
        return new Response(rest ? '{"message": "Rate Exceeded."}' : '{"message":"Too Many Requests"}', {
          status: 429,
          headers: { "content-type": "application/json" },
        });
      }
      if (error instanceof InvokeApiError) return fail(`${error.errorType}: ${error.message}`);
      throw error;
    }
    if (outcome.kind === "error") return fail(`the function failed (${outcome.errorType})`);
    // API Gateway invokes with a plain Invoke: a streamed answer is taken whole.
    const bytes =
      outcome.kind === "response" ? outcome.body : await collect(outcome.body, MAX_SYNC_PAYLOAD_BYTES);
    if (bytes === undefined) return fail("the response is larger than 6 MB");
    let result: unknown;
    try {
      result = bytes.byteLength === 0 ? undefined : JSON.parse(decoder.decode(bytes));
    } catch {
      return fail(
        `the function returned something that is not JSON: ${decoder.decode(bytes.subarray(0, 60))}`,
      );
    }
    try {
      return answer(
        route.payloadFormat === "1.0"
          ? fromRestResult(result, {
              rest,
              binaryMediaTypes: route.binaryMediaTypes,
              accept: request.headers.get("accept"),
            })
          : fromHttpApiResult(result),
      );
    } catch (error) {
      if (error instanceof HttpResultError)
        return fail(`malformed ${rest ? "REST API" : "HTTP API"} proxy result: ${error.message}`);
      throw error;
    }
  };
}

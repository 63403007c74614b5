// API Gateway's Lambda proxy integration, both payload formats, both directions: an HTTP request
// matched to a route becomes the event (REST API and HTTP API payload 1.0; HTTP API payload 2.0),
// and what the function returns becomes the HTTP response (docs/protocol.md, "API Gateway routes").
// Shapes follow AWS's documented examples ("Lambda proxy integrations in API Gateway", "Working
// with AWS Lambda proxy integrations for HTTP APIs").
//
// Choices where AWS documents less than we need:
// - Header names reach the function lower-cased (the web `Headers` lambkin receives lower-cases
//   them; a REST API keeps the client's case). Repeated headers arrive joined with `, ` by the
//   server, so `multiValueHeaders` holds one entry for them.
// - REST API request bodies are base64 (`isBase64Encoded: true`) only when their Content-Type is
//   one of the API's binary media types, as AWS does; a response body marked `isBase64Encoded` is
//   decoded only when the request's Accept names one of them (or they include `*/*`), else the
//   base64 text is sent as it is.
// - The 502 bodies are AWS's: `{"message": "Internal server error"}` (REST) and
//   `{"message":"Internal Server Error"}` (HTTP API).
import {
  bytesToBase64,
  formatRequestTime,
  fromHttpResult,
  type HttpResponseParts,
  HttpResultError,
  isTextContentType,
  toHttpEvent,
} from "./http-event.ts";

/** The route a request matched, as the event describes it. */
export interface MatchedRoute {
  /** The route's path template: `/items/{id}` (REST `resource`), or `$default`. */
  path: string;
  /** `GET /items/{id}` or `$default`: the HTTP API's routeKey. */
  routeKey: string;
  pathParameters: Record<string, string> | undefined;
  stage: string;
  apiId: string;
}

export interface ApiGatewayEventOptions {
  route: MatchedRoute;
  /** The request path, percent-encoding intact. */
  rawPath: string;
  body: Uint8Array;
  /** API Gateway's own request id (not the Lambda invocation's). */
  requestId: string;
  accountId: string;
  sourceIp?: string;
  /** REST API: media types whose request bodies reach the function base64-encoded. */
  binaryMediaTypes?: readonly string[];
  now?: number;
}

const textDecoder = new TextDecoder();
const textEncoder = new TextEncoder();

/** REST API error body for a function that failed or returned something unusable. */
export const REST_BAD_GATEWAY_BODY = '{"message": "Internal server error"}';
/** HTTP API error body for the same. */
export const HTTP_API_BAD_GATEWAY_BODY = '{"message":"Internal Server Error"}';

/**
 * Payload format 1.0: what a REST API sends (and an HTTP API whose integration says 1.0; that one
 * starts with `"version": "1.0"`).
 */
export function toRestEvent(request: Request, opts: ApiGatewayEventOptions & { httpApi?: boolean }) {
  const url = new URL(request.url);
  const headers: Record<string, string> = {};
  const multiValueHeaders: Record<string, string[]> = {};
  for (const [name, value] of request.headers) {
    headers[name] = value;
    multiValueHeaders[name] = [value];
  }
  let query: Record<string, string> | null = null;
  let multiQuery: Record<string, string[]> | null = null;
  for (const [key, value] of url.searchParams) {
    query ??= {};
    multiQuery ??= {};
    query[key] = value;
    const values = multiQuery[key];
    if (values) values.push(value);
    else multiQuery[key] = [value];
  }
  let body: string | null = null;
  let isBase64Encoded = false;
  if (opts.body.length > 0) {
    const type = request.headers.get("content-type");
    const binary = opts.httpApi
      ? !isTextContentType(type)
      : matchesMediaType(type, opts.binaryMediaTypes ?? []);
    isBase64Encoded = binary;
    body = binary ? bytesToBase64(opts.body) : textDecoder.decode(opts.body);
  }
  const path = decodePath(opts.rawPath);
  const now = opts.now ?? Date.now();
  const domainName = url.hostname;
  const userAgent = request.headers.get("user-agent") ?? "";
  const requestContext = {
    accountId: opts.accountId,
    apiId: opts.route.apiId,
    domainName,
    domainPrefix: domainName.split(".")[0],
    extendedRequestId: opts.requestId,
    httpMethod: request.method,
    identity: {
      accessKey: null,
      accountId: null,
      caller: null,
      cognitoAuthenticationProvider: null,
      cognitoAuthenticationType: null,
      cognitoIdentityId: null,
      cognitoIdentityPoolId: null,
      principalOrgId: null,
      sourceIp: opts.sourceIp ?? "127.0.0.1",
      user: null,
      userAgent,
      userArn: null,
    },
    // On a named stage the request path starts with the stage: /Prod/hello.
    path: opts.route.stage === "$default" ? path : `/${opts.route.stage}${path}`,
    protocol: "HTTP/1.1",
    requestId: opts.requestId,
    requestTime: formatRequestTime(now),
    requestTimeEpoch: now,
    resourceId: resourceIdOf(opts.route.path),
    resourcePath: opts.route.path,
    stage: opts.route.stage,
  };
  return {
    ...(opts.httpApi ? { version: "1.0" } : {}),
    resource: opts.route.path,
    path,
    httpMethod: request.method,
    headers,
    multiValueHeaders,
    queryStringParameters: query,
    multiValueQueryStringParameters: multiQuery,
    pathParameters: opts.route.pathParameters ?? null,
    stageVariables: null,
    requestContext,
    body,
    isBase64Encoded,
  };
}

/** Payload format 2.0 of an HTTP API route: the Function URL event with the route's fields. */
export function toHttpApiEvent(request: Request, opts: ApiGatewayEventOptions) {
  const event = toHttpEvent(request, {
    rawPath: opts.rawPath,
    body: opts.body,
    requestId: opts.requestId,
    accountId: opts.accountId,
    apiId: opts.route.apiId,
    ...(opts.sourceIp !== undefined ? { sourceIp: opts.sourceIp } : {}),
    ...(opts.now !== undefined ? { now: opts.now } : {}),
  });
  // An HTTP API passes cookies in `cookies` only; a Function URL keeps the header too.
  const { cookie: _cookie, ...headers } = event.headers;
  const { body, isBase64Encoded, ...head } = event;
  return {
    ...head,
    routeKey: opts.route.routeKey,
    headers,
    requestContext: { ...event.requestContext, routeKey: opts.route.routeKey, stage: opts.route.stage },
    ...(body !== undefined ? { body } : {}),
    ...(opts.route.pathParameters ? { pathParameters: opts.route.pathParameters } : {}),
    isBase64Encoded,
  };
}

const RESULT_KEYS_V1 = new Set(["statusCode", "headers", "multiValueHeaders", "body", "isBase64Encoded"]);

/**
 * Payload format 1.0 result → HTTP. The result must be an object with an integer `statusCode`;
 * `headers` and `multiValueHeaders` are merged (a name in both takes the multi-value list);
 * `body` must be a string. A REST API refuses any other key, as AWS does. Throws HttpResultError
 * (answer 502) with the reason.
 */
export function fromRestResult(
  result: unknown,
  opts: { rest: boolean; binaryMediaTypes?: readonly string[]; accept?: string | null },
): HttpResponseParts {
  if (typeof result !== "object" || result === null || Array.isArray(result)) {
    throw new HttpResultError(
      `the result must be an object with statusCode, got ${JSON.stringify(result)?.slice(0, 60)}`,
    );
  }
  const r = result as Record<string, unknown>;
  if (!("statusCode" in r)) throw new HttpResultError("the result has no statusCode");
  if (opts.rest) {
    const extra = Object.keys(r).filter((k) => !RESULT_KEYS_V1.has(k));
    if (extra.length > 0) {
      throw new HttpResultError(
        `a REST API proxy result may only have statusCode, headers, multiValueHeaders, body, isBase64Encoded; it has ${extra.join(", ")}`,
      );
    }
  }
  const multi = r.multiValueHeaders;
  const single = r.headers;
  // Names given in multiValueHeaders replace the same names of headers.
  const merged: Record<string, unknown> = {};
  if (single && typeof single === "object" && !Array.isArray(single)) {
    const multiNames = new Set(
      multi && typeof multi === "object" ? Object.keys(multi).map((k) => k.toLowerCase()) : [],
    );
    for (const [k, v] of Object.entries(single)) if (!multiNames.has(k.toLowerCase())) merged[k] = v;
  } else if (single !== undefined && single !== null) {
    throw new HttpResultError(`headers must be an object of strings, got ${JSON.stringify(single)}`);
  }
  let isBase64Encoded = r.isBase64Encoded === true;
  // A REST API decodes base64 only when the client accepts one of the binary media types.
  if (isBase64Encoded && opts.rest && !binaryAccepted(opts.accept, opts.binaryMediaTypes ?? [])) {
    isBase64Encoded = false;
  }
  const parts = fromHttpResult({
    statusCode: r.statusCode,
    headers: merged,
    ...(multi !== undefined ? { multiValueHeaders: multi } : {}),
    body: r.body,
    isBase64Encoded,
  });
  if (opts.rest && !parts.headers.has("content-type")) parts.headers.set("content-type", "application/json");
  return parts;
}

/** Payload format 2.0 result → HTTP (the same mapping as Function URLs). */
export function fromHttpApiResult(result: unknown): HttpResponseParts {
  return fromHttpResult(result);
}

/** The 502 an API answers with when the function failed or returned something unusable. */
export function apiGatewayBadGateway(rest: boolean): HttpResponseParts {
  return {
    status: 502,
    headers: new Headers({ "content-type": "application/json" }),
    body: textEncoder.encode(rest ? REST_BAD_GATEWAY_BODY : HTTP_API_BAD_GATEWAY_BODY),
  };
}

/** True when `contentType` is one of `types` (`image/png`, `image/*`, `*​/*`). */
export function matchesMediaType(contentType: string | null | undefined, types: readonly string[]): boolean {
  if (!contentType || types.length === 0) return false;
  const media = contentType.split(";")[0]!.trim().toLowerCase();
  const [major] = media.split("/");
  return types.some((t) => {
    const type = t.toLowerCase();
    return type === "*/*" || type === media || (type.endsWith("/*") && type.slice(0, -2) === major);
  });
}

function binaryAccepted(accept: string | null | undefined, types: readonly string[]): boolean {
  if (types.length === 0) return false;
  if (types.includes("*/*")) return true;
  // The first media type the client lists (its best choice) decides, as API Gateway does.
  const first = accept?.split(",")[0];
  return first !== undefined && matchesMediaType(first, types);
}

function decodePath(raw: string): string {
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

/** A stable 6-character resource id per route path, shaped like API Gateway's. */
function resourceIdOf(path: string): string {
  let h = 0;
  for (let i = 0; i < path.length; i++) h = (h * 31 + path.charCodeAt(i)) >>> 0;
  return h.toString(36).padStart(6, "0").slice(-6);
}

/** API Gateway's own request id for an HTTP API (`JKJaXmPLvHcESHA=`-shaped). */
export function newApiRequestId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(11));
  return `${bytesToBase64(bytes).slice(0, 14).replace(/[+/]/g, "A")}=`;
}

// Function URL / API Gateway HTTP API payload format 2.0 (docs/protocol.md, "Function URLs"): an HTTP request becomes
// the event a function receives, and what the function returns becomes the HTTP response.
// Shapes follow AWS's Function URL documentation and events captured from real Function URLs.
//
// Choices where AWS documents less than we need, and what we picked:
// - Request body as text or base64: real Function URLs and HTTP APIs pass the body as text only for
//   `text/*`, `application/json`, `application/xml` and `application/javascript` (parameters such as
//   `; charset=utf-8` ignored). Everything else, including a missing Content-Type and
//   `application/x-www-form-urlencoded`, is base64 with `isBase64Encoded: true`. A body whose bytes
//   are not valid UTF-8 is base64 whatever its type, so no byte is ever lost.
// - Function URLs keep the `cookie` header in `headers` and also split it into `cookies`
//   (API Gateway HTTP APIs drop the header; Function URLs are what lambkin emulates).
// - `rawPath`, `requestContext.http.path` and `rawQueryString` stay percent-encoded as sent;
//   `queryStringParameters` are decoded the way HTML forms encode them (`+` is a space).
// - `accountId` is `anonymous`, as on a Function URL with auth type NONE.

const TEXT_MEDIA_TYPES = new Set(["application/json", "application/xml", "application/javascript"]);
const JSON_CONTENT_TYPE = "application/json";

/** `requestContext` of a payload 2.0 event. */
export interface HttpEventV2RequestContext {
  accountId: string;
  apiId: string;
  domainName: string;
  domainPrefix: string;
  http: {
    method: string;
    path: string;
    protocol: string;
    sourceIp: string;
    userAgent: string;
  };
  requestId: string;
  routeKey: "$default";
  stage: "$default";
  /** `27/Nov/2026:10:22:44 +0000` */
  time: string;
  /** Epoch milliseconds. */
  timeEpoch: number;
}

/** The event a function behind a Function URL receives (payload format 2.0). */
export interface HttpEventV2 {
  version: "2.0";
  routeKey: "$default";
  rawPath: string;
  rawQueryString: string;
  /** Present only when the request carried cookies. */
  cookies?: string[];
  headers: Record<string, string>;
  /** Present only when the request had a query. */
  queryStringParameters?: Record<string, string>;
  requestContext: HttpEventV2RequestContext;
  /** Absent when the request body is empty. */
  body?: string;
  isBase64Encoded: boolean;
}

/** A structured result a function may return to shape its HTTP response. */
export interface HttpResultV2 {
  statusCode: number;
  headers?: Record<string, string | number | boolean>;
  multiValueHeaders?: Record<string, Array<string | number | boolean>>;
  cookies?: string[];
  body?: string;
  isBase64Encoded?: boolean;
}

/** An HTTP response as plain parts, ready for `new Response` (see {@link toHttpResponse}). */
export interface HttpResponseParts {
  status: number;
  headers: Headers;
  body: Uint8Array;
}

export interface ToHttpEventOptions {
  /** The path as sent, percent-encoding intact, with any routing prefix already removed. */
  rawPath: string;
  /** The complete request body. */
  body: Uint8Array;
  /** Id of this invocation, as the runtime sees it. */
  requestId: string;
  /** Peer address; default `127.0.0.1`. */
  sourceIp?: string;
  /** Default `anonymous` (auth type NONE). */
  accountId?: string;
  /** Default: `domainPrefix`, as on AWS where both are the URL id. */
  apiId?: string;
  /** Default: the request URL's host name (no port). */
  domainName?: string;
  /** Request time in epoch ms; default `Date.now()`. */
  now?: number;
  /**
   * The request's header lines in arrival order, when the server exposes them (e.g. `node:http`'s
   * `rawHeaders` as pairs). With them, repeated headers are joined with `,` exactly as AWS does;
   * without them, the web `Headers` of the request are used, where the engine already joined
   * repeats (with `, `).
   */
  rawHeaders?: ReadonlyArray<readonly [string, string]>;
}

import { base64ToBytes, bytesToBase64 } from "./base64.ts";
import {
  appendCookies,
  appendHeader,
  appendHeaders,
  checkStatus,
  describe,
  HttpResultError,
} from "./http-result-fields.ts";

export { bytesToBase64 } from "./base64.ts";
export { HttpResultError } from "./http-result-fields.ts";

const textDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const textEncoder = new TextEncoder();

/** Maps an HTTP request to a payload 2.0 event. */
export function toHttpEvent(request: Request, opts: ToHttpEventOptions): HttpEventV2 {
  const url = request.url;
  const query = url.indexOf("?");
  let rawQueryString = "";
  if (query >= 0) {
    // A server never sees a fragment, but a Request built in code may carry one.
    const hash = url.indexOf("#", query);
    rawQueryString = url.slice(query + 1, hash < 0 ? undefined : hash);
  }

  // Header names and query keys come from the client and may be `__proto__` or `constructor`:
  // objects without a prototype keep them as plain entries.
  const headers: Record<string, string> = Object.create(null);
  // Each Cookie header line is split on its own: joined with `,` they could not be told apart.
  const cookies: string[] = [];
  const addCookies = (line: string) => {
    for (const part of line.split(";")) {
      const cookie = part.trim();
      if (cookie.length > 0) cookies.push(cookie);
    }
  };
  if (opts.rawHeaders) {
    for (const [name, value] of opts.rawHeaders) {
      const key = name.toLowerCase();
      const prior = headers[key];
      headers[key] = prior === undefined ? value : `${prior},${value}`;
      if (key === "cookie") addCookies(value);
    }
  } else {
    // Node and Bun join repeated Cookie lines with `; `, which the split handles; Deno joins them
    // with `, `. Clients send a single line (RFC 6265), and `rawHeaders` settles the rest.
    for (const [key, value] of request.headers) headers[key] = value;
    if (headers.cookie !== undefined) addCookies(headers.cookie);
  }

  const domainName = opts.domainName ?? hostnameOf(url);
  const dot = domainName.indexOf(".");
  const domainPrefix = dot < 0 ? domainName : domainName.slice(0, dot);
  const now = opts.now ?? Date.now();

  let queryStringParameters: Record<string, string> | undefined;
  if (rawQueryString !== "") {
    queryStringParameters = Object.create(null) as Record<string, string>;
    for (const [key, value] of new URLSearchParams(rawQueryString)) {
      const prior = queryStringParameters[key];
      queryStringParameters[key] = prior === undefined ? value : `${prior},${value}`;
    }
  }

  let body: string | undefined;
  let isBase64Encoded = false;
  if (opts.body.length > 0) {
    body = isTextContentType(headers["content-type"]) ? decodeUtf8(opts.body) : undefined;
    if (body === undefined) {
      body = bytesToBase64(opts.body);
      isBase64Encoded = true;
    }
  }

  // Keys in AWS's order, and optional ones absent rather than undefined, so the JSON the runtime
  // receives reads like a real event.
  return {
    version: "2.0",
    routeKey: "$default",
    rawPath: opts.rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: opts.accountId ?? "anonymous",
      apiId: opts.apiId ?? domainPrefix,
      domainName,
      domainPrefix,
      http: {
        method: request.method,
        path: opts.rawPath,
        protocol: "HTTP/1.1",
        sourceIp: opts.sourceIp ?? "127.0.0.1",
        userAgent: headers["user-agent"] ?? "",
      },
      requestId: opts.requestId,
      routeKey: "$default",
      stage: "$default",
      time: formatRequestTime(now),
      timeEpoch: now,
    },
    ...(body !== undefined ? { body } : {}),
    isBase64Encoded,
  };
}

/** True when a request body of this Content-Type reaches the function as text (see top of file). */
export function isTextContentType(contentType: string | null | undefined): boolean {
  if (!contentType) return false;
  const semi = contentType.indexOf(";");
  const media = (semi < 0 ? contentType : contentType.slice(0, semi)).trim().toLowerCase();
  return media.startsWith("text/") || TEXT_MEDIA_TYPES.has(media);
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** `requestContext.time`: `27/Nov/2026:10:22:44 +0000` (always UTC). */
export function formatRequestTime(epochMs: number): string {
  const d = new Date(epochMs);
  const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
  return (
    `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} +0000`
  );
}

function hostnameOf(url: string): string {
  try {
    return new URL(url).hostname;
  } catch {
    return "localhost";
  }
}

function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return textDecoder.decode(bytes);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Function result → HTTP response
// ---------------------------------------------------------------------------------------------

/**
 * Maps what a function returned (its response JSON, parsed) to an HTTP response:
 * - an object with `statusCode`: that status, `headers`, `multiValueHeaders`, each `cookies` entry
 *   as its own `set-cookie`, and `body` (base64-decoded when `isBase64Encoded`);
 * - anything else (a string, number, array, `null`, an object without `statusCode`): 200,
 *   `content-type: application/json`, body = the value as JSON. So a returned string reaches the
 *   client JSON-quoted, as AWS documents (`"Hello, world!"` → body `"Hello, world!"` with quotes).
 *   `undefined` (an empty response) gives an empty body.
 *
 * Throws {@link HttpResultError} when the result claims to be structured but is malformed
 * (`statusCode` not an integer 200–599, a non-string `body`, bad headers or cookies, bad base64);
 * answer {@link badGatewayResult} then.
 */
export function fromHttpResult(result: unknown): HttpResponseParts {
  if (!isStructured(result)) {
    const headers = new Headers({ "content-type": JSON_CONTENT_TYPE });
    const json = result === undefined ? "" : JSON.stringify(result);
    return { status: 200, headers, body: textEncoder.encode(json) };
  }
  const status = checkStatus(result.statusCode, "statusCode");
  const headers = new Headers();
  appendHeaders(headers, result.headers, "headers");
  const multi = result.multiValueHeaders;
  if (multi !== undefined && multi !== null) {
    if (typeof multi !== "object" || Array.isArray(multi)) {
      throw new HttpResultError(`multiValueHeaders must be an object of arrays, got ${describe(multi)}`);
    }
    for (const [name, values] of Object.entries(multi)) {
      if (!Array.isArray(values)) {
        throw new HttpResultError(`multiValueHeaders["${name}"] must be an array, got ${describe(values)}`);
      }
      for (const value of values) appendHeader(headers, name, value, `multiValueHeaders["${name}"]`);
    }
  }
  appendCookies(headers, result.cookies);

  let body: Uint8Array;
  const raw = result.body;
  if (raw === undefined || raw === null) {
    body = new Uint8Array(0);
  } else if (typeof raw !== "string") {
    throw new HttpResultError(`body must be a string, got ${describe(raw)}`);
  } else if (result.isBase64Encoded === true) {
    body = base64ToBytes(raw, "body");
  } else {
    body = textEncoder.encode(raw);
  }
  return { status, headers, body };
}

/** The 502 Function URLs answer when a function failed or returned something unusable. */
export function badGatewayResult(): HttpResponseParts {
  return {
    status: 502,
    headers: new Headers({ "content-type": JSON_CONTENT_TYPE }),
    body: textEncoder.encode(BAD_GATEWAY_BODY),
  };
}

/** Body of {@link badGatewayResult}. */
export const BAD_GATEWAY_BODY = '{"message":"Internal Server Error"}';

// Statuses whose responses must not carry a body (`new Response` throws otherwise).
const NULL_BODY_STATUSES = new Set([101, 103, 204, 205, 304]);

/** Builds a web `Response` from parts, leaving the body out where HTTP forbids one. */
export function toHttpResponse(parts: HttpResponseParts): Response {
  const body = NULL_BODY_STATUSES.has(parts.status) ? null : parts.body;
  return new Response(body as BodyInit | null, { status: parts.status, headers: parts.headers });
}

type Structured = { statusCode: unknown } & Record<string, unknown>;

function isStructured(value: unknown): value is Structured {
  return typeof value === "object" && value !== null && !Array.isArray(value) && "statusCode" in value;
}

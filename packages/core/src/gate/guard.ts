/**
 * The gate in front of both listeners: every request passes header limits, the Host check (while
 * bound to loopback), the Origin check and — where credentials are configured — SigV4, before the
 * Invoke API or a Function URL sees it. Nothing runs for a refused request.
 */
import { H_AMZN_ERROR_TYPE } from "@lambkin/protocol";
import { readBody } from "../body.ts";
import type { FetchHandler } from "../platform.ts";
import { pathnameOf } from "../request-url.ts";
import { isLoopbackAddress, type ResolvedAccess, type ResolvedFunctionUrl } from "./access-config.ts";
import { INVOKE_API_EXPOSED_HEADERS, isPreflight, preflightResponse, withCorsHeaders } from "./cors.ts";
import { checkHeaderLimits, checkHost, checkOrigin, originAllowed, type Refusal } from "./request-checks.ts";
import { type SignatureFailure, verifySignature } from "./sigv4.ts";

export interface GateContext {
  /** The address lambkin listens on: the Host check applies only on loopback. */
  host: string;
  /** Read per request, so a reconfigured lambkin is guarded by its new settings. */
  access(): ResolvedAccess;
}

/** Largest body read to check a signature (the Invoke API's own limit is 6 MB). */
const MAX_SIGNED_BODY_BYTES = 6 * 1024 * 1024 + 1024;

const jsonHeaders = { "content-type": "application/json" };

function pathAndQuery(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  return start < 0 ? "/" : url.slice(start);
}

/** The checks both listeners share; undefined lets the request on to the Origin check. */
function commonChecks(request: Request, ctx: GateContext, loopback: boolean): Refusal | undefined {
  return (
    checkHeaderLimits(request, pathAndQuery(request.url)) ??
    (loopback ? checkHost(request, ctx.access().allowedHosts) : undefined)
  );
}

/** Reads the body once and hands the handler an equivalent request, for signature checks. */
async function withBody(request: Request): Promise<{ request: Request; body: Uint8Array } | undefined> {
  const body = await readBody(request, MAX_SIGNED_BODY_BYTES);
  if (body === undefined) return undefined;
  const hasBody = request.method !== "GET" && request.method !== "HEAD";
  return {
    body,
    request: new Request(request.url, {
      method: request.method,
      headers: request.headers,
      body: hasBody ? (body as BodyInit) : null,
    }),
  };
}

// --- Invoke API ------------------------------------------------------------------------------

function invokeApiError(status: number, errorType: string, message: string): Response {
  return new Response(JSON.stringify({ Type: "User", message }), {
    status,
    headers: { ...jsonHeaders, [H_AMZN_ERROR_TYPE]: errorType },
  });
}

const signatureError = (failure: SignatureFailure) => invokeApiError(403, failure.errorType, failure.message);

export function guardInvokeApi(handler: FetchHandler, ctx: GateContext): FetchHandler {
  const loopback = isLoopbackAddress(ctx.host);
  return async (request, info) => {
    const refused = commonChecks(request, ctx, loopback);
    if (refused) {
      return refused.status === 431
        ? invokeApiError(431, "RequestHeaderFieldsTooLarge", refused.reason)
        : invokeApiError(403, "AccessDeniedException", refused.reason);
    }
    const access = ctx.access();
    const originRefused = checkOrigin(request, access.allowedOrigins);
    if (originRefused) return invokeApiError(403, "AccessDeniedException", originRefused.reason);
    const origin = request.headers.get("origin");
    // An allowed origin's browser (the AWS SDK in a web app) gets CORS answers.
    if (origin !== null && isPreflight(request)) {
      return new Response(null, {
        status: 200,
        headers: {
          "access-control-allow-origin": origin,
          "access-control-allow-methods": "GET,POST",
          "access-control-allow-headers": request.headers.get("access-control-request-headers") ?? "",
          "access-control-max-age": "600",
          vary: "Origin",
        },
      });
    }
    let forwarded = request;
    if (access.auth) {
      const read = await withBody(request);
      if (!read)
        return invokeApiError(
          413,
          "RequestTooLargeException",
          "Request must be smaller than 6291456 bytes for the InvokeFunction operation",
        );
      const failure = await verifySignature(read.request, read.body, access.auth);
      if (failure) return signatureError(failure);
      forwarded = read.request;
    }
    const response = await handler(forwarded, info);
    if (origin === null || !originAllowed(origin, request, access.allowedOrigins)) return response;
    const headers = new Headers(response.headers);
    headers.set("access-control-allow-origin", origin);
    headers.set("access-control-expose-headers", INVOKE_API_EXPOSED_HEADERS);
    headers.append("vary", "Origin");
    return new Response(response.body, { status: response.status, headers });
  };
}

// --- Function URLs ---------------------------------------------------------------------------

/** Function URL errors are `{"Message": …}` as AWS's front writes them. */
function urlError(status: number, message: string): Response {
  return new Response(JSON.stringify({ Message: message }), { status, headers: jsonHeaders });
}

export interface FunctionUrlGateContext extends GateContext {
  /** The Function URL settings of the function a request names, when it exists. */
  urlConfigOf(functionName: string): ResolvedFunctionUrl | undefined;
  /** Origins the API Gateway routes' own CORS settings allow (routes share this listener). */
  routeOrigins(): string[];
}

export function guardFunctionUrls(handler: FetchHandler, ctx: FunctionUrlGateContext): FetchHandler {
  const loopback = isLoopbackAddress(ctx.host);
  return async (request, info) => {
    const refused = commonChecks(request, ctx, loopback);
    if (refused)
      return urlError(
        refused.status,
        refused.status === 431 ? refused.reason : `Forbidden. ${refused.reason}`,
      );
    const access = ctx.access();
    const path = pathnameOf(request.url);
    const slash = path.indexOf("/", 1);
    let name: string;
    try {
      name = decodeURIComponent(path.slice(1, slash < 0 ? undefined : slash));
    } catch {
      name = "";
    }
    const url = ctx.urlConfigOf(name);
    const cors = url?.cors;
    const origin = request.headers.get("origin");
    // The function's own CORS origins are allowed for its URL, besides lambkin's list.
    const allowed = [...access.allowedOrigins, ...(cors?.allowOrigins ?? []), ...ctx.routeOrigins()];
    const originRefused = checkOrigin(request, allowed);
    if (originRefused) return urlError(403, `Forbidden. ${originRefused.reason}`);
    if (cors && isPreflight(request)) return preflightResponse(cors, request);

    let forwarded = request;
    if (url?.authType === "AWS_IAM" && access.auth) {
      const read = await withBody(request);
      if (!read) return urlError(413, "Request Entity Too Large");
      const failure = await verifySignature(read.request, read.body, access.auth);
      if (failure) {
        return failure.errorType === "MissingAuthenticationTokenException"
          ? urlError(403, "Forbidden")
          : new Response(JSON.stringify({ message: failure.message }), { status: 403, headers: jsonHeaders });
      }
      forwarded = read.request;
    }
    const response = await handler(forwarded, info);
    return cors ? withCorsHeaders(response, cors, origin) : response;
  };
}

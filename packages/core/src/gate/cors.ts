/**
 * CORS as Lambda applies a Function URL's `Cors` settings: Lambda itself answers the preflight
 * (the function does not run) and sets the CORS headers of every response, over any the function
 * returned. Without `Cors` settings both pass to the function untouched, as on AWS.
 */
import type { ResolvedCors } from "./access-config.ts";

const CORS_RESPONSE_HEADERS = [
  "access-control-allow-origin",
  "access-control-allow-credentials",
  "access-control-expose-headers",
  "access-control-allow-methods",
  "access-control-allow-headers",
  "access-control-max-age",
];

/** The `Access-Control-Allow-Origin` value for `origin`, or undefined when CORS does not allow it. */
export function corsOrigin(cors: ResolvedCors, origin: string): string | undefined {
  const o = origin.toLowerCase();
  if (cors.allowOrigins.includes(o)) return origin;
  // A wildcard answers `*`, except with credentials, where browsers require the origin itself.
  if (cors.allowOrigins.includes("*")) return cors.allowCredentials ? origin : "*";
  return undefined;
}

/** True for a CORS preflight: OPTIONS with an Origin and the method the page wants to use. */
export function isPreflight(request: Request): boolean {
  return (
    request.method === "OPTIONS" &&
    request.headers.has("origin") &&
    request.headers.has("access-control-request-method")
  );
}

/** Lambda's answer to a preflight for a function with CORS settings. */
export function preflightResponse(cors: ResolvedCors, request: Request): Response {
  const headers = new Headers({ vary: "Origin" });
  const allowOrigin = corsOrigin(cors, request.headers.get("origin")!);
  if (allowOrigin !== undefined) {
    headers.set("access-control-allow-origin", allowOrigin);
    if (cors.allowMethods.length > 0)
      headers.set("access-control-allow-methods", cors.allowMethods.join(","));
    if (cors.allowHeaders.length > 0)
      headers.set("access-control-allow-headers", cors.allowHeaders.join(","));
    if (cors.allowCredentials) headers.set("access-control-allow-credentials", "true");
    if (cors.maxAge > 0) headers.set("access-control-max-age", String(cors.maxAge));
  }
  return new Response(null, { status: 200, headers });
}

/** Sets the CORS headers of a response to a request from `origin`, replacing the function's. */
export function withCorsHeaders(response: Response, cors: ResolvedCors, origin: string | null): Response {
  const headers = new Headers(response.headers);
  for (const name of CORS_RESPONSE_HEADERS) headers.delete(name);
  const allowOrigin = origin === null ? undefined : corsOrigin(cors, origin);
  if (allowOrigin !== undefined) {
    headers.set("access-control-allow-origin", allowOrigin);
    if (cors.exposeHeaders.length > 0)
      headers.set("access-control-expose-headers", cors.exposeHeaders.join(","));
    if (cors.allowCredentials) headers.set("access-control-allow-credentials", "true");
  }
  headers.append("vary", "Origin");
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
}

/** Headers the Invoke API exposes to an allowed browser origin (what the AWS SDK reads). */
export const INVOKE_API_EXPOSED_HEADERS =
  "x-amzn-RequestId,x-amzn-ErrorType,X-Amz-Function-Error,X-Amz-Log-Result,X-Amz-Executed-Version,Content-Type";

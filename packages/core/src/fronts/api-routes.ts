/**
 * Matching a request to an API Gateway route and answering CORS, as API Gateway does: the most
 * specific path wins (a literal segment over `{param}` over greedy `{proxy+}`), then an exact
 * method over `ANY`; `$default` takes what nothing else does. Pure functions, no I/O.
 */
import type { CorsConfig, ResolvedRoute } from "../route-config.ts";

export interface RouteMatch {
  route: ResolvedRoute;
  pathParameters: Record<string, string> | undefined;
}

const RANK = { literal: 0, param: 1, greedy: 2 } as const;

/** Routes in the order they are tried: most specific first, `$default` last. */
export function orderRoutes(routes: readonly ResolvedRoute[]): ResolvedRoute[] {
  return [...routes].sort((a, b) => {
    if (!a.segments || !b.segments) return a.segments ? -1 : b.segments ? 1 : 0;
    const n = Math.max(a.segments.length, b.segments.length);
    for (let i = 0; i < n; i++) {
      const x = a.segments[i];
      const y = b.segments[i];
      if (!x || !y) return x ? -1 : 1;
      const d = RANK[x.kind] - RANK[y.kind];
      if (d !== 0) return d;
    }
    return (a.method === "ANY" ? 1 : 0) - (b.method === "ANY" ? 1 : 0);
  });
}

/** Segments of a request path (percent-encoded), one trailing slash ignored. */
export function pathSegments(path: string): string[] {
  const trimmed = path.length > 1 && path.endsWith("/") ? path.slice(0, -1) : path;
  return trimmed === "/" ? [] : trimmed.slice(1).split("/");
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** Path parameters when `route`'s path matches `parts`; undefined when it does not. */
export function matchPath(
  route: ResolvedRoute,
  parts: readonly string[],
): Record<string, string> | undefined | false {
  const segments = route.segments;
  if (!segments) return undefined;
  let params: Record<string, string> | undefined;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    if (segment.kind === "greedy") {
      // {proxy+} takes one segment or more: `/items/{proxy+}` does not match `/items`.
      if (i >= parts.length) return false;
      params ??= {};
      params[segment.name] = parts.slice(i).map(decode).join("/");
      return params;
    }
    const part = parts[i];
    if (part === undefined) return false;
    if (segment.kind === "literal") {
      if (decode(part) !== segment.text) return false;
    } else {
      params ??= {};
      params[segment.name] = decode(part);
    }
  }
  return parts.length === segments.length ? params : false;
}

/** The route for `method` and `path` among `ordered` routes (see {@link orderRoutes}). */
export function findRoute(
  ordered: readonly ResolvedRoute[],
  method: string,
  path: string,
): RouteMatch | undefined {
  const parts = pathSegments(path);
  for (const route of ordered) {
    if (route.method !== "ANY" && route.method !== method) continue;
    const params = matchPath(route, parts);
    if (params === false) continue;
    return { route, pathParameters: params };
  }
  return undefined;
}

/** The routes whose path matches, whatever their method (for a CORS preflight). */
export function routesAtPath(ordered: readonly ResolvedRoute[], path: string): ResolvedRoute[] {
  const parts = pathSegments(path);
  return ordered.filter((route) => route.segments && matchPath(route, parts) !== false);
}

function allowedOrigin(cors: CorsConfig, origin: string): string | undefined {
  const origins = cors.allowOrigins ?? [];
  if (origins.includes(origin)) return origin;
  // With credentials a browser refuses `*`: the origin itself is sent back, as API Gateway does.
  if (origins.includes("*")) return cors.allowCredentials ? origin : "*";
  return undefined;
}

/**
 * The preflight answer for `OPTIONS` with `Origin` and `Access-Control-Request-Method`, when a
 * route at this path has CORS: 204 with the configured `Access-Control-*` headers (a REST API
 * lists the path's methods when its `Cors` names none, as SAM's generated OPTIONS method does).
 */
export function preflight(routes: readonly ResolvedRoute[], request: Request): Response | undefined {
  const origin = request.headers.get("origin");
  if (origin === null || !request.headers.has("access-control-request-method")) return undefined;
  const withCors = routes.filter((r) => r.cors);
  const cors = withCors[0]?.cors;
  if (!cors) return undefined;
  const headers = new Headers();
  const allow = allowedOrigin(cors, origin);
  if (allow !== undefined) {
    headers.set("access-control-allow-origin", allow);
    const methods = cors.allowMethods ?? [
      ...new Set(routes.map((r) => (r.method === "ANY" ? "*" : r.method)).concat("OPTIONS")),
    ];
    headers.set("access-control-allow-methods", methods.join(","));
    const allowHeaders = cors.allowHeaders;
    if (allowHeaders?.length) headers.set("access-control-allow-headers", allowHeaders.join(","));
    if (cors.maxAge !== undefined) headers.set("access-control-max-age", String(cors.maxAge));
    if (cors.allowCredentials) headers.set("access-control-allow-credentials", "true");
    if (allow !== "*") headers.set("vary", "Origin");
  }
  return new Response(null, { status: 204, headers });
}

/** An HTTP API adds its CORS headers to every answer to an allowed origin (a REST API leaves that to the function). */
export function addCorsHeaders(route: ResolvedRoute, request: Request, headers: Headers): void {
  const origin = request.headers.get("origin");
  if (route.api !== "http" || !route.cors || origin === null) return;
  const allow = allowedOrigin(route.cors, origin);
  if (allow === undefined) return;
  headers.set("access-control-allow-origin", allow);
  if (route.cors.exposeHeaders?.length)
    headers.set("access-control-expose-headers", route.cors.exposeHeaders.join(","));
  if (route.cors.allowCredentials) headers.set("access-control-allow-credentials", "true");
  if (allow !== "*") headers.append("vary", "Origin");
}

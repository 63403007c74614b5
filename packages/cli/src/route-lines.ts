/**
 * The routes a started lambkin serves, as the ready output lists them: one line each with the
 * URL to call, and the collisions with Function URL paths said at start.
 */
import type { Lambkin } from "@lambkin/core";
import { routeCollisions } from "@lambkin/core";

export interface RouteInfo {
  method: string;
  path: string;
  function: string;
  api: "rest" | "http";
  payloadFormat: "1.0" | "2.0";
  /** The URL to call (path parameters left as written, `{id}`). */
  url: string;
}

export function routeInfo(lambkin: Lambkin, functionUrl: string): RouteInfo[] {
  return lambkin.config.routes.map((r) => ({
    method: r.method,
    path: r.path,
    function: r.function,
    api: r.api,
    payloadFormat: r.payloadFormat,
    url: r.path === "$default" ? `${functionUrl}/` : `${functionUrl}${r.path}`,
  }));
}

/** `  GET    /items/{id}  → GetItem  (REST API, payload 1.0)  http://127.0.0.1:3000/items/{id}` */
export function routeLines(routes: readonly RouteInfo[]): string[] {
  const width = (pick: (r: RouteInfo) => string) => Math.max(...routes.map((r) => pick(r).length));
  const m = width((r) => r.method);
  const p = width((r) => r.path);
  const f = width((r) => r.function);
  return routes.map(
    (r) =>
      `  ${r.method.padEnd(m)}  ${r.path.padEnd(p)}  → ${r.function.padEnd(f)}  (${r.api === "rest" ? "REST API" : "HTTP API"}, payload ${r.payloadFormat})  ${r.url}`,
  );
}

export function collisionWarnings(lambkin: Lambkin): string[] {
  return routeCollisions(lambkin.config.routes, lambkin.config.functions.keys());
}

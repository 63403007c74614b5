/**
 * API Gateway routes in lambkin's config (`routes`), checked whole and compiled for matching: a
 * route names its function, method and path template (`/items/{id}`, greedy `/{proxy+}`, or
 * `$default`), the kind of API (REST → payload 1.0; HTTP API → 2.0 unless it says 1.0), CORS and
 * binary media types.
 */
import { ConfigError } from "./config-error.ts";

/** CORS as API Gateway takes it (HTTP API `CorsConfiguration`, a REST API's `Cors`). */
export interface CorsConfig {
  allowOrigins?: string[];
  allowMethods?: string[];
  allowHeaders?: string[];
  exposeHeaders?: string[];
  /** Seconds a browser may cache the preflight answer. */
  maxAge?: number;
  allowCredentials?: boolean;
}

export interface RouteConfig {
  /** `rest` (API Gateway REST API) or `http` (HTTP API). Default `http`. */
  api?: "rest" | "http";
  /** GET, POST, … or ANY. Default ANY. */
  method?: string;
  /** `/items/{id}`, `/files/{proxy+}` (greedy, last segment only), or `$default` (every request). */
  path: string;
  /** The function the route invokes. */
  function: string;
  /** The event's payload format. Default: `1.0` for REST, `2.0` for HTTP APIs. */
  payloadFormat?: "1.0" | "2.0";
  /** Stage name in the event (`requestContext.stage`). Default `Prod` for REST, `$default` for HTTP. */
  stage?: string;
  /** `requestContext.apiId`. Default: a fixed id per kind of API. */
  apiId?: string;
  cors?: CorsConfig;
  /** REST APIs: request bodies of these media types reach the function base64-encoded (`*​/*`, `image/*` allowed). */
  binaryMediaTypes?: string[];
  /** The authorizer the template names; lambkin does not enforce it (said once at start). */
  authorizer?: string;
}

export type Segment =
  | { kind: "literal"; text: string }
  | { kind: "param"; name: string }
  | { kind: "greedy"; name: string };

export interface ResolvedRoute {
  api: "rest" | "http";
  method: string;
  path: string;
  function: string;
  payloadFormat: "1.0" | "2.0";
  stage: string;
  apiId: string;
  cors: CorsConfig | undefined;
  binaryMediaTypes: string[];
  authorizer: string | undefined;
  /** Undefined for `$default`. */
  segments: Segment[] | undefined;
  /** `GET /items/{id}` (or `$default`): the HTTP API's `routeKey`. */
  routeKey: string;
}

const METHODS = ["ANY", "GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
const PARAM = /^\{([A-Za-z0-9_.-]+)(\+?)\}$/;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

export function resolveRoutes(input: unknown, functions: ReadonlyMap<string, unknown>): ResolvedRoute[] {
  if (input === undefined) return [];
  if (!Array.isArray(input))
    throw new ConfigError(`routes must be a list of routes, got ${JSON.stringify(input)}`);
  const seen = new Map<string, number>();
  const routes = input.map((route, i) => {
    const at = `routes[${i}]`;
    if (!isObject(route)) throw new ConfigError(`${at} must be an object, got ${JSON.stringify(route)}`);
    const api = route.api ?? "http";
    if (api !== "rest" && api !== "http")
      throw new ConfigError(`${at}.api must be "rest" or "http", got ${JSON.stringify(api)}`);
    const method =
      typeof route.method === "string"
        ? route.method.toUpperCase()
        : route.method === undefined
          ? "ANY"
          : route.method;
    if (typeof method !== "string" || !METHODS.includes(method)) {
      throw new ConfigError(
        `${at}.method must be one of ${METHODS.join(", ")}, got ${JSON.stringify(route.method)}`,
      );
    }
    if (typeof route.function !== "string" || !functions.has(route.function)) {
      throw new ConfigError(
        `${at}.function must name a function of this config, got ${JSON.stringify(route.function)} (functions: ${[...functions.keys()].join(", ")})`,
      );
    }
    const path = route.path;
    if (typeof path !== "string")
      throw new ConfigError(`${at}.path must be a path such as /items/{id}, got ${JSON.stringify(path)}`);
    const segments = path === "$default" ? undefined : compile(path, at);
    const format = route.payloadFormat ?? (api === "rest" ? "1.0" : "2.0");
    if (format !== "1.0" && format !== "2.0")
      throw new ConfigError(`${at}.payloadFormat must be "1.0" or "2.0", got ${JSON.stringify(format)}`);
    if (api === "rest" && format !== "1.0")
      throw new ConfigError(`${at}: a REST API sends payload format 1.0 only`);
    const text = (key: string, fallback: string) => {
      const v = route[key];
      if (v === undefined) return fallback;
      if (typeof v !== "string" || v === "")
        throw new ConfigError(`${at}.${key} must be a non-empty string, got ${JSON.stringify(v)}`);
      return v;
    };
    const binary = route.binaryMediaTypes ?? [];
    if (!Array.isArray(binary) || binary.some((t) => typeof t !== "string")) {
      throw new ConfigError(
        `${at}.binaryMediaTypes must be a list of media types, got ${JSON.stringify(binary)}`,
      );
    }
    if (route.cors !== undefined && !isObject(route.cors))
      throw new ConfigError(`${at}.cors must be an object, got ${JSON.stringify(route.cors)}`);
    // Two templates of one path with different parameter names still match the same requests.
    const shape = segments
      ? segments.map((s) => (s.kind === "literal" ? s.text : s.kind === "param" ? "{}" : "{+}")).join("/")
      : "$default";
    const key = `${method} /${shape}`;
    const prior = seen.get(key);
    if (prior !== undefined) {
      throw new ConfigError(
        `${at}: ${method} ${path} is already routes[${prior}] (${(input[prior] as { function: string }).function}); each method and path may have one route`,
      );
    }
    seen.set(key, i);
    const resolved: ResolvedRoute = {
      api,
      method,
      path,
      function: route.function,
      payloadFormat: format,
      stage: text("stage", api === "rest" ? "Prod" : "$default"),
      apiId: text("apiId", api === "rest" ? "lambkinrest" : "lambkinhttp"),
      cors: route.cors as CorsConfig | undefined,
      binaryMediaTypes: binary as string[],
      authorizer: typeof route.authorizer === "string" ? route.authorizer : undefined,
      segments,
      routeKey: path === "$default" ? "$default" : `${method} ${path}`,
    };
    return resolved;
  });
  return routes;
}

function compile(path: string, at: string): Segment[] {
  if (!path.startsWith("/")) throw new ConfigError(`${at}.path must start with "/", got "${path}"`);
  const parts = path === "/" ? [] : path.slice(1).replace(/\/$/, "").split("/");
  return parts.map((part, i) => {
    const param = PARAM.exec(part);
    if (param) {
      if (param[2] === "+" && i !== parts.length - 1) {
        throw new ConfigError(
          `${at}.path: the greedy parameter {${param[1]}+} must be the last segment, in "${path}"`,
        );
      }
      return param[2] === "+" ? { kind: "greedy", name: param[1]! } : { kind: "param", name: param[1]! };
    }
    if (part === "" || part.includes("{") || part.includes("}")) {
      throw new ConfigError(`${at}.path: "${part}" is not a path segment or a {parameter}, in "${path}"`);
    }
    return { kind: "literal", text: part };
  });
}

/**
 * Routes that take requests meant for the Function URL paths `/<function>/…` (a route's first
 * segment is a function's name, or a parameter matches every first segment), for one line each at
 * start: routes come first, so those Function URLs are reachable only through their own routes.
 */
export function routeCollisions(routes: readonly ResolvedRoute[], functionNames: Iterable<string>): string[] {
  const out: string[] = [];
  const names = [...functionNames];
  for (const route of routes) {
    // `/` alone matches only the root, which names no function.
    if (route.segments?.length === 0) continue;
    const first = route.segments?.[0];
    const shadowed = first?.kind !== "literal" ? names : names.filter((n) => n === first.text);
    if (shadowed.length === 0) continue;
    const what =
      shadowed.length === names.length && shadowed.length > 1
        ? "every function's Function URL path"
        : shadowed.map((n) => `/${n}/…`).join(", ");
    out.push(
      `route ${route.routeKey} (${route.function}) takes requests for ${what}; the route is served first`,
    );
  }
  return out;
}

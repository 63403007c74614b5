/**
 * API Gateway routes from a SAM template, as `sam local start-api` serves them: each function's
 * `Events` of type `Api` (REST API, payload 1.0) and `HttpApi` (HTTP API, payload 2.0 unless
 * `PayloadFormatVersion` says 1.0), with the settings of the API they belong to (an explicit
 * `AWS::Serverless::Api`/`HttpApi`, or the implicit one, with `Globals.Api`/`Globals.HttpApi`).
 */
import type { CorsConfig, RouteConfig } from "@lambkin/core";
import { httpCors } from "./cors.ts";
import { TemplateError } from "./errors.ts";
import { mergeGlobals, type Reporter, type TemplateFunction } from "./functions.ts";
import { type ResolveContext, resolveValue, Unresolved } from "./intrinsics.ts";

const REST_API = "AWS::Serverless::Api";
const HTTP_API = "AWS::Serverless::HttpApi";
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "ANY"]);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

interface ApiSettings {
  id: string;
  stage: string;
  cors?: CorsConfig;
  binaryMediaTypes?: string[];
  defaultAuthorizer?: string;
}

export function routesOf(
  functions: readonly TemplateFunction[],
  template: Record<string, unknown>,
  ctx: ResolveContext,
  report: Reporter,
): RouteConfig[] {
  const globals = isObject(template.Globals) ? template.Globals : {};
  const apis = new Map<string, ApiSettings>();
  const apiSettings = (id: string, kind: "rest" | "http"): ApiSettings => {
    const known = apis.get(id);
    if (known) return known;
    const resource = ctx.resources[id] as { Type?: unknown; Properties?: unknown } | undefined;
    const raw = mergeGlobals(
      kind === "rest" ? globals.Api : globals.HttpApi,
      isObject(resource?.Properties) ? resource.Properties : {},
    );
    const props = resolveValue(raw ?? {}, ctx, { logicalId: id, property: "Properties" }) as Record<
      string,
      unknown
    >;
    const settings: ApiSettings = {
      id,
      stage: typeof props.StageName === "string" ? props.StageName : kind === "rest" ? "Prod" : "$default",
    };
    const cors = kind === "rest" ? restCors(props.Cors) : httpCors(props.CorsConfiguration);
    if (cors) settings.cors = cors;
    if (Array.isArray(props.BinaryMediaTypes)) {
      // SAM writes `~1` for `/` in binary media types (a JSON-pointer escape): image~1png.
      settings.binaryMediaTypes = props.BinaryMediaTypes.filter(
        (t): t is string => typeof t === "string",
      ).map((t) => t.replace(/~1/g, "/"));
    }
    const auth = isObject(props.Auth) ? props.Auth : undefined;
    if (typeof auth?.DefaultAuthorizer === "string" && auth.DefaultAuthorizer !== "NONE") {
      settings.defaultAuthorizer = auth.DefaultAuthorizer;
    }
    apis.set(id, settings);
    return settings;
  };

  const routes: RouteConfig[] = [];
  const seen = new Map<string, string>();
  for (const fn of functions) {
    const events = isObject(fn.properties.Events) ? fn.properties.Events : {};
    for (const [eventId, event] of Object.entries(events)) {
      if (!isObject(event) || (event.Type !== "Api" && event.Type !== "HttpApi")) continue;
      const kind = event.Type === "Api" ? "rest" : "http";
      const property = `Properties.Events.${eventId}.Properties`;
      const error = (key: string, message: string) =>
        new TemplateError(ctx.file, fn.logicalId, `${property}.${key}`, message);
      const props = isObject(event.Properties) ? event.Properties : {};
      const apiRef = kind === "rest" ? props.RestApiId : props.ApiId;
      const apiId =
        apiRef === undefined
          ? kind === "rest"
            ? "ServerlessRestApi"
            : "ServerlessHttpApi"
          : apiIdOf(apiRef, ctx);
      if (apiId === undefined) {
        throw error(
          kind === "rest" ? "RestApiId" : "ApiId",
          `must refer to an ${kind === "rest" ? REST_API : HTTP_API} of this template, got ${JSON.stringify(apiRef)}`,
        );
      }
      const api = apiSettings(apiId, kind);
      let path = props.Path;
      let method = props.Method;
      if (kind === "http" && path === undefined && method === undefined) {
        // An HttpApi event without Path and Method is the API's $default route: every request.
        path = "$default";
        method = "ANY";
      }
      if (path instanceof Unresolved || method instanceof Unresolved) {
        report.unresolved(
          { logicalId: fn.logicalId, property },
          (path instanceof Unresolved ? path : method) as Unresolved,
        );
        continue;
      }
      if (typeof path !== "string" || (path !== "$default" && !path.startsWith("/"))) {
        throw error(
          "Path",
          `must be a path starting with "/" (e.g. /items/{id}), got ${JSON.stringify(path)}`,
        );
      }
      if (
        typeof method !== "string" ||
        !METHODS.has(method.toUpperCase().replace(/^X-AMAZON-APIGATEWAY-ANY-METHOD$/, "ANY"))
      ) {
        throw error("Method", `must be one of ${[...METHODS].join(", ")}, got ${JSON.stringify(method)}`);
      }
      method = method.toUpperCase().replace(/^X-AMAZON-APIGATEWAY-ANY-METHOD$/, "ANY");
      const format = props.PayloadFormatVersion;
      if (format !== undefined && format !== "1.0" && format !== "2.0") {
        throw error("PayloadFormatVersion", `must be "1.0" or "2.0", got ${JSON.stringify(format)}`);
      }
      const key = `${method} ${path}`;
      const prior = seen.get(key);
      if (prior) {
        throw error(
          "Path",
          `the route ${key} is also declared by ${prior}; each method and path may have one function`,
        );
      }
      seen.set(key, `${fn.logicalId}.Events.${eventId}`);
      const route: RouteConfig = {
        api: kind,
        method: method as string,
        path,
        function: fn.name,
        payloadFormat: (format as "1.0" | "2.0" | undefined) ?? (kind === "rest" ? "1.0" : "2.0"),
        stage: api.stage,
        apiId: api.id,
      };
      if (api.cors) route.cors = api.cors;
      if (api.binaryMediaTypes) route.binaryMediaTypes = api.binaryMediaTypes;
      const auth = isObject(props.Auth) ? props.Auth.Authorizer : undefined;
      const authorizer =
        auth === undefined ? api.defaultAuthorizer : auth === "NONE" ? undefined : String(auth);
      if (authorizer) {
        route.authorizer = authorizer;
        report.warn(
          `${ctx.file}: ${fn.logicalId}: route ${key} has the authorizer ${authorizer}, which lambkin does not enforce: every request reaches the function`,
        );
      }
      routes.push(route);
    }
  }
  return routes;
}

function apiIdOf(ref: unknown, ctx: ResolveContext): string | undefined {
  // Ref to an API resolves to its logical id (refOf), so the resolved value names the resource.
  return typeof ref === "string" && ctx.resources[ref] !== undefined ? ref : undefined;
}

/** REST API `Cors`: `"'*'"`, or `{AllowOrigin, AllowMethods, AllowHeaders, MaxAge, AllowCredentials}` with quoted values. */
function restCors(cors: unknown): CorsConfig | undefined {
  if (cors === undefined || cors === null) return undefined;
  const unquote = (v: unknown) => (typeof v === "string" ? v.replace(/^'(.*)'$/, "$1") : undefined);
  const list = (v: unknown) =>
    unquote(v)
      ?.split(",")
      .map((s) => s.trim())
      .filter(Boolean);
  if (typeof cors === "string") return { allowOrigins: [unquote(cors)!] };
  if (!isObject(cors)) return undefined;
  const out: CorsConfig = { allowOrigins: list(cors.AllowOrigin) ?? ["*"] };
  const methods = list(cors.AllowMethods);
  if (methods) out.allowMethods = methods;
  const headers = list(cors.AllowHeaders);
  if (headers) out.allowHeaders = headers;
  const maxAge = unquote(cors.MaxAge) ?? (typeof cors.MaxAge === "number" ? String(cors.MaxAge) : undefined);
  if (maxAge !== undefined && Number.isInteger(Number(maxAge))) out.maxAge = Number(maxAge);
  if (cors.AllowCredentials === true) out.allowCredentials = true;
  return out;
}

/**
 * API Gateway routes written as plain CloudFormation, as CDK synthesizes them (`LambdaRestApi`,
 * `RestApi` + `LambdaIntegration`, `HttpApi` + `HttpLambdaIntegration`):
 * - REST: `AWS::ApiGateway::Method` with an `AWS_PROXY` integration, its path rebuilt from the
 *   `AWS::ApiGateway::Resource` chain (`PathPart`, `ParentId`), its stage from `AWS::ApiGateway::Stage`;
 * - HTTP: `AWS::ApiGatewayV2::Route` (`RouteKey`) whose `Target` is an `AWS::ApiGatewayV2::Integration`.
 * The function is the one whose `Arn` the integration's URI names.
 */
import type { RouteConfig } from "@lambkin/core";
import { httpCors } from "./cors.ts";
import { TemplateError } from "./errors.ts";
import type { Reporter, Resource } from "./functions.ts";
import { type ResolveContext, resolveValue } from "./intrinsics.ts";

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The logical id of the function a raw (unresolved) value refers to with `Fn::GetAtt X.Arn` or `${X.Arn}`. */
function functionIn(value: unknown, isFunction: (id: string) => boolean): string | undefined {
  if (typeof value === "string") {
    const sub = /\$\{([A-Za-z0-9]+)\.Arn\}/.exec(value);
    return sub && isFunction(sub[1]!) ? sub[1] : undefined;
  }
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = functionIn(item, isFunction);
      if (found) return found;
    }
    return undefined;
  }
  if (!isObject(value)) return undefined;
  const getAtt = value["Fn::GetAtt"];
  if (getAtt !== undefined) {
    const [id, attribute] = typeof getAtt === "string" ? getAtt.split(".") : (getAtt as unknown[]);
    if (attribute === "Arn" && typeof id === "string" && isFunction(id)) return id;
  }
  for (const inner of Object.values(value)) {
    const found = functionIn(inner, isFunction);
    if (found) return found;
  }
  return undefined;
}

/** The id a `Ref` (or `Fn::GetAtt [X, …]`) names, unresolved. */
function refId(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  if (typeof value.Ref === "string") return value.Ref;
  const getAtt = value["Fn::GetAtt"];
  if (Array.isArray(getAtt) && typeof getAtt[0] === "string") return getAtt[0];
  return undefined;
}

export function cfnRoutesOf(
  resources: Readonly<Record<string, Resource>>,
  functionNames: ReadonlyMap<string, string>,
  ctx: ResolveContext,
  report: Reporter,
): RouteConfig[] {
  const isFunction = (id: string) => functionNames.has(id);
  const props = (id: string) => {
    const p = resources[id]?.Properties;
    return isObject(p) ? p : {};
  };
  const byType = (type: string) => Object.keys(resources).filter((id) => resources[id]?.Type === type);
  const routes: RouteConfig[] = [];

  // REST APIs: a method's path is its resource's PathPart after its parents' (the root has none).
  const pathOf = (resourceId: string | undefined, apiId: string, seen = 0): string => {
    if (resourceId === undefined || resourceId === apiId || seen > 50) return "";
    const resource = props(resourceId);
    return `${pathOf(refId(resource.ParentId), apiId, seen + 1)}/${String(resource.PathPart)}`;
  };
  const stages = new Map<string, string>();
  for (const id of byType("AWS::ApiGateway::Stage")) {
    const p = resolveValue(props(id), ctx, { logicalId: id, property: "Properties" }) as Record<
      string,
      unknown
    >;
    const api = refId(props(id).RestApiId);
    if (api && typeof p.StageName === "string") stages.set(api, p.StageName);
  }
  for (const id of byType("AWS::ApiGateway::Method")) {
    const p = props(id);
    const integration = isObject(p.Integration) ? p.Integration : {};
    if (integration.Type !== "AWS_PROXY") continue;
    const fn = functionIn(integration.Uri, isFunction);
    if (!fn) continue;
    const api = refId(p.RestApiId);
    if (!api)
      throw new TemplateError(
        ctx.file,
        id,
        "Properties.RestApiId",
        "must refer to an AWS::ApiGateway::RestApi of this template",
      );
    const resource = refId(p.ResourceId);
    const path = pathOf(resource === api ? undefined : resource, api) || "/";
    const method = String(
      resolveValue(p.HttpMethod, ctx, { logicalId: id, property: "Properties.HttpMethod" }),
    ).toUpperCase();
    const apiProps = resolveValue(props(api), ctx, { logicalId: api, property: "Properties" }) as Record<
      string,
      unknown
    >;
    const route: RouteConfig = {
      api: "rest",
      method,
      path,
      function: functionNames.get(fn)!,
      payloadFormat: "1.0",
      stage: stages.get(api) ?? "prod",
      apiId: api,
    };
    if (Array.isArray(apiProps.BinaryMediaTypes))
      route.binaryMediaTypes = apiProps.BinaryMediaTypes.map(String);
    if (typeof p.AuthorizationType === "string" && p.AuthorizationType !== "NONE") {
      route.authorizer = p.AuthorizationType;
      report.warn(
        `${ctx.file}: ${id}: route ${method} ${path} has authorization ${p.AuthorizationType}, which lambkin does not enforce: every request reaches the function`,
      );
    }
    routes.push(route);
  }

  // HTTP APIs: RouteKey is "METHOD /path" or "$default"; Target is "integrations/<IntegrationId>".
  for (const id of byType("AWS::ApiGatewayV2::Route")) {
    const p = props(id);
    const target = functionTarget(p.Target, resources);
    if (!target) continue;
    const integration = props(target);
    const fn = functionIn(integration.IntegrationUri, isFunction);
    if (!fn || integration.IntegrationType !== "AWS_PROXY") continue;
    const key = String(resolveValue(p.RouteKey, ctx, { logicalId: id, property: "Properties.RouteKey" }));
    const [method, path] = key === "$default" ? ["ANY", "$default"] : key.split(" ");
    const api = refId(p.ApiId);
    const apiProps = api
      ? (resolveValue(props(api), ctx, { logicalId: api, property: "Properties" }) as Record<string, unknown>)
      : {};
    const format = integration.PayloadFormatVersion === "1.0" ? "1.0" : "2.0";
    const route: RouteConfig = {
      api: "http",
      method: method!,
      path: path!,
      function: functionNames.get(fn)!,
      payloadFormat: format,
      stage: "$default",
      ...(api ? { apiId: api } : {}),
    };
    const cors = httpCors(apiProps.CorsConfiguration);
    if (cors) route.cors = cors;
    if (typeof p.AuthorizationType === "string" && p.AuthorizationType !== "NONE") {
      route.authorizer = p.AuthorizationType;
      report.warn(
        `${ctx.file}: ${id}: route ${key} has authorization ${p.AuthorizationType}, which lambkin does not enforce: every request reaches the function`,
      );
    }
    routes.push(route);
  }
  return routes;
}

/** The integration a route's `Target` (`integrations/<id>`, usually an `Fn::Join` with a Ref) names. */
function functionTarget(target: unknown, resources: Readonly<Record<string, Resource>>): string | undefined {
  const ids: string[] = [];
  const walk = (v: unknown) => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (isObject(v)) {
      if (typeof v.Ref === "string") ids.push(v.Ref);
      for (const inner of Object.values(v)) walk(inner);
    } else if (typeof v === "string") {
      const m = /integrations\/([A-Za-z0-9]+)$/.exec(v);
      if (m) ids.push(m[1]!);
    }
  };
  walk(target);
  return ids.find((id) => resources[id]?.Type === "AWS::ApiGatewayV2::Integration");
}

/**
 * One template file → a lambkin project: the functions (by logical id, or `FunctionName` when it
 * is a plain string), the API Gateway routes, and the warnings to print once at start.
 */
import { readFileSync } from "node:fs";
import { dirname } from "node:path";
import type { FunctionConfig, RouteConfig } from "@lambkin/core";
import { DEFAULT_ACCOUNT_ID } from "@lambkin/protocol";
import { cfnRoutesOf } from "./cfn-routes.ts";
import { TemplateError } from "./errors.ts";
import { applyEventInvokeConfig, applyEventInvokeResources } from "./event-invoke.ts";
import {
  convertFunction,
  functionNameOf,
  isFunction,
  isLayer,
  type Reporter,
  type Resource,
  type TemplateFunction,
} from "./functions.ts";
import { condition, type ResolveContext, Unresolved } from "./intrinsics.ts";
import { parseTemplate as parseTemplateFile } from "./parse.ts";
import { routesOf } from "./routes.ts";

export interface TemplateOptions {
  /** Values for the template's `Parameters` (`--parameter-overrides`), over their defaults. */
  parameterOverrides?: Readonly<Record<string, string>>;
  /** SAM's env file: `{ "<LogicalId>": { VAR: value }, "Parameters": { VAR: value } }`. */
  envVars?: Readonly<Record<string, unknown>>;
  /** Skip functions whose runtime lambkin cannot run (one warning each) instead of refusing to start. */
  skipUnsupported?: boolean;
  /** `AWS::Region`; default us-east-1. */
  region?: string;
  /** `AWS::AccountId`; default lambkin's own (000000000000), so ARNs built here are lambkin's ARNs. */
  accountId?: string;
  /** `AWS::StackName`; default `local` (SAM's), a CDK stack's own name for CDK output. */
  stackName?: string;
}

export interface TemplateProject {
  /** Absolute path of every template read. */
  files: string[];
  functions: Record<string, FunctionConfig>;
  routes: RouteConfig[];
  /** Each said once: unresolvable values, skipped functions, authorizers not enforced, … */
  warnings: string[];
  /** Function name → logical id and template, for messages. */
  origins: Record<string, { logicalId: string; file: string }>;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** Reads and converts one template (`template.yaml`, `.aws-sam/build/template.yaml`, `X.template.json`). */
export function loadTemplate(file: string, options: TemplateOptions = {}): TemplateProject {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new TemplateError(
      file,
      undefined,
      undefined,
      `cannot read it (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})`,
    );
  }
  return convertTemplate(parseTemplateFile(text, file), file, options);
}

export function convertTemplate(
  template: Record<string, unknown>,
  file: string,
  options: TemplateOptions = {},
): TemplateProject {
  const warnings: string[] = [];
  const said = new Set<string>();
  const report: Reporter = {
    warn(message) {
      if (!said.has(message)) {
        said.add(message);
        warnings.push(message);
      }
    },
    unresolved(at, value) {
      report.warn(
        `${file}: ${at.logicalId ?? "(template)"}.${at.property}: not resolvable locally (${value.reason}); left unset`,
      );
    },
  };
  const region = options.region ?? "us-east-1";
  const accountId = options.accountId ?? DEFAULT_ACCOUNT_ID;
  const resources = (template.Resources ?? {}) as Record<string, Resource>;
  const names = new Map<string, string>();
  for (const [id, resource] of Object.entries(resources)) {
    if (isFunction(resource?.Type)) names.set(id, functionNameOf(id, resource));
  }
  const ctx: ResolveContext = {
    file,
    parameters: parametersOf(template, options.parameterOverrides ?? {}, file),
    pseudo: {
      "AWS::Region": region,
      "AWS::AccountId": accountId,
      "AWS::StackName": options.stackName ?? "local",
      "AWS::StackId": `arn:aws:cloudformation:${region}:${accountId}:stack/${options.stackName ?? "local"}/00000000-0000-0000-0000-000000000000`,
      "AWS::Partition": "aws",
      "AWS::URLSuffix": "amazonaws.com",
    },
    conditions: isObject(template.Conditions) ? template.Conditions : {},
    mappings: isObject(template.Mappings) ? template.Mappings : {},
    resources,
    refOf(id) {
      if (names.has(id)) return names.get(id)!;
      if (isLayer(resources[id]?.Type)) return `arn:aws:lambda:${region}:${accountId}:layer:${id}:1`;
      return id;
    },
    attributeOf(id, attribute) {
      const name = names.get(id);
      if (name !== undefined && attribute === "Arn")
        return `arn:aws:lambda:${region}:${accountId}:function:${name}`;
      return new Unresolved(`Fn::GetAtt ${id}.${attribute}`);
    },
  };

  for (const [id, resource] of Object.entries(resources)) {
    if (
      resource?.Type === "AWS::Serverless::Application" ||
      resource?.Type === "AWS::CloudFormation::Stack"
    ) {
      report.warn(
        `${file}: ${id}: a nested stack (${resource.Type}) is not run; start its template on its own (--template)`,
      );
    }
  }
  const globals =
    isObject(template.Globals) && isObject(template.Globals.Function) ? template.Globals.Function : {};
  const converted: TemplateFunction[] = [];
  for (const [id, resource] of Object.entries(resources)) {
    if (!isObject(resource))
      throw new TemplateError(file, id, undefined, "a resource must be a mapping with a Type");
    if (!isFunction(resource.Type)) continue;
    if (
      typeof resource.Condition === "string" &&
      !condition(resource.Condition, ctx, { logicalId: id, property: "Condition" })
    ) {
      continue;
    }
    const fn = convertFunction(id, resource, {
      ctx,
      baseDir: dirname(file),
      report,
      skipUnsupported: options.skipUnsupported ?? false,
      globals,
    });
    if (fn) converted.push(fn);
  }

  const functions: Record<string, FunctionConfig> = {};
  const origins: TemplateProject["origins"] = {};
  for (const fn of converted) {
    const prior = origins[fn.name];
    if (prior) {
      throw new TemplateError(
        file,
        fn.logicalId,
        "Properties.FunctionName",
        `"${fn.name}" is also the name of ${prior.logicalId}`,
      );
    }
    functions[fn.name] = fn.config;
    origins[fn.name] = { logicalId: fn.logicalId, file };
  }
  if (options.envVars) applyEnvVars(options.envVars, converted, report);
  const runningNames = new Set(converted.map((fn) => fn.name));
  for (const fn of converted) {
    const where = `${file}: ${fn.logicalId}.Properties.EventInvokeConfig`;
    applyEventInvokeConfig(fn, fn.properties.EventInvokeConfig, where, runningNames, report.warn);
  }
  applyEventInvokeResources(resources, converted, ctx, report.warn);
  const running = new Map(converted.map((fn) => [fn.logicalId, fn.name]));
  const routes = [
    ...routesOf(converted, template, ctx, report),
    ...cfnRoutesOf(resources, running, ctx, report),
  ];
  const seen = new Set<string>();
  for (const route of routes) {
    const key = `${route.method} ${route.path}`;
    if (seen.has(key)) {
      throw new TemplateError(
        file,
        route.apiId,
        "Routes",
        `the route ${key} is declared twice; each method and path may have one function`,
      );
    }
    seen.add(key);
  }
  return { files: [file], functions, routes, warnings, origins };
}

/** Parameter values: overrides, else `Default`; a list type splits on commas. */
function parametersOf(
  template: Record<string, unknown>,
  overrides: Readonly<Record<string, string>>,
  file: string,
): Map<string, unknown> {
  const declared = isObject(template.Parameters) ? template.Parameters : {};
  for (const name of Object.keys(overrides)) {
    if (!(name in declared)) {
      const known = Object.keys(declared);
      throw new TemplateError(
        file,
        undefined,
        `Parameters`,
        `--parameter-overrides names "${name}", which the template does not declare${known.length ? ` (it declares ${known.join(", ")})` : ""}`,
      );
    }
  }
  const values = new Map<string, unknown>();
  for (const [name, spec] of Object.entries(declared)) {
    const p = isObject(spec) ? spec : {};
    const raw = overrides[name] ?? p.Default;
    if (raw === undefined) {
      values.set(
        name,
        new Unresolved(`the parameter ${name} has no Default and no --parameter-overrides value`),
      );
      continue;
    }
    const text = String(raw);
    if (Array.isArray(p.AllowedValues) && !p.AllowedValues.map(String).includes(text)) {
      throw new TemplateError(
        file,
        undefined,
        `Parameters.${name}`,
        `"${text}" is not one of its AllowedValues (${p.AllowedValues.join(", ")})`,
      );
    }
    const type = typeof p.Type === "string" ? p.Type : "String";
    values.set(
      name,
      type === "CommaDelimitedList" || type.startsWith("List<") ? text.split(",").map((s) => s.trim()) : text,
    );
  }
  return values;
}

/**
 * SAM's `--env-vars`: a function's own entry, then `Parameters` (for every function), override the
 * variables its template declares; like SAM, a variable the template does not declare is not set.
 */
function applyEnvVars(
  envVars: Readonly<Record<string, unknown>>,
  functions: readonly TemplateFunction[],
  report: Reporter,
): void {
  const common = isObject(envVars.Parameters) ? envVars.Parameters : {};
  for (const fn of functions) {
    const own = envVars[fn.logicalId] ?? envVars[fn.name];
    const specific = isObject(own) ? own : {};
    for (const [name, value] of Object.entries({ ...common, ...specific })) {
      if (!fn.declaredVariables.includes(name)) {
        if (name in specific) {
          report.warn(
            `--env-vars: ${fn.logicalId}.${name} is not in the function's Environment.Variables; like SAM, lambkin sets only declared variables (declare it in the template)`,
          );
        }
        continue;
      }
      fn.config.environment ??= {};
      fn.config.environment[name] = typeof value === "string" ? value : JSON.stringify(value);
    }
  }
}

/**
 * `--parameter-overrides` as SAM takes it: `Key=Value Key2=Value2`, or
 * `ParameterKey=Key,ParameterValue=Value` pairs; values may be quoted.
 */
export function parseParameterOverrides(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const tokens = text.match(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g) ?? [];
  const unquote = (s: string) => s.replace(/^(["'])(.*)\1$/, "$2");
  for (const token of tokens) {
    const long = /^ParameterKey=([^,]+),ParameterValue=(.*)$/.exec(token);
    if (long) {
      out[unquote(long[1]!)] = unquote(long[2]!);
      continue;
    }
    const eq = token.indexOf("=");
    if (eq <= 0) {
      throw new Error(`--parameter-overrides takes Name=Value pairs separated by spaces, got "${token}"`);
    }
    out[unquote(token.slice(0, eq))] = unquote(token.slice(eq + 1));
  }
  return out;
}

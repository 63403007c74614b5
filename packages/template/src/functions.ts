/**
 * `AWS::Serverless::Function` (with `Globals.Function` merged in) and `AWS::Lambda::Function` →
 * lambkin functions. Each property is resolved (intrinsics, parameters) and checked where lambkin
 * depends on it: a local code folder, a handler file that exists, a runtime lambkin can run.
 */
import { existsSync, statSync } from "node:fs";
import { basename, extname, join, resolve } from "node:path";
import type { FunctionConfig } from "@lambkin/core";
import { parseHandler } from "@lambkin/protocol";
import { httpCors } from "./cors.ts";
import { TemplateError } from "./errors.ts";
import { NO_VALUE, type ResolveContext, resolveValue, Unresolved, type Where } from "./intrinsics.ts";

export const SERVERLESS_FUNCTION = "AWS::Serverless::Function";
export const LAMBDA_FUNCTION = "AWS::Lambda::Function";
const SERVERLESS_LAYER = "AWS::Serverless::LayerVersion";
const LAMBDA_LAYER = "AWS::Lambda::LayerVersion";

/** Lambda's Node.js runtimes lambkin runs on its `node` runtime (a config may pick Bun or Deno). */
const NODE_RUNTIME = /^nodejs(\d+)\.x$/;
const NODE_MAJORS = { min: 18, max: 24 };
const PROVIDED_RUNTIMES = new Set(["provided", "provided.al2", "provided.al2023"]);
const HANDLER_EXTENSIONS = [".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"];

export type Resource = { Type?: unknown; Properties?: unknown; Metadata?: unknown; Condition?: unknown };

export interface Reporter {
  /** One warning line (the caller prints each once). */
  warn(message: string): void;
  /** A value only AWS knows: said once per resource and property, then left unset. */
  unresolved(at: Where, value: Unresolved): void;
}

export interface FunctionContext {
  ctx: ResolveContext;
  /** The template's folder: relative `CodeUri`s, `ContentUri`s and asset paths start here. */
  baseDir: string;
  report: Reporter;
  skipUnsupported: boolean;
  /** `Globals.Function`, merged under each `AWS::Serverless::Function`'s properties. */
  globals: Record<string, unknown>;
}

export interface TemplateFunction {
  logicalId: string;
  name: string;
  config: FunctionConfig;
  /** The merged, resolved properties (the caller reads `Events` and `FunctionUrlConfig` from them). */
  properties: Record<string, unknown>;
  /** Declared `Environment.Variables` names: `--env-vars` overrides only these, as SAM does. */
  declaredVariables: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * SAM's Globals merge: maps merge key by key (recursively), lists add the function's items after
 * the globals', anything else in the function replaces the global.
 */
export function mergeGlobals(globals: unknown, own: unknown): unknown {
  if (own === undefined) return globals;
  if (isObject(globals) && isObject(own)) {
    const out: Record<string, unknown> = { ...globals };
    for (const [k, v] of Object.entries(own)) out[k] = mergeGlobals(globals[k], v);
    return out;
  }
  if (Array.isArray(globals) && Array.isArray(own)) return [...globals, ...own];
  return own;
}

/** The lambkin name of a function resource: its `FunctionName` when a plain string, else its logical id. */
export function functionNameOf(logicalId: string, resource: Resource): string {
  const name = isObject(resource.Properties) ? resource.Properties.FunctionName : undefined;
  return typeof name === "string" && name !== "" ? name : logicalId;
}

/** Converts one function resource; undefined when skipped (`--skip-unsupported`). */
export function convertFunction(
  logicalId: string,
  resource: Resource,
  fc: FunctionContext,
): TemplateFunction | undefined {
  const { ctx, report } = fc;
  const serverless = resource.Type === SERVERLESS_FUNCTION;
  const raw = isObject(resource.Properties) ? resource.Properties : {};
  const merged = (serverless ? mergeGlobals(fc.globals, raw) : raw) as Record<string, unknown>;
  const props = resolveValue(merged, ctx, { logicalId, property: "Properties" }) as Record<string, unknown>;
  const at = (property: string): Where => ({ logicalId, property: `Properties.${property}` });
  const error = (property: string, message: string) =>
    new TemplateError(ctx.file, logicalId, `Properties.${property}`, message);
  const known = <T>(property: string, value: unknown): T | undefined => {
    if (value instanceof Unresolved) {
      report.unresolved(at(property), value);
      return undefined;
    }
    return value as T;
  };

  const name = functionNameOf(logicalId, resource);
  const unsupported = (message: string): undefined => {
    if (!fc.skipUnsupported) {
      throw error(
        "Runtime",
        `${message}; lambkin runs nodejs18.x–nodejs24.x and provided.al2023/provided.al2/provided (--skip-unsupported starts the others without it)`,
      );
    }
    report.warn(`${ctx.file}: ${logicalId}: skipped: ${message}`);
    return undefined;
  };
  if (props.PackageType === "Image")
    return unsupported(`function "${name}" is a container image (PackageType: Image)`);
  const runtime = known<string>("Runtime", props.Runtime);
  if (typeof runtime !== "string") {
    throw error("Runtime", `a function needs a Runtime (e.g. nodejs22.x), got ${JSON.stringify(runtime)}`);
  }
  const node = NODE_RUNTIME.exec(runtime);
  let kind: "node" | "provided";
  if (node && Number(node[1]) >= NODE_MAJORS.min && Number(node[1]) <= NODE_MAJORS.max) kind = "node";
  else if (PROVIDED_RUNTIMES.has(runtime)) kind = "provided";
  else return unsupported(`function "${name}" has runtime ${runtime}`);

  const codeDir = codeDirOf(logicalId, resource, props, fc, serverless);
  const config: FunctionConfig = { runtime: kind, codeDir };
  const handler = known<string>("Handler", props.Handler);
  if (kind === "node") {
    if (typeof handler !== "string")
      throw error("Handler", `a Node.js function needs a Handler (e.g. app.handler)`);
    config.handler = nodeHandler(handler, codeDir, resource.Metadata, error);
  } else {
    if (typeof handler === "string") config.handler = handler;
    if (!existsSync(join(codeDir, "bootstrap"))) {
      throw error(
        serverless ? "CodeUri" : "Code",
        `runtime ${runtime} runs the executable "bootstrap" of the code folder, and ${codeDir} has none`,
      );
    }
  }

  const number = (property: string, value: unknown): number | undefined => {
    const v = known<unknown>(property, value);
    if (v === undefined || v === null) return undefined;
    const n = typeof v === "string" ? Number(v) : v;
    if (typeof n !== "number" || !Number.isInteger(n))
      throw error(property, `must be a whole number, got ${JSON.stringify(v)}`);
    return n;
  };
  const timeout = number("Timeout", props.Timeout);
  if (timeout !== undefined) config.timeout = timeout;
  const memorySize = number("MemorySize", props.MemorySize);
  if (memorySize !== undefined) config.memorySize = memorySize;
  const storage = ephemeralStorageOf(props.EphemeralStorage, known, error);
  if (storage !== undefined) config.ephemeralStorage = storage;
  const reserved = number("ReservedConcurrentExecutions", props.ReservedConcurrentExecutions);
  if (reserved !== undefined) {
    if (reserved === 0) {
      // Lambda throttles every invoke of such a function; lambkin's smallest is one at a time.
      report.warn(
        `${ctx.file}: ${logicalId}: ReservedConcurrentExecutions 0 throttles every invoke on AWS; lambkin runs it one at a time, without a queue`,
      );
      config.concurrency = 1;
      config.queueSize = 0;
    } else config.concurrency = reserved;
  }
  if (typeof props.Description === "string") config.description = props.Description;

  const declaredVariables: string[] = [];
  const env = isObject(props.Environment) ? props.Environment.Variables : undefined;
  if (isObject(env)) {
    config.environment = {};
    for (const [key, value] of Object.entries(env)) {
      declaredVariables.push(key);
      const v = known<unknown>(`Environment.Variables.${key}`, value);
      if (v === undefined || v === null || v === NO_VALUE) continue;
      if (typeof v === "object") {
        throw error(`Environment.Variables.${key}`, `must be a string, got ${JSON.stringify(v)}`);
      }
      config.environment[key] = String(v);
    }
  }
  const logging = isObject(props.LoggingConfig) ? props.LoggingConfig : undefined;
  if (logging?.LogFormat === "JSON" || logging?.LogFormat === "Text") config.logFormat = logging.LogFormat;
  if (typeof logging?.ApplicationLogLevel === "string")
    config.logLevel = logging.ApplicationLogLevel as FunctionConfig["logLevel"];

  // FunctionUrlConfig: lambkin serves every function's URL; its auth type and CORS apply there.
  // (InvokeMode needs nothing: a streaming function's URL streams.)
  const url = isObject(props.FunctionUrlConfig) ? props.FunctionUrlConfig : undefined;
  if (url) {
    const cors = httpCors(url.Cors);
    config.url = { authType: url.AuthType === "AWS_IAM" ? "AWS_IAM" : "NONE", ...(cors ? { cors } : {}) };
  }
  const layers = layersOf(logicalId, props.Layers, fc);
  if (layers.length > 0) config.layers = layers;
  return { logicalId, name, config, properties: props, declaredVariables };
}

/**
 * `EphemeralStorage: { Size: MB }` (SAM and CloudFormation alike): the size of the function's /tmp,
 * which lambkin's sandbox enforces. Checked here, against Lambda's range, so that a wrong value is
 * reported at its place in the template rather than as a lambkin config key the user never wrote.
 */
function ephemeralStorageOf(
  property: unknown,
  known: (property: string, value: unknown) => unknown,
  error: (property: string, message: string) => Error,
): number | undefined {
  const value = known("EphemeralStorage", property);
  if (value === undefined || value === null) return undefined;
  if (!isObject(value) || !("Size" in value)) {
    throw error("EphemeralStorage", `must be { Size: <MB> } (512–10240), got ${JSON.stringify(value)}`);
  }
  const size = known("EphemeralStorage.Size", value.Size);
  if (size === undefined) return undefined;
  // A parameter's value arrives as a string ("1024"), as CloudFormation passes it.
  const n = typeof size === "string" && size.trim() !== "" ? Number(size) : size;
  if (typeof n !== "number" || !Number.isInteger(n) || n < 512 || n > 10_240) {
    throw error(
      "EphemeralStorage.Size",
      `must be a whole number 512–10240 (MB of the function's /tmp, as on Lambda; leave EphemeralStorage out for the default 512), got ${JSON.stringify(size)}`,
    );
  }
  return n;
}

/** The function's code folder, from `CodeUri`, `Code`, or CDK's `aws:asset:path` metadata. */
function codeDirOf(
  logicalId: string,
  resource: Resource,
  props: Record<string, unknown>,
  fc: FunctionContext,
  serverless: boolean,
): string {
  const property = serverless ? "CodeUri" : "Code";
  const error = (message: string) =>
    new TemplateError(fc.ctx.file, logicalId, `Properties.${property}`, message);
  const asset = assetPath(resource);
  if (asset !== undefined) return folder(resolve(fc.baseDir, asset), error);
  const code = props[property];
  if (code === undefined) {
    if (props.InlineCode !== undefined || (isObject(code) && "ZipFile" in code)) {
      throw error(
        "inline code (InlineCode / Code.ZipFile) is not supported: put the code in a folder and point CodeUri at it",
      );
    }
    throw error(`missing: a function's code must be a local folder (e.g. CodeUri: src/hello/)`);
  }
  if (isObject(code) && "ZipFile" in code) {
    throw error("inline code (Code.ZipFile) is not supported: put the code in a folder and point Code at it");
  }
  if (
    code instanceof Unresolved ||
    isObject(code) ||
    (typeof code === "string" && code.startsWith("s3://"))
  ) {
    const shown = code instanceof Unresolved ? code.reason : JSON.stringify(code);
    throw error(
      `${shown} is an S3 location; lambkin runs local code: point ${property} at the function's folder (or run sam build and use .aws-sam/build/template.yaml)`,
    );
  }
  if (typeof code !== "string") throw error(`must be a folder path, got ${JSON.stringify(code)}`);
  return folder(resolve(fc.baseDir, code), error);
}

function folder(path: string, error: (message: string) => Error): string {
  let isDirectory = false;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    throw error(`no folder at ${path}`);
  }
  // A .zip CodeUri is a built artifact; lambkin needs the folder it was built from.
  if (!isDirectory) throw error(`${path} is a file; lambkin needs the function's code folder`);
  return path;
}

/** CDK (and `sam build` of CDK) marks where an asset's files are: `Metadata["aws:asset:path"]`. */
export function assetPath(resource: Resource): string | undefined {
  const metadata = isObject(resource.Metadata) ? resource.Metadata : undefined;
  const path = metadata?.["aws:asset:path"];
  return typeof path === "string" ? path : undefined;
}

/**
 * Checks the handler's file exists (`.js`, `.mjs`, `.cjs` or TypeScript). With
 * `BuildMethod: esbuild`, the handler names the bundle's file (`app.handler`), which comes from an
 * entry point that may sit deeper (`src/app.ts`): lambkin runs that entry point itself, unbuilt.
 */
function nodeHandler(
  handler: string,
  codeDir: string,
  metadata: unknown,
  error: (property: string, message: string) => Error,
): string {
  let module: string;
  try {
    module = parseHandler(handler).module;
  } catch (e) {
    throw error("Handler", (e as Error).message);
  }
  const exists = (file: string) => HANDLER_EXTENSIONS.some((ext) => existsSync(join(codeDir, file + ext)));
  if (exists(module)) return handler;
  const build = isObject(metadata) && isObject(metadata.BuildProperties) ? metadata.BuildProperties : {};
  const entryPoints = build.EntryPoints;
  if (Array.isArray(entryPoints)) {
    for (const entry of entryPoints) {
      if (typeof entry !== "string") continue;
      const stem = entry.slice(0, entry.length - extname(entry).length);
      if (basename(stem) === basename(module) && existsSync(join(codeDir, entry))) {
        return `${stem.replace(/^\.\//, "")}${handler.slice(module.length)}`;
      }
    }
  }
  throw error(
    "Handler",
    `"${handler}" needs ${module}.js (or .mjs, .cjs, .ts) in ${codeDir}, and there is none`,
  );
}

/** Local layers: `AWS::Serverless::LayerVersion` (`ContentUri`) or `AWS::Lambda::LayerVersion` (`Content`, or a CDK asset). */
function layersOf(logicalId: string, layers: unknown, fc: FunctionContext): string[] {
  if (!Array.isArray(layers)) return [];
  const out: string[] = [];
  layers.forEach((layer, i) => {
    const at: Where = { logicalId, property: `Properties.Layers[${i}]` };
    if (layer instanceof Unresolved) {
      fc.report.unresolved(at, layer);
      return;
    }
    const id = typeof layer === "string" ? layerIdOf(layer, fc.ctx) : undefined;
    if (id === undefined) {
      fc.report.warn(
        `${fc.ctx.file}: ${logicalId}: layer ${JSON.stringify(layer)} is not in this template; its files are not available locally`,
      );
      return;
    }
    const resource = fc.ctx.resources[id] as Resource;
    const props = isObject(resource.Properties) ? resource.Properties : {};
    const property = resource.Type === SERVERLESS_LAYER ? "ContentUri" : "Content";
    const error = (message: string) => new TemplateError(fc.ctx.file, id, `Properties.${property}`, message);
    const asset = assetPath(resource);
    const content =
      asset ?? resolveValue(props[property], fc.ctx, { logicalId: id, property: `Properties.${property}` });
    if (typeof content !== "string" || content.startsWith("s3://")) {
      throw error(`${JSON.stringify(content)} is not a local folder; lambkin runs layers from local folders`);
    }
    out.push(folder(resolve(fc.baseDir, content), error));
  });
  return out;
}

/** The layer resource a `Layers` entry refers to: `Ref` gives a layer's ARN, built by `refOf`. */
function layerIdOf(value: string, ctx: ResolveContext): string | undefined {
  for (const [id, resource] of Object.entries(ctx.resources)) {
    if ((resource.Type === SERVERLESS_LAYER || resource.Type === LAMBDA_LAYER) && ctx.refOf(id) === value)
      return id;
  }
  return undefined;
}

export const isLayer = (type: unknown) => type === SERVERLESS_LAYER || type === LAMBDA_LAYER;
export const isFunction = (type: unknown) => type === SERVERLESS_FUNCTION || type === LAMBDA_FUNCTION;

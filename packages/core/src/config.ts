/**
 * lambkin.config: its shape, its defaults, and validation whose errors name the function and key
 * (`functions.hello.timeout must be 1–900 seconds, got 0`). A config either validates whole or
 * lambkin does not start.
 */
import {
  DEFAULT_ACCOUNT_ID,
  DEFAULT_MEMORY_MB,
  DEFAULT_TIMEOUT_S,
  HandlerStringError,
  isValidFunctionName,
  MAX_MEMORY_MB,
  MAX_TIMEOUT_S,
  MIN_MEMORY_MB,
  MIN_TIMEOUT_S,
  parseHandler,
} from "@lambkin/protocol";
import { parse as parseDotenv } from "dotenv";
import { ConfigError } from "./config-error.ts";
import { ENGINE_NAMES, type EngineName } from "./engines.ts";
import {
  type AccessConfig,
  type FunctionUrlConfig,
  isLoopbackAddress,
  type ResolvedAccess,
  type ResolvedFunctionUrl,
  resolveAccess,
  resolveFunctionUrl,
} from "./gate/access-config.ts";
import type { Platform } from "./platform.ts";
import { type ResolvedRoute, type RouteConfig, resolveRoutes } from "./route-config.ts";

export type { CorsConfig, ResolvedRoute, RouteConfig } from "./route-config.ts";

export type RuntimeName = EngineName | "provided";
export const RUNTIMES: readonly RuntimeName[] = [...ENGINE_NAMES, "provided"];

export interface FunctionConfig {
  /** `node`, `bun`, `deno`: that engine runs `handler` through `@lambkin/client`; `provided`: `command`. */
  runtime: RuntimeName;
  /** The code folder (LAMBDA_TASK_ROOT), relative to the config file's folder. */
  codeDir: string;
  /** `file.export` for node/bun/deno (required); passed as `_HANDLER` to `provided` when given. */
  handler?: string;
  /** `provided` only: the program and its arguments, run in `codeDir`. Default `["./bootstrap"]`. */
  command?: string[];
  /** Seconds, 1–900. Default 3. */
  timeout?: number;
  /** MB, 128–10240. Default 128. Reported to the runtime and in REPORT lines (not enforced). */
  memorySize?: number;
  /** Most environments (runtime processes) at once. Default 10. */
  concurrency?: number;
  /** Invocations that may wait for an environment; past that a caller gets 429. Default 100; 0 throttles at once, as Lambda does. */
  queueSize?: number;
  /** Variables the function sees, besides Lambda's own (which it may not override); over the top-level ones. */
  environment?: Record<string, string>;
  /** A dotenv file of variables (relative to the config file), under this function's `environment`. */
  envFile?: string;
  /** `AWS_LAMBDA_LOG_FORMAT` and the form of platform lines. Default `Text`. */
  logFormat?: "Text" | "JSON";
  /** `AWS_LAMBDA_LOG_LEVEL` (applies with the JSON format, as on Lambda). */
  logLevel?: "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR" | "FATAL";
  description?: string;
  /** Async invokes: retries after a function error, 0–2. Default 2. */
  maximumRetryAttempts?: number;
  /**
   * Run the engine's inspector (node, bun, deno) on 127.0.0.1, a port per environment from 9229;
   * the function then runs one environment at a time, and its timeout waits while a debugger is connected.
   */
  inspect?: boolean;
  /** Async invokes: the oldest an event may get before it is dropped, 60–21600 s. Default 21600. */
  maximumEventAgeInSeconds?: number;
  /**
   * Layer folders, relative to the config file, laid out as a layer's zip (`nodejs/node_modules`,
   * `bin`, `lib`): what Lambda extracts to `/opt` goes on NODE_PATH, PATH and LD_LIBRARY_PATH.
   */
  layers?: string[];
  /**
   * More files whose change reloads the function while `lambkin start` watches (its code folder
   * always is): globs relative to the code folder, e.g. `["../lib/**"]` for shared code.
   */
  watch?: string[];
  /** The function's Function URL: auth type and CORS (as AWS::Lambda::Url). */
  url?: FunctionUrlConfig;
  /** MB of /tmp, 512–10240 (AWS's EphemeralStorage). Default 512; enforced inside the sandbox. */
  ephemeralStorage?: number;
  /** Overrides the top-level `sandbox` for this function. */
  sandbox?: boolean;
}

export interface LambkinConfig extends AccessConfig {
  /** Each environment in a sandbox of its own: private /tmp, code read-only (bubblewrap). Default false (opt-in for now). */
  sandbox?: boolean;
  /**
   * A file (relative to the config) where accepted Event invocations are kept until they end, so
   * a restart runs the ones a stop or crash interrupted. Default: none (`lambkin start` uses
   * `.lambkin/events.jsonl`).
   */
  eventJournal?: string;
  /** Invoke API port. Default 3001 (as `sam local start-lambda`); 0 picks a free one. */
  port?: number;
  /** Function URL port. Default 3000; 0 picks a free one. */
  urlPort?: number;
  /** Address every listener binds. Default 127.0.0.1. */
  host?: string;
  region?: string;
  accountId?: string;
  /** Seconds an idle environment is kept warm before it is stopped. Default 300. */
  idleTimeout?: number;
  /** Seconds before the first and second retry of a failed async invoke. Default [60, 120], as Lambda. */
  asyncRetryDelays?: number[];
  /** Variables every function sees (like SAM's Globals); a function's own `environment` wins. */
  environment?: Record<string, string>;
  /** A dotenv file of variables for every function, under the top-level `environment`. */
  envFile?: string;
  functions: Record<string, FunctionConfig>;
  /** API Gateway routes served on the Function URL port, ahead of `/<function>/…`. */
  routes?: RouteConfig[];
}

/** A function with every default applied and its code folder made absolute. */
export interface ResolvedFunction {
  name: string;
  runtime: RuntimeName;
  codeDir: string;
  handler: string | undefined;
  command: string[];
  timeout: number;
  memorySize: number;
  concurrency: number;
  queueSize: number;
  /** Top-level envFile, top-level environment, the function's envFile, its environment: later wins. */
  environment: Record<string, string>;
  /** The env files its environment was read from (absolute), so a watcher can reload on their change. */
  envFiles: string[];
  logFormat: "Text" | "JSON";
  logLevel: string | undefined;
  description: string;
  maximumRetryAttempts: number;
  maximumEventAgeInSeconds: number;
  inspect: boolean;
  /** Absolute layer folders, in order. */
  layers: string[];
  /** `watch` globs made absolute (relative to the code folder). */
  watch: string[];
  url: ResolvedFunctionUrl;
  ephemeralStorage: number;
  /** The function's own `sandbox`, when it set one (the top-level setting applies otherwise). */
  sandbox: boolean | undefined;
}

export interface ResolvedConfig {
  port: number;
  urlPort: number;
  host: string;
  region: string;
  accountId: string;
  idleTimeoutMs: number;
  asyncRetryDelaysMs: number[];
  /** Allowed origins and hosts, SigV4 credentials (gate/). */
  access: ResolvedAccess;
  /** Each environment in its own sandbox (sandbox.ts). Default false. */
  sandbox: boolean;
  /** Absolute path of the Event journal, or undefined. */
  eventJournal: string | undefined;
  functions: Map<string, ResolvedFunction>;
  routes: ResolvedRoute[];
}

export { ConfigError };

/** Variables Lambda sets itself; a function's `environment` may not override them. */
export const RESERVED_VARIABLES = new Set([
  "_HANDLER",
  "_X_AMZN_TRACE_ID",
  "AWS_DEFAULT_REGION",
  "AWS_REGION",
  "AWS_EXECUTION_ENV",
  "AWS_LAMBDA_FUNCTION_NAME",
  "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
  "AWS_LAMBDA_FUNCTION_VERSION",
  "AWS_LAMBDA_INITIALIZATION_TYPE",
  "AWS_LAMBDA_LOG_GROUP_NAME",
  "AWS_LAMBDA_LOG_STREAM_NAME",
  "AWS_ACCESS_KEY",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
  "AWS_LAMBDA_RUNTIME_API",
  "LAMBDA_TASK_ROOT",
  "LAMBDA_RUNTIME_DIR",
]);

const TOP_KEYS = new Set([
  "$schema",
  "port",
  "urlPort",
  "host",
  "region",
  "accountId",
  "idleTimeout",
  "asyncRetryDelays",
  "environment",
  "envFile",
  "sandbox",
  "eventJournal",
  "allowedOrigins",
  "allowedHosts",
  "auth",
  "functions",
  "routes",
]);
const FUNCTION_KEYS = new Set([
  "runtime",
  "codeDir",
  "handler",
  "command",
  "timeout",
  "memorySize",
  "concurrency",
  "queueSize",
  "environment",
  "envFile",
  "logFormat",
  "logLevel",
  "description",
  "maximumRetryAttempts",
  "maximumEventAgeInSeconds",
  "inspect",
  "layers",
  "watch",
  "url",
  "ephemeralStorage",
  "sandbox",
]);
const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const show = (v: unknown) => (typeof v === "string" ? `"${v}"` : JSON.stringify(v));

function integer(where: string, value: unknown, min: number, max: number, unit = ""): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${where} must be a whole number ${min}–${max}${unit}, got ${show(value)}`);
  }
  return value;
}

function sandboxFlag(value: unknown, where = "sandbox"): boolean {
  if (typeof value !== "boolean") throw new ConfigError(`${where} must be true or false, got ${show(value)}`);
  return value;
}

/** Joins POSIX paths; `to` wins when absolute. Core avoids `node:path` to stay engine-neutral. */
export function resolvePath(from: string, to: string): string {
  const joined = to.startsWith("/") ? to : `${from.replace(/\/+$/, "")}/${to}`;
  const out: string[] = [];
  for (const seg of joined.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return `/${out.join("/")}`;
}

/**
 * Validates `input` and applies defaults. `baseDir` is the folder relative code folders start from
 * (the config file's). Checks that every code folder exists.
 */
export async function resolveConfig(
  input: unknown,
  baseDir: string,
  platform: Platform,
): Promise<ResolvedConfig> {
  if (!isObject(input)) throw new ConfigError(`config must be an object, got ${show(input)}`);
  for (const key of Object.keys(input)) {
    if (!TOP_KEYS.has(key))
      throw new ConfigError(`unknown config key "${key}" (allowed: ${[...TOP_KEYS].slice(1).join(", ")})`);
  }
  const port = input.port === undefined ? 3001 : integer("port", input.port, 0, 65535);
  const urlPort = input.urlPort === undefined ? 3000 : integer("urlPort", input.urlPort, 0, 65535);
  const text = (key: string, fallback: string) => {
    const v = input[key];
    if (v === undefined) return fallback;
    if (typeof v !== "string" || v === "")
      throw new ConfigError(`${key} must be a non-empty string, got ${show(v)}`);
    return v;
  };
  const idleTimeout =
    input.idleTimeout === undefined ? 300 : integer("idleTimeout", input.idleTimeout, 1, 86_400, " seconds");
  let asyncRetryDelays = [60, 120];
  if (input.asyncRetryDelays !== undefined) {
    const v = input.asyncRetryDelays;
    if (!Array.isArray(v) || v.some((d) => typeof d !== "number" || !(d >= 0))) {
      throw new ConfigError(`asyncRetryDelays must be a list of seconds (numbers ≥ 0), got ${show(v)}`);
    }
    asyncRetryDelays = v as number[];
  }
  if (!isObject(input.functions)) {
    throw new ConfigError(
      `functions must be an object of function name → settings, got ${show(input.functions)}`,
    );
  }
  const shared = await resolveVariables("", input, baseDir, platform);
  const functions = new Map<string, ResolvedFunction>();
  for (const [name, fn] of Object.entries(input.functions)) {
    functions.set(name, await resolveFunction(name, fn, baseDir, platform, shared));
  }
  const access = resolveAccess(input, (message) => {
    throw new ConfigError(message);
  });
  const host = text("host", "127.0.0.1");
  if (!isLoopbackAddress(host) && !access.auth) {
    throw new ConfigError(
      `host ${host} lets other machines reach lambkin: set "auth": { "accessKeyId", "secretAccessKey" } (or --auth KEY_ID:SECRET) so that only requests signed with them invoke functions`,
    );
  }
  for (const fn of functions.values()) {
    if (fn.url.authType === "AWS_IAM" && !access.auth) {
      throw new ConfigError(
        `functions.${fn.name}.url.authType is AWS_IAM: set "auth": { "accessKeyId", "secretAccessKey" } (or --auth KEY_ID:SECRET), the credentials its callers sign with`,
      );
    }
  }
  return {
    port,
    urlPort,
    host,
    region: text("region", "us-east-1"),
    accountId: text("accountId", DEFAULT_ACCOUNT_ID),
    idleTimeoutMs: idleTimeout * 1000,
    asyncRetryDelaysMs: asyncRetryDelays.map((s) => s * 1000),
    access,
    sandbox: input.sandbox === undefined ? false : sandboxFlag(input.sandbox),
    eventJournal:
      input.eventJournal === undefined ? undefined : resolvePath(baseDir, text("eventJournal", "")),
    functions,
    routes: resolveRoutes(input.routes, functions),
  };
}

async function resolveFunction(
  name: string,
  fn: unknown,
  baseDir: string,
  platform: Platform,
  shared: Variables,
): Promise<ResolvedFunction> {
  const at = `functions.${name}`;
  if (!isValidFunctionName(name)) {
    throw new ConfigError(`${at}: a function name must be 1–64 letters, digits, "-" or "_", got "${name}"`);
  }
  if (!isObject(fn)) throw new ConfigError(`${at} must be an object, got ${show(fn)}`);
  for (const key of Object.keys(fn)) {
    if (!FUNCTION_KEYS.has(key))
      throw new ConfigError(`${at}: unknown key "${key}" (allowed: ${[...FUNCTION_KEYS].join(", ")})`);
  }
  const runtime = fn.runtime;
  if (typeof runtime !== "string" || !RUNTIMES.includes(runtime as RuntimeName)) {
    throw new ConfigError(`${at}.runtime must be one of ${RUNTIMES.join(", ")}, got ${show(runtime)}`);
  }
  if (typeof fn.codeDir !== "string" || fn.codeDir === "") {
    throw new ConfigError(
      `${at}.codeDir must be the path of the function's code folder, got ${show(fn.codeDir)}`,
    );
  }
  const codeDir = resolvePath(baseDir, fn.codeDir);
  const info = await platform.stat(codeDir);
  if (!info?.isDirectory) throw new ConfigError(`${at}.codeDir: no folder at ${codeDir}`);

  let handler: string | undefined;
  if (fn.handler !== undefined || runtime !== "provided") {
    if (typeof fn.handler !== "string") {
      throw new ConfigError(
        `${at}.handler is required for runtime "${runtime}" (e.g. "index.handler"), got ${show(fn.handler)}`,
      );
    }
    try {
      parseHandler(fn.handler);
    } catch (error) {
      if (error instanceof HandlerStringError) throw new ConfigError(`${at}.handler: ${error.message}`);
      throw error;
    }
    handler = fn.handler;
  }
  let command = ["./bootstrap"];
  if (fn.command !== undefined) {
    if (runtime !== "provided")
      throw new ConfigError(
        `${at}.command applies to runtime "provided" only (this function is "${runtime}")`,
      );
    if (
      !Array.isArray(fn.command) ||
      fn.command.length === 0 ||
      fn.command.some((a) => typeof a !== "string" || a === "")
    ) {
      throw new ConfigError(
        `${at}.command must be a non-empty list of strings (program, then arguments), got ${show(fn.command)}`,
      );
    }
    command = fn.command as string[];
  }
  const own = await resolveVariables(`${at}.`, fn, baseDir, platform);
  const layers: string[] = [];
  if (fn.layers !== undefined) {
    if (!Array.isArray(fn.layers) || fn.layers.some((l) => typeof l !== "string" || l === "")) {
      throw new ConfigError(`${at}.layers must be a list of layer folders, got ${show(fn.layers)}`);
    }
    for (const layer of fn.layers as string[]) {
      const dir = resolvePath(baseDir, layer);
      if (!(await platform.stat(dir))?.isDirectory)
        throw new ConfigError(`${at}.layers: no folder at ${dir}`);
      layers.push(dir);
    }
  }
  const logFormat = fn.logFormat ?? "Text";
  if (logFormat !== "Text" && logFormat !== "JSON")
    throw new ConfigError(`${at}.logFormat must be "Text" or "JSON", got ${show(logFormat)}`);
  if (fn.logLevel !== undefined && !LOG_LEVELS.includes(fn.logLevel as string)) {
    throw new ConfigError(`${at}.logLevel must be one of ${LOG_LEVELS.join(", ")}, got ${show(fn.logLevel)}`);
  }
  if (fn.inspect !== undefined && typeof fn.inspect !== "boolean")
    throw new ConfigError(`${at}.inspect must be true or false, got ${show(fn.inspect)}`);
  const inspect = fn.inspect === true;
  if (inspect && runtime === "provided")
    throw new ConfigError(
      `${at}.inspect applies to runtimes node, bun and deno (a "provided" runtime starts its own debugger)`,
    );
  if (
    fn.watch !== undefined &&
    (!Array.isArray(fn.watch) || fn.watch.some((g) => typeof g !== "string" || g === ""))
  ) {
    throw new ConfigError(`${at}.watch must be a list of globs (like "../lib/**"), got ${show(fn.watch)}`);
  }
  if (fn.description !== undefined && typeof fn.description !== "string") {
    throw new ConfigError(`${at}.description must be a string, got ${show(fn.description)}`);
  }
  return {
    name,
    runtime: runtime as RuntimeName,
    codeDir,
    handler,
    command,
    timeout:
      fn.timeout === undefined
        ? DEFAULT_TIMEOUT_S
        : integer(`${at}.timeout`, fn.timeout, MIN_TIMEOUT_S, MAX_TIMEOUT_S, " seconds"),
    memorySize:
      fn.memorySize === undefined
        ? DEFAULT_MEMORY_MB
        : integer(`${at}.memorySize`, fn.memorySize, MIN_MEMORY_MB, MAX_MEMORY_MB, " MB"),
    // A debugged function runs one environment at a time: one debugger, one process to follow.
    concurrency: inspect
      ? 1
      : fn.concurrency === undefined
        ? 10
        : integer(`${at}.concurrency`, fn.concurrency, 1, 1000),
    queueSize: fn.queueSize === undefined ? 100 : integer(`${at}.queueSize`, fn.queueSize, 0, 100_000),
    environment: { ...shared.environment, ...own.environment },
    envFiles: [...shared.envFiles, ...own.envFiles],
    logFormat,
    logLevel: fn.logLevel as string | undefined,
    description: (fn.description as string | undefined) ?? "",
    maximumRetryAttempts:
      fn.maximumRetryAttempts === undefined
        ? 2
        : integer(`${at}.maximumRetryAttempts`, fn.maximumRetryAttempts, 0, 2),
    maximumEventAgeInSeconds:
      fn.maximumEventAgeInSeconds === undefined
        ? 21_600
        : integer(`${at}.maximumEventAgeInSeconds`, fn.maximumEventAgeInSeconds, 60, 21_600, " seconds"),
    inspect,
    layers,
    watch: ((fn.watch as string[] | undefined) ?? []).map((glob) => resolvePath(codeDir, glob)),
    ephemeralStorage:
      fn.ephemeralStorage === undefined
        ? 512
        : integer(`${at}.ephemeralStorage`, fn.ephemeralStorage, 512, 10_240, " MB"),
    sandbox: fn.sandbox === undefined ? undefined : sandboxFlag(fn.sandbox, `${at}.sandbox`),
    url: resolveFunctionUrl(at, fn.url, (message) => {
      throw new ConfigError(message);
    }),
  };
}

interface Variables {
  environment: Record<string, string>;
  envFiles: string[];
}

/**
 * The variables one level of the config sets (the top level, `at` = "", or a function): its
 * `envFile` read as dotenv, then its `environment` over it — the order docker compose uses.
 */
async function resolveVariables(
  at: string,
  level: Record<string, unknown>,
  baseDir: string,
  platform: Platform,
): Promise<Variables> {
  const environment: Record<string, string> = {};
  const envFiles: string[] = [];
  // `where` names the source ("functions.hello.environment"); `name` a variable in it.
  const check = (where: string, name: (key: string) => string, key: string, value: unknown) => {
    if (!/^[a-zA-Z]\w*$/.test(key)) throw new ConfigError(`${where}: "${key}" is not a valid variable name`);
    if (RESERVED_VARIABLES.has(key))
      throw new ConfigError(`${name(key)} is reserved by Lambda and cannot be set`);
    if (typeof value !== "string") throw new ConfigError(`${name(key)} must be a string, got ${show(value)}`);
    environment[key] = value;
  };
  if (level.envFile !== undefined) {
    if (typeof level.envFile !== "string" || level.envFile === "")
      throw new ConfigError(`${at}envFile must be the path of a dotenv file, got ${show(level.envFile)}`);
    const file = resolvePath(baseDir, level.envFile);
    let text: string;
    try {
      text = await platform.readTextFile(file);
    } catch {
      throw new ConfigError(`${at}envFile: cannot read a file at ${file}`);
    }
    const where = `${at}envFile ${file}`;
    for (const [key, value] of Object.entries(parseDotenv(text)))
      check(where, (k) => `${k} in ${where}`, key, value);
    envFiles.push(file);
  }
  if (level.environment !== undefined) {
    if (!isObject(level.environment))
      throw new ConfigError(`${at}environment must be an object of strings, got ${show(level.environment)}`);
    for (const [key, value] of Object.entries(level.environment))
      check(`${at}environment`, (k) => `${at}environment.${k}`, key, value);
  }
  return { environment, envFiles };
}

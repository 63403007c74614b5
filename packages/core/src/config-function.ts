/** One function of lambkin.config: its keys checked, its defaults applied, its folders found. */
import {
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
import { ConfigError } from "./config-error.ts";
import { type ResolvedFunction, RUNTIMES, type RuntimeName } from "./config-types.ts";
import { integer, isObject, resolvePath, sandboxFlag, show } from "./config-values.ts";
import { resolveVariables, type Variables } from "./config-variables.ts";
import { resolveDestinations } from "./destination-config.ts";
import { resolveFunctionUrl } from "./gate/access-config.ts";
import type { Platform } from "./platform.ts";

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
  "destinations",
  "inspect",
  "layers",
  "watch",
  "url",
  "ephemeralStorage",
  "sandbox",
]);
const LOG_LEVELS = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];

/**
 * One entry of `functions` checked and given its defaults; `shared` holds the top-level variables
 * its own go over. Checks that its code and layer folders exist.
 */
export async function resolveFunction(
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
    destinations: resolveDestinations(at, fn.destinations, (path) => resolvePath(baseDir, path)),
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

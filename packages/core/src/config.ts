/**
 * lambkin.config: its shape, its defaults, and validation whose errors name the function and key
 * (`functions.hello.timeout must be 1–900 seconds, got 0`). A config either validates whole or
 * lambkin does not start. This file checks the top level; config-function.ts each function,
 * config-variables.ts their variables, config-types.ts holds the shapes.
 */
import { DEFAULT_ACCOUNT_ID } from "@lambkin/protocol";
import { ConfigError } from "./config-error.ts";
import { resolveFunction } from "./config-function.ts";
import type { ResolvedConfig, ResolvedFunction } from "./config-types.ts";
import { integer, isObject, resolvePath, sandboxFlag, show } from "./config-values.ts";
import { resolveVariables } from "./config-variables.ts";
import { checkDestinationFunctions } from "./destination-config.ts";
import { isLoopbackAddress, resolveAccess } from "./gate/access-config.ts";
import type { Platform } from "./platform.ts";
import { resolveRoutes } from "./route-config.ts";

export * from "./config-types.ts";
export { resolvePath } from "./config-values.ts";
export { RESERVED_VARIABLES } from "./config-variables.ts";
export type {
  DestinationConfig,
  DestinationsConfig,
  ResolvedDestination,
  ResolvedDestinations,
} from "./destination-config.ts";
export type { CorsConfig, ResolvedRoute, RouteConfig } from "./route-config.ts";
export { ConfigError };

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
  if (port !== 0 && port === urlPort) {
    throw new ConfigError(
      `port and urlPort are both ${port}: the Invoke API and Function URLs each need a port of their own (0 picks a free one)`,
    );
  }
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
  checkDestinationFunctions(functions);
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
    sandbox: input.sandbox === undefined ? true : sandboxFlag(input.sandbox),
    eventJournal:
      input.eventJournal === undefined ? undefined : resolvePath(baseDir, text("eventJournal", "")),
    projectDir: resolvePath(baseDir, "."),
    functions,
    routes: resolveRoutes(input.routes, functions),
  };
}

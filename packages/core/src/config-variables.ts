/** The variables a function sees: env files and `environment`, top level then the function's own. */
import { parse as parseDotenv } from "dotenv";
import { ConfigError } from "./config-error.ts";
import { isObject, resolvePath, show } from "./config-values.ts";
import type { Platform } from "./platform.ts";

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

export interface Variables {
  environment: Record<string, string>;
  envFiles: string[];
}

/**
 * The variables one level of the config sets (the top level, `at` = "", or a function): its
 * `envFile` read as dotenv, then its `environment` over it — the order docker compose uses.
 */
export async function resolveVariables(
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

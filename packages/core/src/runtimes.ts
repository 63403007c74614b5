/**
 * How an environment's process is started: the command line for each runtime kind, and the exact
 * environment a runtime sees (docs/protocol.md, "Execution environment") — Lambda's variables, the
 * function's own, and only PATH, HOME, LD_LIBRARY_PATH and the AWS credentials of the host.
 */
import { functionArn as _arn, LATEST, logGroupName } from "@lambkin/protocol";
import type { ResolvedConfig, ResolvedFunction } from "./config.ts";
import { type EngineCommands, executionEnv } from "./engines.ts";
import { codeFolderProblem } from "./failed-child.ts";
import type { Platform } from "./platform.ts";

export type { EngineCommands } from "./engines.ts";

const dirname = (path: string) => path.slice(0, path.lastIndexOf("/"));

export function runtimeArgv(fn: ResolvedFunction, engines: EngineCommands): string[] {
  switch (fn.runtime) {
    case "node":
    case "bun":
    case "deno":
      if (!engines.client) {
        throw new Error(
          `cannot find @lambkin/client's runtime entry to run ${fn.runtime} function "${fn.name}": is @lambkin/client installed?`,
        );
      }
      if (fn.runtime === "node") return [...engines.node, ...nodeFlags(fn.memorySize), engines.client];
      return [...engines[fn.runtime], engines.client];
    case "provided": {
      const [program, ...args] = fn.command;
      // A relative program is relative to the code folder, as Lambda runs /var/task/bootstrap
      // (named so, without a "./", in its $0 and in its errors).
      const resolved =
        program!.includes("/") && !program!.startsWith("/")
          ? `${fn.codeDir}/${program!.replace(/^(\.\/)+/, "")}`
          : program!;
      return [resolved, ...args];
    }
  }
}

/**
 * The flags AWS's Node bootstrap gives node, from the function's memory size (docs/protocol.md,
 * "Node runtimes"): a tenth of the memory for the young generation (half of that per
 * semi-space), the rest for the old generation, gc exposed, and 80 KB HTTP headers. A function
 * that fits in its memory on Lambda then fits here, and one that does not fails here too. V8
 * flags cost Node ~12 ms of start-up (its built-in code cache is refused): docs/protocol.md.
 */
export function nodeFlags(memorySizeMB: number): string[] {
  const newSpace = Math.floor(memorySizeMB / 10);
  return [
    "--expose-gc",
    "--max-http-header-size=81920",
    `--max-semi-space-size=${Math.floor(newSpace / 2)}`,
    `--max-old-space-size=${memorySizeMB - newSpace}`,
  ];
}

/**
 * Why a `provided` runtime's program cannot start, in the Go wording Lambda's
 * `Runtime.InvalidEntrypoint` uses; undefined when it can (or it is looked up on the PATH). When
 * the whole code folder is gone (deleted while lambkin runs: Lambda has no such case), what
 * lambkin knows and the fix follow AWS's words, which stay first as Lambda prints them.
 */
export async function entrypointProblem(
  platform: Platform,
  program: string,
  codeDir: string,
): Promise<string | undefined> {
  if (!program.includes("/")) return undefined; // found on the PATH by the engine, or exit 127
  const info = await platform.stat(program);
  if (!info?.isFile) {
    const aws = `fork/exec ${program}: no such file or directory`;
    const folder = await codeFolderProblem(platform.stat, codeDir);
    return folder ? `${aws} (lambkin: ${folder})` : aws;
  }
  if (info.mode !== 0 && (info.mode & 0o111) === 0) return `fork/exec ${program}: permission denied`;
  return undefined;
}

const HOST_VARIABLES = [
  "PATH",
  "HOME",
  "LD_LIBRARY_PATH",
  "AWS_ACCESS_KEY_ID",
  "AWS_SECRET_ACCESS_KEY",
  "AWS_SESSION_TOKEN",
];

/** The complete environment of one runtime process. */
export function runtimeEnvironment(
  fn: ResolvedFunction,
  config: ResolvedConfig,
  platform: Platform,
  engines: EngineCommands,
  runtimeApi: string,
  logStreamName: string,
): Record<string, string> {
  const env: Record<string, string> = { ...fn.environment };
  for (const name of HOST_VARIABLES) {
    const value = platform.env[name];
    if (value !== undefined) env[name] = value;
  }
  // As on Lambda (/var/task/lib before the system's): the function's own lib/ first, then the
  // host's value; a function that sets LD_LIBRARY_PATH itself gets exactly that.
  env.LD_LIBRARY_PATH =
    fn.environment.LD_LIBRARY_PATH ??
    [`${fn.codeDir}/lib`, platform.env.LD_LIBRARY_PATH].filter(Boolean).join(":");
  env.PATH ??= "/usr/local/bin:/usr/bin:/bin";
  Object.assign(env, {
    AWS_LAMBDA_RUNTIME_API: runtimeApi,
    LAMBDA_TASK_ROOT: fn.codeDir,
    LAMBDA_RUNTIME_DIR: engines.client ? dirname(dirname(engines.client)) : fn.codeDir,
    AWS_LAMBDA_FUNCTION_NAME: fn.name,
    AWS_LAMBDA_FUNCTION_VERSION: LATEST,
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
    AWS_LAMBDA_LOG_GROUP_NAME: logGroupName(fn.name),
    AWS_LAMBDA_LOG_STREAM_NAME: logStreamName,
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    AWS_REGION: config.region,
    AWS_DEFAULT_REGION: config.region,
    TZ: ":UTC",
    LANG: "en_US.UTF-8",
    NODE_PATH: [...fn.layers.map((l) => `${l}/nodejs/node_modules`), `${fn.codeDir}/node_modules`].join(":"),
    AWS_LAMBDA_LOG_FORMAT: fn.logFormat,
  });
  if (fn.layers.length > 0) {
    // What Lambda extracts to /opt: /opt/bin ends PATH and /opt/lib ends LD_LIBRARY_PATH there.
    env.PATH = [env.PATH, ...fn.layers.map((l) => `${l}/bin`)].join(":");
    env.LD_LIBRARY_PATH = [env.LD_LIBRARY_PATH, ...fn.layers.map((l) => `${l}/lib`)]
      .filter(Boolean)
      .join(":");
  }
  if (fn.handler !== undefined) env._HANDLER = fn.handler;
  if (fn.logLevel !== undefined) env.AWS_LAMBDA_LOG_LEVEL = fn.logLevel;
  const execution = executionEnv(fn.runtime, platform, engines);
  if (execution !== undefined) env.AWS_EXECUTION_ENV = execution;
  return env;
}

/** The ARN of function `name` in this config's region and account. */
export const functionArnOf = (name: string, config: ResolvedConfig, qualifier?: string) =>
  _arn(config.region, config.accountId, name, qualifier);

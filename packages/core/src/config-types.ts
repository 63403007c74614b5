/**
 * lambkin.config's shape: what a user writes (`LambkinConfig`, `FunctionConfig`) and what lambkin
 * runs once every default is applied (`ResolvedConfig`, `ResolvedFunction`). Checked in config.ts.
 */
import type { DestinationsConfig, ResolvedDestinations } from "./destination-config.ts";
import { ENGINE_NAMES, type EngineName } from "./engines.ts";
import type {
  AccessConfig,
  FunctionUrlConfig,
  ResolvedAccess,
  ResolvedFunctionUrl,
} from "./gate/access-config.ts";
import type { ResolvedRoute, RouteConfig } from "./route-config.ts";

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
  /** Async invokes: where the record of each finished event goes (Lambda's DestinationConfig). */
  destinations?: DestinationsConfig;
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
  /**
   * Each environment in a sandbox of its own (bubblewrap): private /tmp, code and project folders
   * read-only, no home folder. Default true; without bubblewrap, a TMPDIR per environment.
   */
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
  destinations: ResolvedDestinations;
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
  /** Each environment in its own sandbox (sandbox.ts). Default true. */
  sandbox: boolean;
  /** Absolute path of the Event journal, or undefined. */
  eventJournal: string | undefined;
  /** The folder relative paths start from (the config's or template's): the project's own files. */
  projectDir: string;
  functions: Map<string, ResolvedFunction>;
  routes: ResolvedRoute[];
}

/**
 * @lambkin/core: AWS Lambda's execution model on web standards. `createLambkin(config, platform)`
 * wires the pieces — one scheduler per function, the async queue, the Invoke API front — and
 * nothing else; each piece lives in the file named for it.
 */
import { exitErrorBody, InvokeApiError, type InvokeOutput, MAX_ASYNC_PAYLOAD_BYTES } from "@lambkin/protocol";
import { AsyncQueue } from "./async-queue.ts";
import { type LambkinConfig, type ResolvedConfig, resolveConfig } from "./config.ts";
import { Invocation } from "./invocation.ts";
import { invokeBuffered, schedulerFor, validatePayload } from "./invoke.ts";
import { createInvokeApi } from "./invoke-api.ts";
import { consoleSink, type LogSink } from "./logs.ts";
import type { FetchHandler, Platform, Server } from "./platform.ts";
import { defaultEngineCommands, type EngineCommands } from "./runtimes.ts";
import { FunctionScheduler } from "./scheduler.ts";
import { createUrlApi } from "./url-api.ts";

export type { AsyncEvent } from "./async-queue.ts";
export {
  ConfigError,
  type FunctionConfig,
  type LambkinConfig,
  RESERVED_VARIABLES,
  type ResolvedConfig,
  type ResolvedFunction,
  type RuntimeName,
  resolveConfig,
  resolvePath,
} from "./config.ts";
export type { FunctionError, Outcome } from "./invocation.ts";
export type { InvokeResult } from "./invoke.ts";
export {
  type BatchedWriter,
  batchedWriter,
  consoleSink,
  type LogRecord,
  type LogSink,
  readLines,
  silentSink,
} from "./logs.ts";
export type * from "./platform.ts";
export { defaultEngineCommands, type EngineCommands } from "./runtimes.ts";

export interface LambkinOptions {
  /** Folder relative code folders start from (the config file's). Default: the host's cwd. */
  baseDir?: string;
  /** Where runtime output and platform lines go. Default: stdout, one line per record. */
  log?: LogSink;
  /** How to start node/bun/deno functions. Default: found from the workspace's installs. */
  engines?: EngineCommands;
}

export interface InvokeOptions {
  /** `RequestResponse` (default) waits for the result; `Event` queues it and returns 202. */
  invocationType?: "RequestResponse" | "Event" | "DryRun";
  /** Return the last 4 KB of the invocation's log as `logResult`. */
  tail?: boolean;
  /** The client context JSON (as a value; it reaches the runtime as `Lambda-Runtime-Client-Context`). */
  clientContext?: unknown;
}

export interface ListenInfo {
  /** The Invoke API endpoint, e.g. `http://127.0.0.1:3001`: give it to the AWS SDK or CLI. */
  url: string;
  port: number;
  /** The Function URL base, e.g. `http://127.0.0.1:3000`: `GET <functionUrl>/hello/path`. */
  functionUrl: string;
  urlPort: number;
}

export interface Lambkin {
  readonly config: ResolvedConfig;
  readonly platform: Platform;
  /** The Invoke API as a fetch handler (AWS SDK and CLI requests). */
  readonly fetch: FetchHandler;
  /** Function URLs as a fetch handler (curl, browsers): `/<function>/<path>`. */
  readonly urlFetch: FetchHandler;
  /** Binds the Invoke API on `config.host:config.port` and Function URLs on `config.urlPort` (0: free ports). */
  listen(): Promise<ListenInfo>;
  /** Invokes a function without going through HTTP on the caller's side (the runtime side is real). */
  invoke(functionName: string, payload?: unknown, options?: InvokeOptions): Promise<InvokeOutput>;
  /** Runtime processes alive now, of one function or all (for tests that check nothing is left behind). */
  pids(functionName?: string): number[];
  /** Stops every environment (no child process is left), answers what is pending, closes listeners. */
  close(): Promise<void>;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

export async function createLambkin(
  input: LambkinConfig,
  platform: Platform,
  options: LambkinOptions = {},
): Promise<Lambkin> {
  const config = await resolveConfig(input, options.baseDir ?? platform.cwd(), platform);
  const log = options.log ?? consoleSink;
  const engines = options.engines ?? defaultEngineCommands(platform);
  const schedulers = new Map<string, FunctionScheduler>();
  for (const fn of config.functions.values()) {
    schedulers.set(fn.name, new FunctionScheduler(fn, { platform, config, engines, log }));
  }
  const asyncQueue = new AsyncQueue(config, log);
  const fetch = createInvokeApi({
    config,
    schedulers,
    asyncQueue,
    startedAt: new Date(),
    Response: platform.Response,
  });
  const urlFetch = createUrlApi(schedulers);
  const servers: Server[] = [];
  let closing: Promise<void> | undefined;

  return {
    config,
    platform,
    fetch,
    urlFetch,
    async listen() {
      const api = await platform.serve(fetch, { hostname: config.host, port: config.port });
      servers.push(api);
      const urls = await platform.serve(urlFetch, { hostname: config.host, port: config.urlPort });
      servers.push(urls);
      const host = config.host.includes(":") ? `[${config.host}]` : config.host;
      return {
        url: `http://${host}:${api.port}`,
        port: api.port,
        functionUrl: `http://${host}:${urls.port}`,
        urlPort: urls.port,
      };
    },
    async invoke(functionName, payload = {}, opts = {}) {
      const scheduler = schedulerFor(schedulers, config, functionName);
      const type = opts.invocationType ?? "RequestResponse";
      const bytes = validatePayload(
        payload instanceof Uint8Array
          ? payload
          : encoder.encode(typeof payload === "string" ? payload : JSON.stringify(payload)),
        type,
        MAX_ASYNC_PAYLOAD_BYTES,
      );
      if (type === "DryRun") return { statusCode: 204, requestId: "", payload: new Uint8Array(0) };
      const invocation = new Invocation({
        payload: bytes,
        clientContext: opts.clientContext === undefined ? undefined : JSON.stringify(opts.clientContext),
      });
      if (type === "Event") {
        asyncQueue.enqueue(scheduler, {
          requestId: invocation.requestId,
          payload: bytes,
          receivedAt: invocation.receivedAt,
        });
        return { statusCode: 202, requestId: invocation.requestId, payload: new Uint8Array(0) };
      }
      const result = await invokeBuffered(scheduler, invocation, opts.tail ?? false);
      const out: InvokeOutput = { statusCode: 200, requestId: result.requestId, payload: result.payload };
      if (result.functionError) out.functionError = "Unhandled";
      if (result.logResult !== undefined) out.logResult = result.logResult;
      return out;
    },
    pids(functionName) {
      const selected = functionName === undefined ? [...schedulers.values()] : [schedulers.get(functionName)];
      return selected.flatMap((s) => s?.pids ?? []);
    },
    close() {
      closing ??= (async () => {
        asyncQueue.close();
        const shutdown = { code: null, signal: "SIGTERM" };
        await Promise.all(
          [...schedulers.values()].map((s) =>
            s.close((requestId) => ({
              errorType: "Runtime.ExitError",
              body: encoder.encode(exitErrorBody(requestId, shutdown)),
              platform: "error",
            })),
          ),
        );
        await Promise.all(servers.map((s) => s.close()));
        (log as { flush?: () => void }).flush?.();
      })();
      return closing;
    },
  };
}

/** Decodes an invoke's payload bytes as text (convenience for tests and the CLI). */
export function payloadText(output: Pick<InvokeOutput, "payload">): string {
  return decoder.decode(output.payload);
}

export {
  decodePayload,
  type InvokeResponse,
  type StartConfig,
  type StartedLambkin,
  startLambkin,
} from "./start.ts";
export { InvokeApiError };

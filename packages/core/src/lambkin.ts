/**
 * `createLambkin(config, platform)`: wires the pieces — one scheduler per function, the async
 * queue, the invoke service and its fronts (Invoke API, Function URLs, `invoke()`), the event
 * stream — and nothing else; each piece lives in the file named for it.
 */

import { AsyncQueue } from "./async-queue.ts";
import { ConfigError, type LambkinConfig, type ResolvedConfig, resolveConfig } from "./config.ts";
import { defaultEngineCommands, type EngineCommands } from "./engines.ts";
import type { EnvironmentContext } from "./environment/environment.ts";
import { exitError } from "./environment/failures.ts";
import { EventJournal } from "./event-journal.ts";
import { EventBus, type LambkinEventListener } from "./events.ts";
import { createApiGatewayFront } from "./fronts/api-gateway.ts";
import { createFunctionUrls } from "./fronts/function-urls.ts";
import { createInvokeApi } from "./fronts/invoke-api.ts";
import { guardFunctionUrls, guardInvokeApi } from "./gate/guard.ts";
import { type InvokeResult, InvokeService } from "./invoke/service.ts";
import { consoleSink, type LogSink } from "./logs.ts";
import type { FetchHandler, Platform, Server } from "./platform.ts";
import { FunctionScheduler } from "./scheduler.ts";
import { Watchdog } from "./watchdog.ts";

const encoder = new TextEncoder();

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

/** What `update` did: function names added, removed, and changed (recycled). */
export interface UpdateResult {
  added: string[];
  removed: string[];
  changed: string[];
}

export interface Lambkin {
  /** The config in force (replaced by `update`). */
  readonly config: ResolvedConfig;
  readonly platform: Platform;
  /** The Invoke API as a fetch handler (AWS SDK and CLI requests). */
  readonly fetch: FetchHandler;
  /** Function URLs as a fetch handler (curl, browsers): `/<function>/<path>`. */
  readonly urlFetch: FetchHandler;
  /** Binds the Invoke API on `config.host:config.port` and Function URLs on `config.urlPort` (0: free ports). */
  listen(): Promise<ListenInfo>;
  /** Invokes a function without going through HTTP on the caller's side (the runtime side is real). */
  invoke(functionName: string, payload?: unknown, options?: InvokeOptions): Promise<InvokeResult>;
  /** Runtime processes alive now, of one function or all (for tests that check nothing is left behind). */
  pids(functionName?: string): number[];
  /** Calls `listener` with every event from now on (see events.ts); returns the unsubscribe function. */
  subscribe(listener: LambkinEventListener): () => void;
  /**
   * Replaces a function's environments: idle ones stop at once, busy ones finish their invocation
   * and then stop, and every invocation submitted after the call goes to a new environment (of
   * the next generation). With `prewarm`, one new environment starts at once; the promise
   * resolves when it is ready or its init failed (an `environment.init-failed` event says which).
   */
  recycle(functionName: string, reason: string, options?: { prewarm?: boolean }): Promise<void>;
  /**
   * Reconfigures the running lambkin: new functions appear in the fronts, removed ones answer 404
   * (their environments stop once idle), changed ones are recycled. An invalid config throws
   * `ConfigError` and changes nothing; so does a change of `host`, `port` or `urlPort` once
   * listening (restart to apply those).
   */
  update(config: LambkinConfig): Promise<UpdateResult>;
  /** Stops every environment (no child process is left), answers what is pending, closes listeners. */
  close(): Promise<void>;
}

export async function createLambkin(
  input: LambkinConfig,
  platform: Platform,
  options: LambkinOptions = {},
): Promise<Lambkin> {
  const baseDir = options.baseDir ?? platform.cwd();
  const events = new EventBus();
  // One context for every scheduler and environment; `update` replaces its config.
  const ctx: EnvironmentContext = {
    platform,
    config: await resolveConfig(input, baseDir, platform),
    engines: options.engines ?? defaultEngineCommands(platform),
    log: options.log ?? consoleSink,
    events,
    watchdog: await Watchdog.start(platform),
  };
  const log = ctx.log;
  const schedulers = new Map<string, FunctionScheduler>();
  /** Functions removed by `update` whose environments may still be finishing: close() stops them too. */
  const removed = new Set<FunctionScheduler>();
  for (const fn of ctx.config.functions.values()) schedulers.set(fn.name, new FunctionScheduler(fn, ctx));
  // Events a previous lambkin accepted and did not finish run again (event-journal.ts).
  const host = platform.host;
  const opened =
    host && ctx.config.eventJournal ? await EventJournal.open(host, ctx.config.eventJournal) : undefined;
  const asyncQueue = new AsyncQueue({
    get config() {
      return ctx.config;
    },
    log,
    events,
    scheduler: (name) => schedulers.get(name),
    journal: opened?.journal,
    host,
  });
  // Events a previous lambkin accepted and did not end run again.
  if (opened) await asyncQueue.replay(opened.pending);
  const service = new InvokeService({
    get config() {
      return ctx.config;
    },
    schedulers,
    asyncQueue,
    log,
  });
  const fetch = createInvokeApi({
    service,
    get config() {
      return ctx.config;
    },
    startedAt: new Date(),
    host: platform,
    engines: ctx.engines,
    Response: platform.Response,
  });
  // API Gateway routes first, then the Function URL paths `/<function>/…`.
  const urlFetch = createApiGatewayFront({
    routes: () => ctx.config.routes,
    accountId: () => ctx.config.accountId,
    invoke: (name, payload, requestId) => service.start(service.lookup(name), { payload, requestId }).outcome,
    log,
    fallback: createFunctionUrls(service),
  });
  const servers: Server[] = [];
  let closing: Promise<void> | undefined;
  /** Updates run one after another: each compares against the config the previous one left. */
  let updating: Promise<unknown> = Promise.resolve();

  async function update(input: LambkinConfig): Promise<UpdateResult> {
    if (closing) throw new Error("lambkin is closed: it cannot be updated");
    const next = await resolveConfig(input, baseDir, platform);
    const current = ctx.config;
    if (servers.length > 0) {
      for (const key of ["host", "port", "urlPort"] as const) {
        if (next[key] !== current[key]) {
          throw new ConfigError(
            `${key} cannot change while lambkin is listening (${current[key]} → ${next[key]}): restart lambkin to apply it`,
          );
        }
      }
    }
    // The region and account are in every function's ARN and environment.
    const everything = next.region !== current.region || next.accountId !== current.accountId;
    const result: UpdateResult = { added: [], removed: [], changed: [] };
    ctx.config = next;
    for (const [name, scheduler] of schedulers) {
      if (next.functions.has(name)) continue;
      schedulers.delete(name);
      removed.add(scheduler);
      result.removed.push(name);
      void scheduler.retire("function removed from the config");
    }
    for (const fn of next.functions.values()) {
      const scheduler = schedulers.get(fn.name);
      if (!scheduler) {
        schedulers.set(fn.name, new FunctionScheduler(fn, ctx));
        result.added.push(fn.name);
      } else if (everything || JSON.stringify(scheduler.fn) !== JSON.stringify(fn)) {
        void scheduler.recycle("configuration changed", { fn });
        result.changed.push(fn.name);
      }
    }
    if (next.idleTimeoutMs !== current.idleTimeoutMs) for (const s of schedulers.values()) s.resetReaper();
    service.reset();
    return result;
  }

  return {
    get config() {
      return ctx.config;
    },
    platform,
    fetch,
    urlFetch,
    subscribe: (listener) => events.subscribe(listener),
    recycle(functionName, reason, opts = {}) {
      const scheduler = schedulers.get(functionName);
      if (!scheduler) {
        return Promise.reject(
          new Error(
            `cannot recycle "${functionName}": no such function (known: ${[...schedulers.keys()].join(", ")})`,
          ),
        );
      }
      return scheduler.recycle(reason, opts);
    },
    update(input) {
      const run = updating.then(() => update(input));
      updating = run.catch(() => {});
      return run;
    },
    async listen() {
      const { host: hostname, port, urlPort } = ctx.config;
      // Over HTTP every request passes the gate first (gate/): Origin, Host, header limits, SigV4.
      // It reads the config per request, so update() changes what it allows.
      const gate = { host: hostname, access: () => ctx.config.access };
      const api = await platform.serve(guardInvokeApi(fetch, gate), { hostname, port });
      servers.push(api);
      const urlGate = {
        ...gate,
        urlConfigOf: (name: string) => ctx.config.functions.get(name)?.url,
        routeOrigins: () => ctx.config.routes.flatMap((route) => route.cors?.allowOrigins ?? []),
      };
      const urls = await platform.serve(guardFunctionUrls(urlFetch, urlGate), { hostname, port: urlPort });
      servers.push(urls);
      const host = hostname.includes(":") ? `[${hostname}]` : hostname;
      return {
        url: `http://${host}:${api.port}`,
        port: api.port,
        functionUrl: `http://${host}:${urls.port}`,
        urlPort: urls.port,
      };
    },
    // The programmatic front: the caller's value becomes the payload bytes; the service does the rest.
    invoke(functionName, payload = {}, opts = {}) {
      const type = opts.invocationType ?? "RequestResponse";
      const target = service.lookup(functionName);
      const bytes =
        payload instanceof Uint8Array
          ? payload
          : encoder.encode(typeof payload === "string" ? payload : JSON.stringify(payload));
      return service.invoke(target, {
        invocationType: type,
        payload: service.check(bytes, type),
        tail: opts.tail,
        clientContext: opts.clientContext === undefined ? undefined : JSON.stringify(opts.clientContext),
      });
    },
    pids(functionName) {
      const all = [...schedulers.values(), ...removed];
      const selected = functionName === undefined ? all : all.filter((s) => s.fn.name === functionName);
      return selected.flatMap((s) => s.pids);
    },
    close() {
      closing ??= (async () => {
        asyncQueue.close();
        const shutdown = { code: null, signal: "SIGTERM" };
        await Promise.all(
          [...schedulers.values(), ...removed].map((s) =>
            s.close((requestId) => exitError(requestId, shutdown)),
          ),
        );
        await Promise.all(servers.map((s) => s.close()));
        await ctx.watchdog?.close();
        (log as { flush?: () => void }).flush?.();
      })();
      return closing;
    },
  };
}

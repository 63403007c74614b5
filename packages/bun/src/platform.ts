/**
 * lambkin's `Platform` on Bun: `Bun.serve` and `Bun.spawn`, with the Node adapter's node:http
 * server (run by Bun's compatibility layer) for servers that must read HTTP trailers.
 */
import { readFile, stat } from "node:fs/promises";
import {
  type Child,
  FastResponse,
  type FetchHandler,
  failedChild,
  killProcessGroup,
  nativeAnswer,
  type Platform,
  type RequestInfo,
  type ServeOptions,
  type Server,
  type SpawnOptions,
  statWith,
} from "@lambkin/core";
// From the Node adapter only what runs on this engine's node: layer as it is: its node:http server
// (the one that reads HTTP trailers) and its node:fs host files. Everything else is core's.
import { hostFiles, serveNodeHttp } from "@lambkin/node/platform";
import { requireBun } from "./engine-guard.ts";

// Before anything touches Bun's globals: on another engine, say which package to use instead.
requireBun();

// The few Bun APIs used here, typed structurally: the published .d.ts must not mention `Bun`'s own
// types (they clash with @types/node for whoever imports this package).
interface BunServer {
  readonly port: number;
  requestIP(request: Request): { address: string } | null;
  stop(closeActiveConnections?: boolean): Promise<void>;
}
interface BunSubprocess {
  readonly pid: number;
  readonly stdout: ReadableStream<Uint8Array>;
  readonly stderr: ReadableStream<Uint8Array>;
  readonly exited: Promise<number>;
  readonly exitCode: number | null;
  readonly signalCode: string | number | null;
}
declare const Bun: {
  readonly version: string;
  serve(options: {
    hostname: string;
    port: number;
    idleTimeout: number;
    fetch(request: Request, server: BunServer): Response | Promise<Response>;
    error(error: unknown): Response;
  }): BunServer;
  spawn(argv: string[], options: Record<string, unknown>): BunSubprocess;
};

const NativeResponse = globalThis.Response;

class BunRequestInfo implements RequestInfo {
  /** Core answers in Bun's own Response: Bun.serve would have to convert any other. */
  readonly Response = NativeResponse;
  #request: Request;
  #server: BunServer;

  constructor(request: Request, server: BunServer) {
    this.#request = request;
    this.#server = server;
  }

  get remoteAddress(): string | undefined {
    return this.#server.requestIP(this.#request)?.address;
  }

  // Bun.serve never shows trailers; servers that need them are node:http ones (see serve).
  trailers(): Promise<Headers> {
    return Promise.resolve(new Headers());
  }
}

/** The engine's server takes only its own `Response`: unwrap a `FastResponse`. */
async function serve(handler: FetchHandler, options: ServeOptions): Promise<Server> {
  // Bun.serve's Request has no trailers, and after a chunked body carrying some it even answers
  // a spurious 400 (it parses them as a new request): Bun's node:http layer reads them fine.
  if (options.trailers) return serveNodeHttp(handler, options);
  const server = Bun.serve({
    hostname: options.hostname,
    port: options.port,
    // Bun closes a connection idle for 10 s by default, a pending long-poll `next` included.
    idleTimeout: 0,
    fetch: (request, server) => nativeAnswer(handler(request, new BunRequestInfo(request, server))),
    error(error) {
      console.error("lambkin: the request handler failed:", error);
      return new Response("Internal Server Error", { status: 500 });
    },
  });
  return { port: server.port, close: () => server.stop(true) };
}

function spawn(argv: string[], options: SpawnOptions): Child {
  const { cwd, env } = options;
  let proc: BunSubprocess;
  try {
    // detached: the child calls setsid(), so it leads a new process group we can signal whole.
    proc = Bun.spawn(argv, { cwd, env, detached: true, stdin: "ignore", stdout: "pipe", stderr: "pipe" });
  } catch (error) {
    // Bun throws at once (ENOENT, EACCES) where node emits an 'error' event.
    return failedChild(argv, cwd, error, {
      stat: statWith(stat),
      readTextFile: (path) => readFile(path, "utf8"),
      path: env.PATH,
    });
  }
  const pid = proc.pid;
  return {
    pid,
    stdout: proc.stdout,
    stderr: proc.stderr,
    // Bun resolves `exited` with 128+n for a signal; the signal itself is in `signalCode`.
    exited: proc.exited.then(() => {
      const signal = proc.signalCode;
      return signal === null ? { code: proc.exitCode, signal: null } : { code: null, signal: String(signal) };
    }),
    kill: (signal = "SIGTERM") => killProcessGroup((p, s) => process.kill(p, s), pid, signal),
  };
}

export const bunPlatform: Platform & { readonly Response: typeof Response } = {
  // Files, environment and cwd through Bun's node: modules, which are native there.
  readTextFile: (path) => readFile(path, "utf8"),
  stat: statWith(stat),
  env: process.env,
  cwd: () => process.cwd(),
  host: hostFiles,
  name: "bun",
  version: Bun.version,
  execPath: process.execPath,
  serve,
  spawn,
  // Cheapest on the node:http (trailers) servers; Bun.serve gets Bun's own (see `native`).
  Response: FastResponse,
};

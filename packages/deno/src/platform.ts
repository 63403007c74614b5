/**
 * lambkin's `Platform` on Deno: `Deno.serve` and `Deno.Command`, with the Node adapter's node:http
 * server (run by Deno's compatibility layer) for servers that must read HTTP trailers.
 */
import { stat } from "node:fs/promises";
import process from "node:process";
import {
  type Child,
  FastResponse,
  type FetchHandler,
  failedChild,
  killProcessGroup,
  nativeAnswer,
  type Platform,
  type ServeOptions,
  type Server,
  type SpawnOptions,
  statWith,
} from "@lambkin/core";
// From the Node adapter only what runs on this engine's node: layer as it is: its node:http server
// (the one that reads HTTP trailers) and its node:fs host files. Everything else is core's.
import { hostFiles, serveNodeHttp } from "@lambkin/node/platform";
import { requireDeno } from "./engine-guard.ts";

// Before anything touches Deno's globals: on another engine, say which package to use instead.
requireDeno();

// The few Deno APIs used here, typed structurally: the published .d.ts must not mention `Deno`'s
// own types (they clash with @types/node for whoever imports this package).
interface DenoChildProcess {
  readonly pid: number;
  readonly stdout: ReadableStream<Uint8Array>;
  readonly stderr: ReadableStream<Uint8Array>;
  readonly status: Promise<{ code: number; signal: string | null }>;
}
declare const Deno: {
  readonly version: { readonly deno: string };
  execPath(): string;
  kill(pid: number, signal: string): void;
  serve(
    options: {
      hostname: string;
      port: number;
      signal: AbortSignal;
      onListen(): void;
      onError(error: unknown): Response;
    },
    handler: (request: Request, info: { remoteAddr: { hostname: string } }) => Response | Promise<Response>,
  ): { readonly addr: { readonly port: number }; readonly finished: Promise<void> };
  Command: new (program: string, options: Record<string, unknown>) => { spawn(): DenoChildProcess };
  readTextFile(path: string): Promise<string>;
};

// Deno.serve never shows trailers; servers that need them are node:http ones (see serve).
const noTrailers = () => Promise.resolve(new Headers());
/** Core answers in Deno's own Response: Deno.serve would have to convert any other. */
const NativeResponse = globalThis.Response;

/** The engine's server takes only its own `Response`: unwrap a `FastResponse`. */
async function serve(handler: FetchHandler, options: ServeOptions): Promise<Server> {
  // Deno.serve's Request has no trailers; Deno's node:http layer reads them.
  if (options.trailers) return serveNodeHttp(handler, options);
  // Aborting closes every connection; `shutdown()` would wait for a pending long-poll forever.
  const abort = new AbortController();
  const server = Deno.serve(
    {
      hostname: options.hostname,
      port: options.port,
      signal: abort.signal,
      onListen() {},
      onError(error) {
        console.error("lambkin: the request handler failed:", error);
        return new Response("Internal Server Error", { status: 500 });
      },
    },
    (request, info) =>
      nativeAnswer(
        handler(request, {
          remoteAddress: info.remoteAddr.hostname,
          trailers: noTrailers,
          Response: NativeResponse,
        }),
      ),
  );
  return {
    port: server.addr.port,
    close: () => {
      abort.abort();
      return server.finished;
    },
  };
}

function spawn(argv: string[], options: SpawnOptions): Child {
  const { cwd, env } = options;
  let proc: DenoChildProcess;
  try {
    // detached: the child calls setsid(), so it leads a new process group we can signal whole.
    proc = new Deno.Command(argv[0] ?? "", {
      args: argv.slice(1),
      cwd,
      env,
      clearEnv: true,
      detached: true,
      stdin: "null",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch (error) {
    // Deno throws at once (NotFound, PermissionDenied, both with an errno `code`).
    return failedChild(argv, cwd, error, {
      stat: statWith(stat),
      readTextFile: (path) => Deno.readTextFile(path),
      path: env.PATH,
    });
  }
  const pid = proc.pid;
  return {
    pid,
    stdout: proc.stdout,
    stderr: proc.stderr,
    // Deno reports 128+n as the code of a signalled process; the signal is in `signal`.
    exited: proc.status.then(({ code, signal }) =>
      signal === null ? { code, signal } : { code: null, signal },
    ),
    kill: (signal = "SIGTERM") => killProcessGroup((p, s) => Deno.kill(p, s), pid, signal),
  };
}

export const denoPlatform: Platform & { readonly Response: typeof Response } = {
  // Stat, environment and cwd through Deno's node: modules (process.env is live there too).
  stat: statWith(stat),
  env: process.env,
  cwd: () => process.cwd(),
  host: hostFiles,
  name: "deno",
  version: Deno.version.deno,
  execPath: Deno.execPath(),
  serve,
  spawn,
  // Read for every REPORT's Max Memory Used (/proc/<pid>/status): Deno's own call costs ~57 µs
  // here, node:fs's readFile through the compatibility layer ~155–240 µs.
  readTextFile: (path) => Deno.readTextFile(path),
  // Cheapest on the node:http (trailers) servers; Deno.serve gets Deno's own (see `native`).
  Response: FastResponse,
};

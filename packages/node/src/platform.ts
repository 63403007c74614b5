/**
 * lambkin's `Platform` on Node: node:http, node:child_process, node:fs.
 *
 * Bun and Deno run this same code through their node: compatibility layers where their native
 * APIs fall short (a server that reads HTTP trailers), so it sticks to what those layers
 * implement too.
 */
import { spawn as spawnProcess } from "node:child_process";
import { readFile, stat } from "node:fs/promises";
import {
  createServer,
  type Server as HttpServer,
  type IncomingMessage,
  type ServerResponse,
} from "node:http";
import type { AddressInfo, Socket } from "node:net";
import {
  type Child,
  type ExitStatus,
  FastResponse,
  type FetchHandler,
  failedChild,
  killProcessGroup,
  type Platform,
  type RequestInfo,
  type ServeOptions,
  type Server,
  type SpawnOptions,
  statWith,
} from "@lambkin/core";
import { NodeRequest, toWebStream } from "./_request.ts";
import { writeResponse } from "./_response.ts";
import { hostFiles } from "./host-files.ts";

/** Moved to @lambkin/core (platform-kit.ts); re-exported for code that imported them from here. */
export { FastResponse, failedChild, nativeResponse } from "@lambkin/core";
export { hostFiles } from "./host-files.ts";

class NodeRequestInfo implements RequestInfo {
  #req: IncomingMessage;

  constructor(req: IncomingMessage) {
    this.#req = req;
  }

  get remoteAddress(): string | undefined {
    return this.#req.socket.remoteAddress;
  }

  trailers(): Promise<Headers> {
    const req = this.#req;
    // `complete` means the parser has seen the whole message, trailers included.
    if (req.complete) return Promise.resolve(trailersOf(req));
    return new Promise((resolve) => {
      const done = () => {
        req.off("end", done);
        req.off("close", done);
        resolve(trailersOf(req));
      };
      req.on("end", done);
      req.on("close", done);
    });
  }
}

function trailersOf(req: IncomingMessage): Headers {
  const headers = new Headers();
  const raw = req.rawTrailers;
  for (let i = 0; i < raw.length; i += 2) {
    try {
      headers.append(raw[i]!, raw[i + 1]!);
    } catch {
      // A field `Headers` refuses (a bad name) is dropped rather than failing the request.
    }
  }
  return headers;
}

function fail(res: ServerResponse, error: unknown): void {
  console.error("lambkin: the request handler failed:", error);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(500, ["content-type", "text/plain; charset=utf-8", "content-length", "21"]);
  res.end("Internal Server Error");
}

function send(res: ServerResponse, response: Response): void {
  try {
    writeResponse(res, response);
  } catch (error) {
    fail(res, error);
  }
}

/**
 * The node:http server behind `serve`, not yet listening: for callers that want to attach the
 * handler to a server they manage themselves.
 */
export function createHttpServer(handler: FetchHandler): HttpServer {
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    let response: Response | Promise<Response>;
    try {
      response = handler(new NodeRequest(req, res) as unknown as Request, new NodeRequestInfo(req));
    } catch (error) {
      fail(res, error);
      return;
    }
    if (response instanceof Promise)
      response.then(
        (r) => send(res, r),
        (error) => fail(res, error),
      );
    else send(res, response);
  };
  return createServer(
    {
      // A runtime's `next` long-polls for as long as no event comes: node's 5-minute request
      // timeout would cut it. Idle keep-alive sockets are left to the client to close, so a
      // runtime reusing its connection after a long invoke never races the server closing it.
      requestTimeout: 0,
      headersTimeout: 0,
      keepAliveTimeout: 0,
      // Repeated fields arrive joined with ", ", as `Headers.get` returns them (node otherwise
      // drops repeats of some fields).
      joinDuplicateHeaders: true,
      requireHostHeader: false,
    },
    listener,
  );
}

/**
 * Serves `handler` on node:http, which reads HTTP trailers (a streaming runtime reports a
 * mid-stream error in them). Bun and Deno use it, through their node: layers, for the servers
 * that need trailers: their native servers expose none.
 */
export async function serveNodeHttp(handler: FetchHandler, options: ServeOptions): Promise<Server> {
  const server = createHttpServer(handler);
  const sockets = new Set<Socket>();
  server.on("connection", (socket: Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.hostname, () => {
      server.off("error", reject);
      resolve();
    });
  });
  // An 'error' after listening (accept failing under fd exhaustion) must not crash the host.
  server.on("error", (error) => console.error("lambkin: server error:", error));
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}

// How a program that did not start is looked at, to say what is missing (failedChild).
const lookup = (env: Record<string, string>) => ({ stat: statWith(stat), readTextFile, path: env.PATH });
const readTextFile = (path: string) => readFile(path, "utf8");

function spawn(argv: string[], options: SpawnOptions): Child {
  const { cwd, env } = options;
  if (argv[0] === undefined) return failedChild(argv, cwd, undefined);
  let child: ReturnType<typeof spawnProcess>;
  try {
    // detached: the child calls setsid(), so it leads a new process group we can signal whole.
    child = spawnProcess(argv[0], argv.slice(1), {
      cwd,
      env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
  } catch (error) {
    return failedChild(argv, cwd, error, lookup(env));
  }
  const pid = child.pid;
  // A missing or non-executable program (or cwd) leaves no pid; node emits the reason as 'error'
  // on the next tick.
  if (pid === undefined)
    return failedChild(argv, cwd, new Promise((resolve) => child.once("error", resolve)), lookup(env));
  // No other 'error' is expected once started, but an unhandled one would crash the host.
  child.on("error", () => {});
  const exited = new Promise<ExitStatus>((resolve) => {
    // 'exit', not 'close': a grandchild holding stdout open must not hide the leader's exit.
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  return {
    pid,
    stdout: toWebStream(child.stdout!),
    stderr: toWebStream(child.stderr!),
    exited,
    kill: (signal = "SIGTERM") => killProcessGroup((p, s) => process.kill(p, s), pid, signal),
  };
}

/**
 * `Response` is not (yet) part of `Platform`: it is the constructor core should build its answers
 * with, so that on Node they skip undici's per-body stream (see fast-response.ts).
 */
export const nodePlatform: Platform & { readonly Response: typeof Response } = {
  name: "node",
  version: process.versions.node,
  execPath: process.execPath,
  serve: serveNodeHttp,
  spawn,
  readTextFile,
  stat: statWith(stat),
  env: process.env,
  cwd: () => process.cwd(),
  Response: FastResponse,
  host: hostFiles,
};

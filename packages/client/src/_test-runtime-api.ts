// Test support (not part of the package): a small, real Runtime API on node:http, and a way to
// start the built runtime (dist/runtime.js) under node, bun or deno against it. The server speaks
// docs/protocol.md ("Runtime API"): `next` is a long poll answered with the exact headers Lambda sends, and every
// post (response, error, init/error, streamed or not) is recorded byte for byte with its headers
// and trailers, so tests assert exactly what the client sent.
import { type ChildProcess, spawn } from "node:child_process";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PACKAGE_ROOT = fileURLToPath(new URL("..", import.meta.url));
export const REPO_ROOT = path.resolve(PACKAGE_ROOT, "../..");
export const FIXTURES = path.join(PACKAGE_ROOT, "test-fixtures");
export const RUNTIME_JS = path.join(PACKAGE_ROOT, "dist/runtime.js");
/** The same file reached through node_modules, as an installed package would be. */
export const INSTALLED_RUNTIME_JS = path.join(REPO_ROOT, "node_modules/@lambkin/client/dist/runtime.js");

export type Engine = "node" | "bun" | "deno";
export const ENGINES: Engine[] = ["node", "bun", "deno"];

export interface InvokeOptions {
  requestId?: string;
  /** Epoch ms; default one minute from now. */
  deadlineMs?: number;
  functionArn?: string;
  /** null: send no trace header. */
  traceId?: string | null;
  clientContext?: string;
  cognitoIdentity?: string;
  tenantId?: string;
}

export interface RecordedPost {
  kind: "response" | "error" | "init-error";
  requestId: string | undefined;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
  /** Body chunks in arrival order. */
  chunks: Buffer[];
  trailers: Record<string, string>;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: Error): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => {});
  return { promise, resolve, reject };
}

let counter = 0;

export class FakeRuntimeApi {
  readonly #server: http.Server;
  readonly #queue: { body: string; headers: Record<string, string> }[] = [];
  readonly #waiting: http.ServerResponse[] = [];
  readonly #outcomes = new Map<string, Deferred<RecordedPost>>();
  readonly #firstChunks = new Map<string, Deferred<void>>();
  #initError = deferred<RecordedPost>();
  /** What happened, in order: `next`, `chunk:<id>:<text>`, `signal:<id>`, `post:<kind>:<id>`. */
  readonly events: string[] = [];

  private constructor(server: http.Server) {
    this.#server = server;
  }

  static async start(): Promise<FakeRuntimeApi> {
    const server = http.createServer();
    const api = new FakeRuntimeApi(server);
    server.on("request", (req, res) => api.#handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return api;
  }

  /** `host:port`, the value of AWS_LAMBDA_RUNTIME_API. */
  get address(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `127.0.0.1:${port}`;
  }

  /** Queues an invocation and resolves with the runtime's answer to it. */
  invoke(event: unknown, options: InvokeOptions = {}): Promise<RecordedPost> {
    const requestId = options.requestId ?? `req-${process.pid}-${++counter}-${Date.now()}`;
    const headers: Record<string, string> = {
      "Lambda-Runtime-Aws-Request-Id": requestId,
      "Lambda-Runtime-Deadline-Ms": String(options.deadlineMs ?? Date.now() + 60_000),
      "Lambda-Runtime-Invoked-Function-Arn":
        options.functionArn ?? "arn:aws:lambda:us-east-1:123456789012:function:fixture",
      "Content-Type": "application/json",
    };
    if (options.traceId !== null) {
      headers["Lambda-Runtime-Trace-Id"] =
        options.traceId ?? "Root=1-65f1a2b3-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=0";
    }
    if (options.clientContext) headers["Lambda-Runtime-Client-Context"] = options.clientContext;
    if (options.cognitoIdentity) headers["Lambda-Runtime-Cognito-Identity"] = options.cognitoIdentity;
    if (options.tenantId) headers["Lambda-Runtime-Aws-Tenant-Id"] = options.tenantId;
    const outcome = deferred<RecordedPost>();
    this.#outcomes.set(requestId, outcome);
    this.#queue.push({ body: typeof event === "string" ? event : JSON.stringify(event), headers });
    this.#dispatch();
    return outcome.promise;
  }

  /** Resolves with the runtime's `/runtime/init/error` post. */
  initError(): Promise<RecordedPost> {
    return this.#initError.promise;
  }

  /**
   * The runtime process ended: invocations still waiting for an answer fail now, with its exit
   * status and stderr, instead of at the test's timeout.
   */
  runtimeExited(code: number | null, signal: string | null, stderr: string): void {
    const error = new Error(
      `the runtime exited (code ${code}, signal ${signal}) without answering:\n${stderr}`,
    );
    for (const outcome of this.#outcomes.values()) outcome.reject(error);
    this.#initError.reject(error);
  }

  /** Stops listening and drops every connection, like a lambkin that died. */
  async close(): Promise<void> {
    for (const res of this.#waiting.splice(0)) res.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #dispatch(): void {
    while (this.#queue.length > 0 && this.#waiting.length > 0) {
      const res = this.#waiting.shift()!;
      if (res.destroyed) continue;
      const next = this.#queue.shift()!;
      res.writeHead(200, next.headers);
      res.end(next.body);
    }
  }

  #firstChunk(requestId: string): Deferred<void> {
    let d = this.#firstChunks.get(requestId);
    if (!d) {
      d = deferred<void>();
      this.#firstChunks.set(requestId, d);
    }
    return d;
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = req.url ?? "";
    if (req.method === "GET" && url === "/2018-06-01/runtime/invocation/next") {
      this.events.push("next");
      this.#waiting.push(res);
      // A runtime that dies while polling: forget its request.
      res.once("close", () => {
        const i = this.#waiting.indexOf(res);
        if (i >= 0) this.#waiting.splice(i, 1);
      });
      this.#dispatch();
      return;
    }
    // Test-only: answers once the streamed response of <id> has delivered its first bytes, so a
    // handler can wait for proof that its earlier writes left the process before it goes on.
    const signal = /^\/test\/first-chunk\/(.+)$/.exec(url);
    if (req.method === "GET" && signal) {
      const id = decodeURIComponent(signal[1]!);
      void this.#firstChunk(id).promise.then(() => {
        this.events.push(`signal:${id}`);
        res.writeHead(200, { "Content-Type": "text/plain" });
        res.end("ok");
      });
      return;
    }
    const post = /^\/2018-06-01\/runtime\/(?:invocation\/([^/]+)\/(response|error)|(init\/error))$/.exec(url);
    if (req.method !== "POST" || !post) {
      res.writeHead(404, { "Content-Type": "application/json" });
      res.end(JSON.stringify({ errorType: "NotFound", errorMessage: `no route ${req.method} ${url}` }));
      return;
    }
    const requestId = post[1] === undefined ? undefined : decodeURIComponent(post[1]);
    const kind: RecordedPost["kind"] = post[3] ? "init-error" : post[2] === "error" ? "error" : "response";
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => {
      chunks.push(chunk);
      if (requestId !== undefined) {
        this.events.push(`chunk:${requestId}:${chunk.toString("latin1")}`);
        this.#firstChunk(requestId).resolve();
      }
    });
    req.on("end", () => {
      this.events.push(`post:${kind}:${requestId ?? ""}`);
      const recorded: RecordedPost = {
        kind,
        requestId,
        headers: req.headers,
        body: Buffer.concat(chunks),
        chunks,
        trailers: { ...(req.trailers as Record<string, string>) },
      };
      res.writeHead(202, { "Content-Type": "application/json" });
      res.end('{"status":"OK"}');
      if (kind === "init-error") {
        // As in Lambda, the init error is the answer to every invocation waiting for this runtime.
        this.#initError.resolve(recorded);
        for (const outcome of this.#outcomes.values()) outcome.resolve(recorded);
      } else if (requestId !== undefined) this.#outcomes.get(requestId)?.resolve(recorded);
    });
  }
}

export interface RuntimeProcess {
  readonly child: ChildProcess;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stdout(): string;
  stderr(): string;
  /** Resolves with stdout once `predicate` holds for it (the child writes asynchronously). */
  waitForStdout(predicate: (stdout: string) => boolean): Promise<string>;
  kill(): Promise<void>;
}

export interface StartOptions {
  engine: Engine;
  api: FakeRuntimeApi;
  /** The code folder: cwd and LAMBDA_TASK_ROOT. */
  cwd: string;
  handler: string;
  env?: Record<string, string>;
  /** Default: dist/runtime.js of this package. */
  runtimeJs?: string;
  /** Engine options before the file (`--import-map=…` for deno run). */
  engineFlags?: string[];
}

/** The argv that starts `file` under `engine`, as lambkin does (plus `flags`, if any). */
export function engineArgv(engine: Engine, file: string, flags: string[] = []): string[] {
  if (engine === "node") return [process.execPath, ...flags, file];
  if (engine === "bun") return [path.join(REPO_ROOT, "node_modules/.bin/bun"), ...flags, file];
  return [path.join(REPO_ROOT, "node_modules/.bin/deno"), "run", "-A", ...flags, file];
}

/** The variables Lambda sets (docs/protocol.md, "Execution environment"), for a function named `fixture`. */
export function lambdaEnv(api: FakeRuntimeApi, cwd: string, handler: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "/usr/bin:/bin",
    HOME: process.env.HOME ?? "/root",
    _HANDLER: handler,
    LAMBDA_TASK_ROOT: cwd,
    AWS_LAMBDA_RUNTIME_API: api.address,
    AWS_LAMBDA_FUNCTION_NAME: "fixture",
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "256",
    AWS_LAMBDA_LOG_GROUP_NAME: "/aws/lambda/fixture",
    AWS_LAMBDA_LOG_STREAM_NAME: "2026/11/27/[$LATEST]0123456789abcdef0123456789abcdef",
    AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand",
    AWS_REGION: "us-east-1",
    AWS_DEFAULT_REGION: "us-east-1",
    TZ: ":UTC",
    LANG: "en_US.UTF-8",
    NO_COLOR: "1",
    DENO_NO_UPDATE_CHECK: "1",
  };
}

export function startRuntime(options: StartOptions): RuntimeProcess {
  const [command, ...args] = engineArgv(options.engine, options.runtimeJs ?? RUNTIME_JS, options.engineFlags);
  const runtime = startProcess(command!, args, {
    cwd: options.cwd,
    env: { ...lambdaEnv(options.api, options.cwd, options.handler), ...options.env },
  });
  void runtime.exited.then(({ code, signal }) => options.api.runtimeExited(code, signal, runtime.stderr()));
  return runtime;
}

export function startProcess(
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): RuntimeProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  let err = "";
  const watchers = new Set<() => void>();
  child.stdout!.setEncoding("utf8").on("data", (text: string) => {
    out += text;
    for (const watch of watchers) watch();
  });
  child.stderr!.setEncoding("utf8").on("data", (text: string) => {
    err += text;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on("exit", (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    exited,
    stdout: () => out,
    stderr: () => err,
    waitForStdout(predicate) {
      return new Promise((resolve) => {
        const watch = () => {
          if (!predicate(out)) return;
          watchers.delete(watch);
          resolve(out);
        };
        watchers.add(watch);
        watch();
      });
    },
    async kill() {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
      await exited;
    },
  };
}

/** The log records of one request id, split on the record separator (newline). */
export function recordsOf(stdout: string, requestId: string): string[] {
  return stdout.split("\n").filter((line) => line.includes(requestId));
}

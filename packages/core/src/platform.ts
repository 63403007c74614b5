/**
 * The one seam between lambkin's core and the JavaScript engine that hosts it.
 *
 * Core uses web standards only (Request, Response, ReadableStream, timers, crypto). Everything that
 * needs an engine API — listening on a socket, starting a process, reading /proc — comes through
 * this interface, which each adapter (`@lambkin/node`, `@lambkin/bun`, `@lambkin/deno`) implements
 * in a few lines per member. If an adapter needs logic another adapter would need too, it belongs
 * in core instead.
 */

/** What the listener knows about a request beyond the web `Request`. */
export interface RequestInfo {
  /** The peer's IP address, when the engine tells it. */
  readonly remoteAddress?: string;
  /**
   * The HTTP trailers of a chunked request body; resolves once the body has been read to its end
   * (empty when none were sent). Only servers started with `trailers: true` are required to fill it.
   */
  trailers(): Promise<Headers>;
  /**
   * The `Response` constructor this server sends cheapest, when it is not `Platform.Response`
   * (Bun.serve and Deno.serve take only their engine's own; node:http servers take anything).
   */
  readonly Response?: typeof Response;
}

/** Handles one HTTP request. */
export type FetchHandler = (request: Request, info: RequestInfo) => Response | Promise<Response>;

export interface ServeOptions {
  hostname: string;
  /** 0 picks a free ephemeral port. */
  port: number;
  /**
   * The handler reads HTTP trailers of chunked request bodies (the Runtime API does: a streaming
   * runtime reports a mid-stream error in trailers). An engine whose native server cannot expose
   * trailers must use a listener that can for this server.
   */
  trailers?: boolean;
}

export interface Server {
  /** The port actually bound. */
  readonly port: number;
  /**
   * Stops accepting and closes every connection, idle or not (core answers what it owes before it
   * calls this); resolves when the socket is closed.
   */
  close(): Promise<void>;
}

export interface SpawnOptions {
  cwd: string;
  /** The complete environment of the child: nothing of the host's is inherited. */
  env: Record<string, string>;
}

export interface ExitStatus {
  /** The exit code, or null when a signal ended the process. */
  code: number | null;
  /** The signal name (`SIGKILL`, …) when a signal ended the process. */
  signal: string | null;
}

export interface Child {
  readonly pid: number;
  readonly stdout: ReadableStream<Uint8Array>;
  readonly stderr: ReadableStream<Uint8Array>;
  readonly exited: Promise<ExitStatus>;
  /**
   * Signals the child's whole process group (the child is started as a group leader), so that
   * processes the runtime started itself go too. Never throws for a process that is already gone.
   */
  kill(signal?: "SIGTERM" | "SIGKILL"): void;
}

export interface Platform {
  /** The engine's name as users know it: `node`, `bun`, `deno`. */
  readonly name: string;
  /** The engine's version, for the `ready` line and benchmarks. */
  readonly version: string;
  /** The engine binary running lambkin (Node's `process.execPath`, …): functions on the same engine reuse it. */
  readonly execPath: string;
  serve(handler: FetchHandler, options: ServeOptions): Promise<Server>;
  /**
   * Starts `argv` as the leader of a new process group. A missing or non-executable program must
   * not throw: it yields a child whose `exited` resolves (code 127 or 126, as a shell would say)
   * and whose stderr says why.
   */
  spawn(argv: string[], options: SpawnOptions): Child;
  /** Reads a text file (used for /proc on Linux); rejects when it cannot be read. */
  readTextFile(path: string): Promise<string>;
  /** What is at `path` (following links), or undefined when nothing is. */
  stat(path: string): Promise<FileInfo | undefined>;
  /** The host's environment variables (a runtime sees only a few of them: PATH, HOME, AWS_*). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The host process's current working directory (relative config paths start here). */
  cwd(): string;
  /**
   * The `Response` constructor core builds its hot-path answers with. The global one is always
   * correct; an adapter may offer a cheaper one its own server writes without a body stream
   * (undici builds a ReadableStream per body on Node, a large share of a round trip).
   */
  readonly Response: typeof Response;
  /**
   * Files lambkin keeps for itself (the watchdog's list of process groups, each environment's
   * /tmp, the Event journal). Optional: without it those features are off.
   */
  readonly host?: HostFiles;
}

/** The host process and its files (node:fs, which Bun and Deno also provide). */
export interface HostFiles {
  /** This host process's pid: the watchdog watches it. */
  readonly pid: number;
  /** The system's folder for temporary files. */
  tempDir(): string;
  /** Creates a folder and its parents (mode 0700); no error when it exists. */
  mkdir(path: string): Promise<void>;
  /** Replaces a small file at once (synchronously: it must be on disk before the next step). */
  writeTextFileSync(path: string, text: string): void;
  /** Appends to a file; with `durable`, returns only once the bytes are on disk (fsync). */
  appendTextFile(path: string, text: string, durable: boolean): Promise<void>;
  /** Reads a file, or undefined when there is none. */
  readTextFileIfExists(path: string): Promise<string | undefined>;
  /** Removes a file or folder tree; no error when it is gone. */
  remove(path: string): Promise<void>;
  /** The entries of a folder, links not followed; empty when it cannot be read. */
  readDir(path: string): Promise<DirEntry[]>;
  /** The path with every link resolved, or undefined when nothing is there. */
  realPath(path: string): Promise<string | undefined>;
  /** The first `bytes` bytes of a file as text (a `#!` line), or undefined when it cannot be read. */
  readStart(path: string, bytes: number): Promise<string | undefined>;
}

export interface DirEntry {
  name: string;
  isDirectory: boolean;
  isSymbolicLink: boolean;
}

export interface FileInfo {
  isFile: boolean;
  isDirectory: boolean;
  /** Unix permission bits (`mode & 0o777`); 0 where the engine does not report them. */
  mode: number;
}

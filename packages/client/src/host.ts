// What the runtime needs from the process it runs in: environment, stdio, exit, crash and
// empty-event-loop hooks, console formatting, and the file lookups of the handler loader. Node and
// Bun get it from `process`, node:* modules and Bun's own API (host-node.ts); Deno from its own
// `Deno.*` API (host-deno.ts, whose code runs on Deno only), because on Deno the first node:*
// import, or even a touch of the `process` global, loads Deno's Node-compatibility layer:
// ~10–25 ms of every cold start. Both are part of the runtime's one file: a module loaded with
// import() costs Deno ~1 ms more at start-up than the few kB it holds.
import type { EngineName } from "./engine.ts";
import { createDenoHost } from "./host-deno.ts";
import { createNodeHost } from "./host-node.ts";

/** `path` operations of the handler loader, with node:path's semantics (`import("node:path")` is one). */
export interface PathOps {
  resolve(...segments: string[]): string;
  join(...segments: string[]): string;
  extname(path: string): string;
}

/** What `require` of node:module's `createRequire` is used for here. */
export interface CommonJsRequire {
  (id: string): unknown;
  resolve(id: string, options?: { paths?: string[] }): string;
}

export interface Host {
  /** The process environment, read live. */
  readonly env: Record<string, string | undefined>;
  /** Sets a variable (or deletes it, for undefined) where the handler's `process.env` sees it. */
  setEnv(name: string, value: string | undefined): void;
  cwd(): string;
  exit(code: number): never;
  /** Writes `text` to stdout before returning (a log record must not be reordered or lost). */
  writeStdout(text: string): void;
  writeStderr(text: string): void;
  /** `util.format` of Node.js: printf-style `%s %d %i %f %j %o %O %c`, other arguments inspected. */
  format(...args: unknown[]): string;
  onUncaughtException(listener: (error: unknown) => void): void;
  onUnhandledRejection(listener: (reason: unknown) => void): void;
  /**
   * Calls `listener` when the event loop has nothing left to do (Node's `beforeExit`); work it
   * starts keeps the process going. Returns the function that removes the listener.
   */
  onBeforeExit(listener: () => void): () => void;

  readonly path: PathOps;
  /** Whether a regular file is at `path` (links followed). */
  isFile(path: string): Promise<boolean>;
  /** Imports the ES module (or CommonJS file) at an absolute path and returns its namespace. */
  importModule(path: string): Promise<unknown>;
  /** node:module's `createRequire(path)`: for CommonJS files and node_modules lookups only. */
  createRequire(path: string): Promise<CommonJsRequire>;
}

let loaded: Promise<Host> | undefined;

/** The host of `engine`, made once. */
export function loadHost(engine: EngineName): Promise<Host> {
  loaded ??= engine === "deno" ? createDenoHost() : Promise.resolve(engine).then(createNodeHost);
  return loaded;
}

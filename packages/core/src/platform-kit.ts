/**
 * What every adapter needs and no engine provides the same way, written once on web standards:
 * killing a runtime's whole process group, the `Child` of a program that could not start, the
 * `stat` answer adapters give, and the cheap `Response` (with its unwrapping for servers that take
 * only their engine's own). Adapters pass in their engine's primitive; the logic is here.
 */
import type { FileInfo } from "./platform.ts";

export { failedChild } from "./failed-child.ts";
export { type FastParts, FastResponse, fastParts, nativeAnswer, nativeResponse } from "./fast-response.ts";

/** The error's `code`, or its class name for Deno's own errors (`NotFound` has no code). */
/**
 * A request's headers may carry the fields as received — `[name, value, name, value, …]` — under
 * this key, for checks that only count and measure them (the gate's header limits): iterating a
 * `Headers` built over node:http's parsed headers costs ~10 µs per request, a fair share of an
 * invoke. An adapter whose request headers are native `Headers` leaves it out.
 */
export const RAW_HEADERS: unique symbol = Symbol.for("lambkin.raw-headers");

export function errorCode(error: unknown): unknown {
  if (typeof error !== "object" || error === null) return undefined;
  return (error as { code?: unknown }).code ?? (error as { name?: unknown }).name;
}

/**
 * Signals the process group `pid` leads (every runtime is started as a group leader, so that
 * processes it started go too). A group that is already gone is not an error.
 * `kill`: the engine's own (`process.kill`, `Deno.kill`), called with the negated pid.
 */
export function killProcessGroup(
  kill: (pid: number, signal: string) => void,
  pid: number,
  signal: "SIGTERM" | "SIGKILL",
): void {
  try {
    kill(-pid, signal);
  } catch (error) {
    const code = errorCode(error);
    if (code !== "ESRCH" && code !== "NotFound") throw error;
  }
}

/** The engine's stat result, as far as `statWith` reads it (node:fs and Deno both fit). */
interface StatResult {
  isFile(): boolean;
  isDirectory(): boolean;
  mode: number | null;
}

/**
 * `Platform.stat` from an engine's own stat (which follows links): what is at `path`, or
 * undefined when nothing is (a missing file, or a path through a file).
 */
export function statWith(
  stat: (path: string) => Promise<StatResult>,
): (path: string) => Promise<FileInfo | undefined> {
  return async (path) => {
    try {
      const info = await stat(path);
      return { isFile: info.isFile(), isDirectory: info.isDirectory(), mode: (info.mode ?? 0) & 0o777 };
    } catch (error) {
      const code = errorCode(error);
      if (code === "ENOENT" || code === "ENOTDIR" || code === "NotFound") return undefined;
      throw error;
    }
  };
}

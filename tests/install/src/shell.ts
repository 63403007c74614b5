/**
 * Running what a user types: a command line through `sh -c`, bounded in time, or a long-running
 * one (`npx lambkin start`) as a terminal's foreground job.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { delimiter, join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("../../../", import.meta.url));

export interface Ran {
  command: string;
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunOptions {
  cwd: string;
  env?: Record<string, string | undefined>;
  /** Killed (SIGKILL, whole process group) after this long; the result says so. Default 120 s. */
  timeoutMs?: number;
}

/**
 * The environment a user's shell would have, minus what would make the result depend on this
 * machine or on the test runner: the monorepo's node_modules/.bin that `npm test` puts on PATH
 * (a fresh project must find its own bins), npm's `npm_*` variables, vitest's colour forcing, and
 * the host's AWS settings.
 */
export function userEnv(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith("npm_") || key.startsWith("AWS_") || key === "FORCE_COLOR")
      continue;
    if (key === "INIT_CWD" || key.startsWith("VITEST") || key === "NODE_ENV" || key === "TURBO_HASH")
      continue;
    env[key] = value;
  }
  env.PATH = (process.env.PATH ?? "")
    .split(delimiter)
    .filter((dir) => dir !== "" && !dir.includes("node_modules"))
    .join(delimiter);
  env.NO_COLOR = "1";
  for (const [key, value] of Object.entries(extra)) {
    if (value === undefined) delete env[key];
    else env[key] = value;
  }
  return env;
}

/** PATH without any folder that holds one of `programs` (a machine without bun and deno). */
export function pathWithout(path: string, programs: readonly string[]): string {
  return path
    .split(delimiter)
    .filter((dir) => !programs.some((p) => existsSync(join(dir, p))))
    .join(delimiter);
}

/** Runs `command` with `sh -c` to its end (or its bound). */
export function run(command: string, options: RunOptions): Promise<Ran> {
  const child = spawn("sh", ["-c", command], {
    cwd: options.cwd,
    env: options.env ?? userEnv(),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  return collect(child, command, options.timeoutMs ?? 120_000);
}

function collect(child: ChildProcess, command: string, timeoutMs: number): Promise<Ran> {
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
  });
  child.stderr!.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      stderr += `\n[test: killed after ${timeoutMs} ms]`;
      killGroup(child.pid!);
    }, timeoutMs);
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (status, signal) => {
      clearTimeout(timer);
      resolve({ command, status, signal, stdout, stderr });
    });
  });
}

export function killGroup(pid: number): void {
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // already gone
  }
}

export interface Server {
  child: ChildProcess;
  output(): { stdout: string; stderr: string };
  /** Resolves with the first match of `pattern` in stdout; rejects on exit or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * Starts a long-running command (`npx lambkin start`) as a terminal's foreground job: its own
 * process group, so a test's Ctrl-C (SIGINT to the group) reaches it as a terminal's would.
 */
export function serve(program: string, args: readonly string[], options: RunOptions): Server {
  const child = spawn(program, args, {
    cwd: options.cwd,
    env: options.env ?? userEnv(),
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const waitFor = (pattern: RegExp, timeoutMs: number) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const until = Date.now() + timeoutMs;
      let done = false;
      exited.then(({ code, signal }) => {
        if (!done) reject(new Error(`exited (${code ?? signal}) before ${pattern}:\n${stdout}\n${stderr}`));
      });
      const poll = () => {
        const match = pattern.exec(stdout);
        if (match) {
          done = true;
          resolve(match);
        } else if (Date.now() > until) {
          done = true;
          reject(new Error(`no ${pattern} within ${timeoutMs} ms:\n${stdout}\n${stderr}`));
        } else setTimeout(poll, 100);
      };
      poll();
    });
  return { child, output: () => ({ stdout, stderr }), waitFor, exited };
}

/**
 * Test helpers: run the real built CLI (`dist/cli.js`) as a child process on Node, Bun or Deno,
 * and a temporary config around the `test-fixtures/echo` runtime.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll } from "vitest";

export const packageDir = fileURLToPath(new URL("..", import.meta.url));
export const repoRoot = fileURLToPath(new URL("../../..", import.meta.url));
export const cliPath = join(packageDir, "dist/cli.js");
export const echoDir = join(packageDir, "test-fixtures/echo");

export const ENGINES = {
  node: [process.execPath],
  bun: [join(repoRoot, "node_modules/.bin/bun")],
  deno: [join(repoRoot, "node_modules/.bin/deno"), "run", "-A"],
} as const;
export type Engine = keyof typeof ENGINES;

export interface Finished {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  engine?: Engine;
  /** Written to the CLI's stdin, which is then closed. */
  input?: string;
}

function spawnCli(args: readonly string[], options: CliOptions): ChildProcess {
  const [program, ...engineArgs] = ENGINES[options.engine ?? "node"];
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1", ...options.env };
  // vitest marks its own environment; the CLI under test must not think it is a test runner.
  delete env.FORCE_COLOR;
  if (options.env && "FORCE_COLOR" in options.env) env.FORCE_COLOR = options.env.FORCE_COLOR;
  return spawn(program!, [...engineArgs, cliPath, ...args], {
    cwd: options.cwd ?? packageDir,
    env: env as NodeJS.ProcessEnv,
    stdio: ["pipe", "pipe", "pipe"],
  });
}

/** A child's stdout and stderr as text, accumulated as they come. */
export function capture(child: ChildProcess): { readonly stdout: string; readonly stderr: string } {
  const out = { stdout: "", stderr: "" };
  child.stdout?.setEncoding("utf8").on("data", (d: string) => {
    out.stdout += d;
  });
  child.stderr?.setEncoding("utf8").on("data", (d: string) => {
    out.stderr += d;
  });
  return out;
}

/** A child's output once it has closed; with `timeoutMs`, it is SIGKILLed if it runs longer. */
export function collect(child: ChildProcess, timeoutMs?: number): Promise<Finished> {
  const out = capture(child);
  const timer = timeoutMs === undefined ? undefined : setTimeout(() => child.kill("SIGKILL"), timeoutMs);
  return new Promise((resolve, reject) => {
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: out.stdout, stderr: out.stderr });
    });
  });
}

/** Runs the CLI to its end. */
export function runCli(args: readonly string[], options: CliOptions = {}): Promise<Finished> {
  const child = spawnCli(args, options);
  const done = collect(child);
  child.stdin!.end(options.input ?? "");
  return done;
}

export interface RunningLambkin {
  child: ChildProcess;
  /** The Invoke API URL from the ready line. */
  url: string;
  functionUrl: string;
  engine: string;
  readyLine: string;
  /** Everything printed so far. */
  output(): { stdout: string; stderr: string };
  /** Sends SIGINT and waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<Finished>;
  /**
   * Resolves when stdout contains `text`; rejects after `timeoutMs` with what was printed, so a
   * line that never comes fails with the output rather than as a bare test timeout.
   */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
}

const READY = /lambkin ready \((\w+) [^)]+\) — Invoke API (http:\/\/\S+) · Function URLs (http:\/\/\S+)/;

/** Starts `lambkin start …` and resolves once its ready line is printed. */
export function startCli(args: readonly string[], options: CliOptions = {}): Promise<RunningLambkin> {
  const child = spawnCli(["start", ...args], options);
  started.push(child);
  child.stdin!.end();
  let stdout = "";
  let stderr = "";
  const waiters: { test: string | RegExp; resolve: () => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (typeof w.test === "string" ? stdout.includes(w.test) : w.test.test(stdout)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  const finished = collect(child);
  child.stdout!.on("data", (d: string) => {
    stdout += d;
    check();
  });
  child.stderr!.on("data", (d: string) => {
    stderr += d;
  });
  const waitFor = (test: string | RegExp, timeoutMs = 40_000) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(`no ${test} in ${timeoutMs} ms; stdout:\n${stdout}\nstderr:\n${stderr}`));
      }, timeoutMs);
      timer.unref();
      const waiter = {
        test,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      waiters.push(waiter);
      check();
    });
  return new Promise((resolve, reject) => {
    finished.then((f) =>
      reject(
        new Error(`lambkin start exited (${f.code ?? f.signal}) before ready:\n${f.stdout}\n${f.stderr}`),
      ),
    );
    waitFor(READY, 60_000).then(() => {
      const match = READY.exec(stdout)!;
      resolve({
        child,
        url: match[2]!,
        functionUrl: match[3]!,
        engine: match[1]!,
        readyLine: stdout.split("\n").find((l) => READY.test(l))!,
        output: () => ({ stdout, stderr }),
        waitFor,
        stop(signal = "SIGINT") {
          child.kill(signal);
          return finished;
        },
      });
    }, reject);
  });
}

/**
 * The folders `tempConfig` made, removed once the test file is done. Registered when a test file
 * imports this module; after hooks run in reverse order, so the file's own (which stop the
 * lambkins serving from these folders) run first.
 */
const tempDirs: string[] = [];
/**
 * The lambkins `startCli` started. One a test left running (it timed out before its own stop) is
 * stopped as a user would, Ctrl-C, then SIGKILL of the CLI alone after a grace: its watchdog then
 * stops the runtimes and removes its /tmp/lambkin-<pid>-* folder. Left alone, it would outlive the
 * test run, serving from a deleted folder.
 */
const started: ChildProcess[] = [];
afterAll(async () => {
  const running = started.splice(0).filter((c) => c.exitCode === null && c.signalCode === null);
  await Promise.all(
    running.map(async (child) => {
      const gone = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGINT");
      const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
      await gone;
      clearTimeout(timer);
    }),
  );
  for (const dir of tempDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}, 15_000);

/** A temporary folder with a `lambkin.config.json` (or other file) serving the echo runtime. */
export function tempConfig(
  config?: unknown,
  fileName = "lambkin.config.json",
): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), "lambkin-cli-"));
  tempDirs.push(dir);
  const file = join(dir, fileName);
  const body =
    config ??
    ({
      port: 0,
      urlPort: 0,
      functions: { echo: { runtime: "provided", codeDir: echoDir, timeout: 10 } },
    } as const);
  writeFileSync(file, typeof body === "string" ? body : `${JSON.stringify(body, null, 2)}\n`);
  return { dir, file };
}

/** True while a process with `pid` exists. */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Waits (bounded) until `pid` is gone; resolves with whether it went. */
export async function gone(pid: number, withinMs = 10_000): Promise<boolean> {
  const until = Date.now() + withinMs;
  while (alive(pid)) {
    if (Date.now() > until) return false;
    await new Promise((r) => setTimeout(r, 50));
  }
  return true;
}

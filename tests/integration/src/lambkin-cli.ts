import { type ChildProcess, spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "vitest";
import { killTree, stopAsUser } from "./processes.ts";

// Runs the real `lambkin start` (packages/cli/dist/cli.js, as a user runs it) as a child process
// on a temporary lambkin.config.json, with `--log-format json` so a test can read every log line
// the functions and lambkin write, tagged with function and request id.

const root = fileURLToPath(new URL("../../../", import.meta.url));
export const CLI_JS = join(root, "packages/cli/dist/cli.js");
/** aws-lambda-ric 4.0.2 running tests/fixtures/ric/index.mjs (see OBSERVED.md there). */
export const RIC_DIR = join(root, "tests/fixtures/ric");
/** The bash + curl bootstrap of AWS's custom runtime tutorial, with function.sh's handlers. */
export const CURL_DIR = join(root, "tests/fixtures/curl-bootstrap");

/** One function of lambkin.config.json, as a user writes it. */
export interface FunctionSettings {
  runtime: "provided" | "node" | "bun" | "deno";
  codeDir: string;
  handler?: string;
  command?: readonly string[];
  timeout?: number;
  memorySize?: number;
  /** MB of the function's /tmp (AWS's EphemeralStorage.Size). */
  ephemeralStorage?: number;
  concurrency?: number;
  queueSize?: number;
  environment?: Record<string, string>;
  url?: { authType?: "NONE" | "AWS_IAM"; cors?: Record<string, unknown> };
}

/** One line of `lambkin start --log-format json`. */
export interface LogRecord {
  time: string;
  functionName: string;
  requestId: string | null;
  stream: "stdout" | "stderr" | "platform";
  line: string;
}

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface LambkinCli {
  /** The Invoke API URL from the ready line, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** The Function URL base from the ready line (API Gateway routes are served there too). */
  readonly functionUrl: string;
  /** The ready line as JSON (`--log-format json`). */
  readonly ready: Record<string, unknown>;
  /** The CLI's own pid; runtime processes are its children. */
  readonly pid: number;
  /** Log records so far, in the order the CLI printed them. */
  readonly records: readonly LogRecord[];
  /**
   * The index the next record will get, once lines still on their way have landed: lambkin prints
   * its log in batches (every 10 ms at most), so a mark taken at once could precede lines of
   * invocations that already ended.
   */
  mark(): Promise<number>;
  /** Everything the CLI printed so far (stdout, then stderr), for failure messages. */
  output(): string;
  /** Resolves with the first record (from `from` on) that matches, or fails after `timeoutMs`. */
  waitForRecord(match: (r: LogRecord) => boolean, timeoutMs?: number, from?: number): Promise<LogRecord>;
  /** The lines logged for one invocation. */
  linesOf(requestId: string): string[];
  /** Sends `signal` and waits (at most `timeoutMs`) for the CLI to exit. */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<Exit>;
  readonly exited: Promise<Exit>;
  /**
   * Cleanup: stops the CLI as a user does (SIGINT; SIGKILL of it and its processes but the watchdog
   * only if it is still there 10 s later), removes the config.
   */
  destroy(): Promise<void>;
}

export async function startLambkinCli(
  functions: Record<string, FunctionSettings>,
  opts: {
    readyTimeoutMs?: number;
    /** Top-level config keys besides `functions` (e.g. `auth`). */
    config?: Record<string, unknown>;
    /** More `lambkin start` arguments (e.g. `--host 0.0.0.0`). */
    args?: readonly string[];
  } = {},
): Promise<LambkinCli> {
  const dir = await mkdtemp(join(tmpdir(), "lambkin-cli-test-"));
  const config = join(dir, "lambkin.config.json");
  await writeFile(config, `${JSON.stringify({ ...opts.config, functions }, null, 2)}\n`);
  return startLambkinCliWith(["--config", config, ...(opts.args ?? [])], {
    readyTimeoutMs: opts.readyTimeoutMs,
    cwd: dir,
    removeDir: true,
  });
}

/**
 * `lambkin start ARGS --port 0 --url-port 0 --log-format json` in `cwd` (e.g. a template project's
 * folder), optionally relaunched on another host engine.
 */
export async function startLambkinCliWith(
  args: readonly string[],
  opts: {
    cwd: string;
    readyTimeoutMs?: number;
    removeDir?: boolean;
    hostEngine?: "node" | "bun" | "deno";
    /** Added to the CLI's environment. */
    env?: Record<string, string>;
  },
): Promise<LambkinCli> {
  if (!existsSync(CLI_JS)) {
    throw new Error(`${CLI_JS} does not exist: build first (npx turbo run build)`);
  }
  const dir = opts.cwd;
  const engine = opts.hostEngine && opts.hostEngine !== "node" ? ["--host-engine", opts.hostEngine] : [];
  // --port 0 / --url-port 0: free ports, so a run never collides with another lambkin.
  const child: ChildProcess = spawn(
    process.execPath,
    [CLI_JS, "start", ...args, ...engine, "--port", "0", "--url-port", "0", "--log-format", "json"],
    { cwd: dir, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, NO_COLOR: "1", ...opts.env } },
  );
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${CLI_JS}`);

  const exited = new Promise<Exit>((resolve) => {
    child.once("exit", (code, signal) => resolve({ code, signal }));
  });
  const records: LogRecord[] = [];
  const waiters = new Set<() => void>();
  let stdout = "";
  let stderr = "";
  let pending = "";
  let url: string | undefined;
  let functionUrl: string | undefined;
  let ready: Record<string, unknown> | undefined;
  child.stdout!.setEncoding("utf8").on("data", (text: string) => {
    stdout += text;
    pending += text;
    for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
      const line = pending.slice(0, nl);
      pending = pending.slice(nl + 1);
      if (url === undefined && line.includes("ready")) {
        // The ready line; the first URL after "Invoke API" (JSON or text) is the one callers use.
        url = /Invoke API (http:\/\/[^\s"]+)/.exec(line)?.[1];
        functionUrl = /Function URLs (http:\/\/[^\s"]+)/.exec(line)?.[1];
        try {
          ready = JSON.parse(line) as Record<string, unknown>;
        } catch {
          // the text form
        }
      } else {
        try {
          const record = JSON.parse(line) as LogRecord;
          if (typeof record.line === "string") records.push(record);
        } catch {
          // not a log record (lambkin's own notices): kept in `stdout` only
        }
      }
    }
    for (const wake of waiters) wake();
  });
  child.stderr!.setEncoding("utf8").on("data", (text: string) => {
    stderr += text;
  });
  const output = () => `--- stdout\n${stdout}\n--- stderr\n${stderr}`;

  const waitFor = <T>(check: () => T | undefined, timeoutMs: number, what: string): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const done = () => {
        waiters.delete(wake);
        clearTimeout(timer);
      };
      const wake = () => {
        const found = check();
        if (found !== undefined) {
          done();
          resolve(found);
        }
      };
      waiters.add(wake);
      timer = setTimeout(() => {
        done();
        reject(new Error(`lambkin CLI: no ${what} within ${timeoutMs} ms\n${output()}`));
      }, timeoutMs);
      exited.then((exit) => {
        if (!waiters.has(wake)) return;
        done();
        reject(new Error(`lambkin CLI exited (${JSON.stringify(exit)}) before ${what}\n${output()}`));
      });
      wake();
    });

  try {
    await waitFor(() => url, opts.readyTimeoutMs ?? 20_000, "ready line with an Invoke API URL");
  } catch (error) {
    killTree(pid);
    if (opts.removeDir) await rm(dir, { recursive: true, force: true });
    throw error;
  }

  return {
    url: url!,
    functionUrl: functionUrl!,
    ready: ready ?? {},
    pid,
    records,
    mark: () => new Promise((resolve) => setTimeout(() => resolve(records.length), 100)),
    output,
    exited,
    waitForRecord: (match, timeoutMs = 10_000, from = 0) =>
      waitFor(() => records.slice(from).find(match), timeoutMs, "matching log record"),
    linesOf: (requestId) => records.filter((r) => r.requestId === requestId).map((r) => r.line),
    async stop(signal = "SIGINT", timeoutMs = 15_000) {
      child.kill(signal);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<"timeout">((resolve) => {
        timer = setTimeout(() => resolve("timeout"), timeoutMs);
      });
      const result = await Promise.race([exited, timedOut]);
      clearTimeout(timer);
      if (result === "timeout") {
        killTree(pid);
        throw new Error(`lambkin CLI did not exit within ${timeoutMs} ms of ${signal}\n${output()}`);
      }
      return result;
    },
    async destroy() {
      await stopAsUser(child);
      if (opts.removeDir) await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The FunctionConfiguration lambkin reports (ListFunctions, GetFunction, GetFunctionConfiguration)
 * for a `provided` function of the fixtures: every field, so a change to any shows up here.
 */
export function expectedConfiguration(name: string, fn: FunctionSettings): Record<string, unknown> {
  return {
    FunctionName: name,
    FunctionArn: `arn:aws:lambda:us-east-1:000000000000:function:${name}`,
    Runtime: "provided.al2023",
    Role: "arn:aws:iam::000000000000:role/lambkin",
    Handler: fn.handler,
    CodeSize: 0,
    Description: "",
    Timeout: fn.timeout ?? 3,
    MemorySize: fn.memorySize ?? 128,
    // When lambkin started, in Lambda's `2024-01-01T00:00:00.000+0000` form.
    LastModified: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/),
    CodeSha256: "",
    Version: "$LATEST",
    TracingConfig: { Mode: "PassThrough" },
    RevisionId: "00000000-0000-0000-0000-000000000000",
    State: "Active",
    LastUpdateStatus: "Successful",
    PackageType: "Zip",
    Architectures: ["x86_64"],
    EphemeralStorage: { Size: fn.ephemeralStorage ?? 512 },
    LoggingConfig: { LogFormat: "Text", LogGroup: `/aws/lambda/${name}` },
  };
}

/** A Lambda request id. */
export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Escapes `text` for use inside a RegExp. */
export const re = (text: string): string => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * The log of one invocation as Lambda writes it: START, the function's own lines, END, REPORT
 * (with Init Duration on a cold start, and a status after a failure).
 */
export function invocationLog(requestId: string, lines: readonly string[], reportTail = ""): RegExp {
  const id = re(requestId);
  return new RegExp(
    `^START RequestId: ${id} Version: \\$LATEST\\n` +
      lines.map((line) => `${line}\\n`).join("") +
      `END RequestId: ${id}\\n` +
      `REPORT RequestId: ${id}\\tDuration: \\d+\\.\\d\\d ms\\tBilled Duration: \\d+ ms\\tMemory Size: 128 MB\\tMax Memory Used: \\d+ MB(\\tInit Duration: \\d+\\.\\d\\d ms)?${reportTail}\\n$`,
  );
}

/** A line the ric's console.log writes: `<ISO time>\t<request id>\tINFO\t<text>`, as a RegExp source. */
export const ricInfoLine = (requestId: string, text: string): string =>
  `\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z\\t${re(requestId)}\\tINFO\\t${re(text)}`;

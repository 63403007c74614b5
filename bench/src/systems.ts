/**
 * The two systems every comparison runs, behind one small shape (`Target`: where the caller posts,
 * and which process is the host), plus the caller that drives both.
 *
 * - `LambkinHost`: lambkin on an engine, in its own process (host.ts), with the functions given.
 * - `Floor`: the null relay on an engine (relay.ts) and runtime processes the bench starts itself.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import type { FunctionConfig } from "@lambkin/core";
import type { Engine } from "./engines.ts";
import { BENCH, scriptArgv } from "./engines.ts";
import type { HostSpec } from "./host.ts";
import type { RunRequest, RunResult } from "./load.ts";
import { childPids, type RuntimeProcess, type Service, sleep, startRuntime, startService } from "./proc.ts";
import { floorProcess, type RuntimeKind } from "./runtimes.ts";

export type Measured = Extract<RunResult, { ok: true }>;

export class BenchError extends Error {
  override readonly name = "BenchError";
}

/** Where the caller posts, and the process whose CPU and memory are the host's. */
export interface Target {
  readonly system: "lambkin" | "floor";
  readonly host: Engine;
  readonly port: number;
  readonly pid: number;
  /** The path to post to for `fn` (the floor ignores it: it has one function). */
  path(fn: string): string;
  /** The runtime processes serving it now. */
  runtimePids(): number[];
}

export class Caller {
  readonly #service: Service<{ pid: number }>;
  #buffer = "";
  #waiting: ((line: string) => void) | undefined;

  private constructor(service: Service<{ pid: number }>) {
    this.#service = service;
    service.child.stdout!.setEncoding("utf8");
    service.child.stdout!.on("data", (chunk: string) => {
      this.#buffer += chunk;
      const at = this.#buffer.indexOf("\n");
      if (at < 0) return;
      const line = this.#buffer.slice(0, at);
      this.#buffer = this.#buffer.slice(at + 1);
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting?.(line);
    });
  }

  static async start(): Promise<Caller> {
    return new Caller(
      await startService("the caller", scriptArgv("node", "caller.js"), { cwd: BENCH, stdout: "pipe" }),
    );
  }

  /** One run; throws when an invoke failed (a wrong answer is a broken bench, not a figure). */
  run(target: Target, fn: string, req: Omit<RunRequest, "port" | "path">): Promise<Measured> {
    const full: RunRequest = { ...req, port: target.port, path: target.path(fn) };
    return new Promise((resolve, reject) => {
      const exited = () =>
        reject(new BenchError(`the caller exited\n${this.#service.stderrTail.join("\n")}`));
      this.#service.child.once("exit", exited);
      this.#waiting = (line) => {
        this.#service.child.off("exit", exited);
        const result = JSON.parse(line) as RunResult;
        if (result.ok) resolve(result);
        else reject(new BenchError(`${target.system} on ${target.host}, function ${fn}: ${result.error}`));
      };
      this.#service.child.stdin!.write(`${JSON.stringify(full)}\n`);
    });
  }

  stop(): Promise<void> {
    return this.#service.stop();
  }
}

const invokePath = (fn: string) => `/2015-03-31/functions/${fn}/invocations`;

/** `process.memoryUsage()` of a host, in MB, after a full collection when `collected`. */
export interface HostMemory {
  heap_used_mb: number;
  heap_total_mb: number;
  external_mb: number;
  array_buffers_mb: number;
  rss_mb: number;
  collected: boolean;
}

export interface HostOptions {
  /** Flags for the engine (`--cpu-prof` for a profile of the host). */
  engineFlags?: string[];
  /** Drop lambkin's log lines (see HostSpec.silentLogs). */
  silentLogs?: boolean;
  /** Receives each of lambkin's log lines (otherwise they go to /dev/null, as fast as a terminal). */
  onLogLine?: (line: string) => void;
}

export class LambkinHost implements Target {
  readonly system = "lambkin";
  readonly host: Engine;
  readonly #service: Service<{ port: number }>;
  readonly #dir: string;

  private constructor(host: Engine, service: Service<{ port: number }>, dir: string) {
    this.host = host;
    this.#service = service;
    this.#dir = dir;
  }

  /** Starts lambkin on `host` with `functions`. */
  static async start(
    host: Engine,
    functions: Record<string, FunctionConfig>,
    options: HostOptions = {},
  ): Promise<LambkinHost> {
    const dir = mkdtempSync(join(tmpdir(), "lambkin-bench-"));
    const spec: HostSpec = {
      // Idle environments stay warm for the whole run; ports are picked free.
      config: { port: 0, urlPort: 0, idleTimeout: 3600, functions },
      baseDir: BENCH,
      silentLogs: options.silentLogs ?? false,
    };
    writeFileSync(join(dir, "host.json"), JSON.stringify(spec));
    const launch = () =>
      startService<{ port: number }>(
        `lambkin on ${host}`,
        [...scriptArgv(host, "host.js", options.engineFlags), join(dir, "host.json")],
        { cwd: dir, timeoutMs: 60_000, stdout: options.onLogLine ? "pipe" : "ignore" },
      );
    try {
      // Once more after a failed start: on a shared working tree a package's dist may be in the
      // middle of a rebuild for a moment. A second failure is reported.
      const service = await launch().catch(() => sleep(3000).then(launch));
      if (options.onLogLine) {
        createInterface({ input: service.child.stdout! }).on("line", options.onLogLine);
      }
      return new LambkinHost(host, service, dir);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  get port(): number {
    return this.#service.info.port;
  }
  get pid(): number {
    return this.#service.pid;
  }
  runtimePids(): number[] {
    return childPids(this.pid);
  }

  /** The host's heap after a full collection (with `--expose-gc` on Node; otherwise as it is). */
  async memory(): Promise<HostMemory> {
    const answer = await this.#service.ask("memory");
    return answer.memory as HostMemory;
  }
  /** The host's folder (its cwd: a --cpu-prof profile lands here). */
  get dir(): string {
    return this.#dir;
  }
  path = invokePath;

  /**
   * Makes lambkin start `n` environments of `fn` (an echo function of an engine runtime): `n`
   * invokes that each hold their environment for a moment, all in flight at once, leave no
   * environment idle to reuse, so the scheduler must start one for each.
   */
  async grow(caller: Caller, fn: string, n: number): Promise<void> {
    const holdMs = 300;
    await caller.run(this, fn, {
      body: JSON.stringify({ sleepMs: holdMs }),
      concurrency: n,
      warmup: 0,
      count: n,
      maxMs: 60_000,
      expect: "any",
    });
  }

  async stop(): Promise<void> {
    await this.#service.stop(20_000);
    rmSync(this.#dir, { recursive: true, force: true });
  }
}

export class Floor implements Target {
  readonly system = "floor";
  readonly host: Engine;
  readonly #service: Service<{ port: number; runtimePort: number }>;
  readonly #runtimes: RuntimeProcess[] = [];
  #kind: RuntimeKind | undefined;

  private constructor(host: Engine, service: Service<{ port: number; runtimePort: number }>) {
    this.host = host;
    this.#service = service;
  }

  static async start(host: Engine, engineFlags: string[] = []): Promise<Floor> {
    const service = await startService<{ port: number; runtimePort: number }>(
      `the null relay on ${host}`,
      scriptArgv(host, "relay.js", engineFlags),
      { cwd: BENCH },
    );
    return new Floor(host, service);
  }

  get port(): number {
    return this.#service.info.port;
  }
  get pid(): number {
    return this.#service.pid;
  }
  path = invokePath;

  runtimePids(): number[] {
    return this.#runtimes.map((r) => r.pid);
  }

  /** Runtimes parked in `next` right now. */
  async waiting(): Promise<number> {
    const res = await fetch(`http://127.0.0.1:${this.port}/bench/waiting`);
    return ((await res.json()) as { waiting: number }).waiting;
  }

  /** Makes exactly `n` runtimes of `kind` serve the relay, each parked in `next`. */
  async use(kind: RuntimeKind, n: number): Promise<void> {
    if (this.#kind !== kind) {
      await Promise.all(this.#runtimes.splice(0).map((r) => r.kill()));
      this.#kind = kind;
      // Give the relay a moment to see the killed runtimes' `next` connections close.
      await sleep(50);
    }
    while (this.#runtimes.length > n) await this.#runtimes.pop()!.kill();
    const { argv, cwd, env } = floorProcess(kind, `127.0.0.1:${this.#service.info.runtimePort}`);
    const deadline = Date.now() + 30_000;
    const ended: string[] = [];
    for (;;) {
      // A runtime that ended (it failed to start, or lost its connection) is noted and replaced.
      for (const r of this.#runtimes.filter((r) => r.status !== undefined)) {
        ended.push(`${r.status}: ${r.stderrTail.join(" | ") || "(no stderr)"}`);
        this.#runtimes.splice(this.#runtimes.indexOf(r), 1);
      }
      while (this.#runtimes.length < n) this.#runtimes.push(startRuntime(argv, cwd, env));
      if ((await this.waiting()) >= n) return;
      if (Date.now() > deadline || ended.length > 2 * n) {
        const why = ended.length > 0 ? `; runtimes ended: ${ended.slice(-3).join("; ")}` : "";
        throw new BenchError(
          `the floor's ${n} ${kind} runtime(s) did not all call next within 30 s (${argv.join(" ")})${why}`,
        );
      }
      await sleep(20);
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.#runtimes.splice(0).map((r) => r.kill()));
    await this.#service.stop();
  }
}

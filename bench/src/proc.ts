/**
 * Processes the bench starts: long-lived services (a lambkin host, a null relay, the caller) that
 * announce themselves with one `@@bench {json}` line on stderr, runtime processes for the floor,
 * and what Linux's /proc says about any of them (CPU time, resident memory).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { MARKER } from "./announce.ts";

export class ServiceError extends Error {
  override readonly name = "ServiceError";
}

export interface Service<Info> {
  readonly child: ChildProcess;
  readonly pid: number;
  /** What the service announced (its ports…). */
  readonly info: Info;
  /** The last lines it printed on stderr (for error messages). */
  readonly stderrTail: string[];
  /** Sends a command line and resolves with the service's next `@@bench` answer. */
  ask(command: string): Promise<Record<string, unknown>>;
  /** Closes its stdin (the services' signal to shut down cleanly), then kills it if it lingers. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Starts `argv` and waits for its `@@bench` line. stdout goes to /dev/null unless `stdout` is
 * "pipe": a lambkin host prints its log lines there, and a terminal would not slow it down either.
 */
export function startService<Info>(
  label: string,
  argv: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; stdout?: "pipe" | "ignore"; timeoutMs?: number },
): Promise<Service<Info>> {
  const [program, ...args] = argv;
  const child = spawn(program!, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ["pipe", options.stdout ?? "ignore", "pipe"],
  });
  const stderrTail: string[] = [];
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new ServiceError(`${label} did not start within ${options.timeoutMs ?? 30_000} ms\n${tail()}`));
    }, options.timeoutMs ?? 30_000);
    const tail = () => stderrTail.join("\n");
    let pending = "";
    let started = false;
    const answers: ((info: Record<string, unknown>) => void)[] = [];
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (chunk: string) => {
      pending += chunk;
      let at = pending.indexOf("\n");
      while (at >= 0) {
        const line = pending.slice(0, at);
        pending = pending.slice(at + 1);
        at = pending.indexOf("\n");
        if (started && line.startsWith(MARKER)) {
          answers.shift()?.(JSON.parse(line.slice(MARKER.length)));
          continue;
        }
        if (!started && line.startsWith(MARKER)) {
          started = true;
          clearTimeout(timer);
          const info = JSON.parse(line.slice(MARKER.length)) as Info;
          resolve({
            child,
            pid: child.pid!,
            info,
            stderrTail,
            ask(command) {
              return new Promise((resolveAnswer, rejectAnswer) => {
                if (child.exitCode !== null || child.signalCode !== null) {
                  rejectAnswer(new ServiceError(`${label} has exited`));
                  return;
                }
                answers.push(resolveAnswer);
                child.stdin!.write(`${command}\n`);
              });
            },
            async stop(graceMs = 10_000) {
              if (child.exitCode !== null || child.signalCode !== null) return;
              child.stdin!.end();
              const killer = setTimeout(() => child.kill("SIGKILL"), graceMs);
              await exited;
              clearTimeout(killer);
            },
          });
          continue;
        }
        stderrTail.push(line);
        if (stderrTail.length > 40) stderrTail.shift();
      }
    });
    child.stdin!.on("error", () => {
      // The service exited while we wrote to it: its exit is reported below.
    });
    child.once("error", (error) => {
      clearTimeout(timer);
      reject(new ServiceError(`cannot start ${label} (${program}): ${error.message}`));
    });
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      if (!started)
        reject(new ServiceError(`${label} exited (${signal ?? code}) before it was ready\n${tail()}`));
    });
  });
}

/** A runtime process of the floor: its own process group, so that a group kill takes its children too. */
export interface RuntimeProcess {
  readonly pid: number;
  readonly exited: Promise<void>;
  /** How it ended (`exit 1`, `SIGKILL`), or undefined while it runs. */
  readonly status: string | undefined;
  /** Its last stderr lines (why it ended). */
  readonly stderrTail: string[];
  kill(): Promise<void>;
}

/** Process groups of runtimes still running: killed when the bench exits, however it exits. */
const liveGroups = new Set<number>();
process.once("exit", () => {
  for (const pid of liveGroups) {
    try {
      process.kill(-pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

export function startRuntime(argv: string[], cwd: string, env: NodeJS.ProcessEnv): RuntimeProcess {
  const [program, ...args] = argv;
  const child = spawn(program!, args, { cwd, env, detached: true, stdio: ["ignore", "ignore", "pipe"] });
  if (child.pid !== undefined) liveGroups.add(child.pid);
  let status: string | undefined;
  const stderrTail: string[] = [];
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (chunk: string) => {
    stderrTail.push(...chunk.split("\n").filter(Boolean));
    stderrTail.splice(0, Math.max(0, stderrTail.length - 10));
  });
  const exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      status = signal ?? `exit ${code}`;
      liveGroups.delete(child.pid!);
      resolve();
    });
    // A program that cannot start emits no exit.
    child.once("error", (error) => {
      status = `cannot start: ${error.message}`;
      resolve();
    });
  });
  return {
    pid: child.pid ?? -1,
    exited,
    get status() {
      return status;
    },
    stderrTail,
    async kill() {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          // already gone
        }
      }
      await exited;
    },
  };
}

/** The fields of /proc/<pid>/stat after the command name (which may contain spaces): [state, ppid, …]. */
function statFields(pid: number | string): string[] {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  return stat.slice(stat.lastIndexOf(")") + 2).split(" ");
}

/** User + system CPU time a process has used so far, in ms (Linux /proc; USER_HZ is 100 there). */
export function cpuMs(pid: number): number {
  const fields = statFields(pid);
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

/**
 * CPU time of processes, with that of the children they have waited for (the curl processes a
 * shell runtime starts), in ms. Processes that are gone count as 0.
 */
export function treeCpuMs(pids: readonly number[]): number {
  let ms = 0;
  for (const pid of pids) {
    try {
      const f = statFields(pid);
      ms += (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) * 10;
    } catch {
      // exited
    }
  }
  return ms;
}

/** The processes whose parent is `pid` (lambkin's runtime processes are its host's children). */
export function childPids(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (name.charCodeAt(0) > 57) continue;
    try {
      if (Number(statFields(name)[1]) === pid) out.push(Number(name));
    } catch {
      // gone, or not a process folder
    }
  }
  return out;
}

/** Resident memory of a process, in MB (MiB), from /proc/<pid>/status. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kb = /VmRSS:\s+(\d+) kB/.exec(status)?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kb) / 1024;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

import type { ChildProcess } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

// What the kernel says about processes, read from /proc: the tests check that lambkin leaves no
// runtime (nor a runtime's child) behind, which no API of lambkin itself could prove.

interface ProcStat {
  pid: number;
  ppid: number;
  /** R, S, D, Z (zombie), T, … */
  state: string;
}

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // `pid (comm) state ppid …`; comm may hold spaces and parentheses, so split after the last ")".
  const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { pid, state: rest[0] ?? "?", ppid: Number(rest[1]) };
}

function allProcesses(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) out.push(stat);
  }
  return out;
}

/** Every live descendant of `root` (children, grandchildren, …), not `root` itself. */
export function descendantsOf(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const p of allProcesses()) {
    if (p.state === "Z") continue;
    const list = children.get(p.ppid) ?? [];
    list.push(p.pid);
    children.set(p.ppid, list);
  }
  const out: number[] = [];
  const stack = [...(children.get(root) ?? [])];
  while (stack.length > 0) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out.sort((a, b) => a - b);
}

/** `pid`'s parent, grandparent, … up to (not including) `stop` or init; empty when `pid` is gone. */
export function ancestorsOf(pid: number, stop: number): number[] {
  const out: number[] = [];
  for (let p = readStat(pid)?.ppid; p !== undefined && p > 1 && p !== stop; p = readStat(p)?.ppid) {
    out.push(p);
  }
  return out;
}

/** A process that still runs (a zombie has finished: it only waits for its parent to reap it). */
export function isRunning(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== "Z";
}

/**
 * Polls until none of `pids` runs any more, for at most `timeoutMs`; returns those still running
 * then (an empty list is success). Polling, not a fixed sleep: the kill is asynchronous.
 */
export async function waitUntilGone(pids: readonly number[], timeoutMs = 10_000): Promise<number[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const running = pids.filter(isRunning);
    if (running.length === 0 || Date.now() >= deadline) return running;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The argv of `pid` (empty when it is gone). */
export function commandLine(pid: number): string[] {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").slice(0, -1);
  } catch {
    return [];
  }
}

/** Whether `pid` is a lambkin's watchdog (core/src/watchdog.ts), by its command line. */
export function isWatchdog(pid: number): boolean {
  return commandLine(pid).includes("lambkin-watchdog");
}

/**
 * SIGKILL of `root` and every process below it, except lambkin's watchdogs: each sees its lambkin
 * gone, kills what is left of its runtimes and removes its /tmp/lambkin-<pid>-* folder, as after a
 * user's kill -9. (A watchdog killed too leaves that folder until the next lambkin starts.)
 */
export function killTree(root: number): void {
  // Snapshot first: once a process dies, its children are reparented and no longer found below it.
  const tree = [root, ...descendantsOf(root)].filter((pid) => !isWatchdog(pid));
  for (const pid of tree) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/**
 * Stops a `lambkin start` child as a user does: Ctrl-C (SIGINT), and only if it is still there
 * after `graceMs` (lambkin's own shutdown gives runtimes 2 s), killTree. Resolves once it exited.
 */
export async function stopAsUser(child: ChildProcess, graceMs = 10_000): Promise<void> {
  const exited = () => child.exitCode !== null || child.signalCode !== null;
  if (child.pid === undefined || exited()) return;
  const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGINT");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<"late">((resolve) => {
    timer = setTimeout(() => resolve("late"), graceMs);
  });
  const result = await Promise.race([gone, late]);
  clearTimeout(timer);
  if (result === "late" && !exited()) {
    killTree(child.pid);
    await gone;
  }
}

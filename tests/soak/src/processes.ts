import { readdirSync, readFileSync } from "node:fs";

// The process-tree helpers the integration tests use (read from /proc the same way).
export { descendantsOf, isWatchdog } from "../../integration/src/processes.ts";

// What the kernel says, read from /proc. Every process of a soak run carries SOAK_RUN=<tag> in its
// environment: lambkin (its wrapper, host and watchdog inherit it from the soak) and each runtime
// (lambkin starts runtimes in a clean environment; the tag comes from the function's
// `environment`), so a scan finds whatever of the run is still alive, whoever its parent is now.

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
}

function pids(): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** State letter (R, S, Z, …) and parent of `pid`, or undefined once it is gone. */
function stat(pid: number): { state: string; ppid: number } | undefined {
  const text = readText(`/proc/${pid}/stat`);
  if (text === undefined) return undefined;
  const rest = text.slice(text.lastIndexOf(")") + 2).split(" ");
  return { state: rest[0] ?? "?", ppid: Number(rest[1]) };
}

export interface Tagged {
  pid: number;
  command: string;
}

/** Live (not zombie) processes whose environment holds SOAK_RUN=`tag`. */
export function taggedProcesses(tag: string): Tagged[] {
  const needle = `\0SOAK_RUN=${tag}\0`;
  const out: Tagged[] = [];
  for (const pid of pids()) {
    if (pid === process.pid) continue;
    const environ = readText(`/proc/${pid}/environ`);
    if (environ === undefined || !`\0${environ}`.includes(needle)) continue;
    const state = stat(pid)?.state;
    if (state === undefined || state === "Z") continue;
    const command = (readText(`/proc/${pid}/cmdline`) ?? "").split("\0").join(" ").trim();
    out.push({ pid, command });
  }
  return out;
}

export const isAlive = (pid: number) => {
  const s = stat(pid);
  return s !== undefined && s.state !== "Z";
};

/** Resident memory of `pid` in MB (VmRSS), or undefined once it is gone. */
export function rssMb(pid: number): number | undefined {
  const match = /VmRSS:\s+(\d+) kB/.exec(readText(`/proc/${pid}/status`) ?? "");
  return match ? Number(match[1]) / 1024 : undefined;
}

/** The program of `pid` (argv[0]). */
export const programOf = (pid: number) => (readText(`/proc/${pid}/cmdline`) ?? "").split("\0")[0] ?? "";

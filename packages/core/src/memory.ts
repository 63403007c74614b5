/**
 * Max Memory Used: the peak resident set of an environment's process tree, as REPORT lines show
 * it. On Linux that is `VmHWM` in /proc/<pid>/status, summed over the runtime and its descendants.
 */
import type { Platform } from "./platform.ts";

const KB_PER_MB = 1024;

async function peakKb(platform: Platform, pid: number): Promise<number> {
  const status = await platform.readTextFile(`/proc/${pid}/status`);
  const at = status.indexOf("VmHWM:");
  if (at < 0) return 0;
  return Number.parseInt(status.slice(at + 6).trimStart(), 10) || 0;
}

async function childrenOf(platform: Platform, pid: number): Promise<number[]> {
  try {
    const text = await platform.readTextFile(`/proc/${pid}/task/${pid}/children`);
    return text
      .split(" ")
      .filter((s) => s !== "")
      .map(Number);
  } catch {
    return [];
  }
}

/**
 * Peak RSS in MB of `pid` and its descendants, or undefined where /proc is not available (the
 * REPORT line then shows 0, which is honest: nothing was measured).
 */
export async function peakMemoryMB(platform: Platform, pid: number): Promise<number | undefined> {
  try {
    let total = 0;
    const queue = [pid];
    for (let i = 0; i < queue.length && i < 256; i++) {
      const p = queue[i]!;
      try {
        total += await peakKb(platform, p);
      } catch (error) {
        if (p === pid) throw error;
        continue; // a descendant that exited meanwhile
      }
      queue.push(...(await childrenOf(platform, p)));
    }
    return total / KB_PER_MB;
  } catch {
    return undefined;
  }
}

/**
 * Taking one figure: a run of the caller against a target with the host's CPU time read around
 * it, and paired rounds (lambkin and floor alternating, order swapped every round) whose medians
 * are reported, so slow drift on a shared machine hits both sides alike.
 */

import type { RunRequest } from "./load.ts";
import { cpuMs, treeCpuMs } from "./proc.ts";
import type { LatencyFigures } from "./results.ts";
import { medianOfRounds } from "./stats.ts";
import type { Caller, Target } from "./systems.ts";

export type Load = Omit<RunRequest, "port" | "path" | "warmup">;

export interface Subject {
  target: Target;
  fn: string;
}

/** One measured run (no warm-up inside it: CPU time is read around exactly the measured invokes). */
export async function measureOnce(caller: Caller, subject: Subject, load: Load): Promise<LatencyFigures> {
  const runtimes = subject.target.runtimePids();
  const before = cpuMs(subject.target.pid);
  const runtimesBefore = treeCpuMs(runtimes);
  const r = await caller.run(subject.target, subject.fn, { ...load, warmup: 0 });
  const cpu = cpuMs(subject.target.pid) - before;
  const runtimeCpu = treeCpuMs(runtimes) - runtimesBefore;
  return {
    p50_ms: r.p50_ms,
    p90_ms: r.p90_ms,
    p99_ms: r.p99_ms,
    invokes_per_s: r.invokes_per_s,
    host_cpu_us: (cpu * 1000) / r.n,
    runtime_cpu_us: (runtimeCpu * 1000) / r.n,
  };
}

/** `plan.prime` unmeasured invokes through each subject, so that none is measured before its JIT warmed up. */
export async function prime(caller: Caller, subjects: readonly Subject[], count: number): Promise<void> {
  for (const subject of subjects) {
    await caller.run(subject.target, subject.fn, {
      body: '{"bench":"prime"}',
      concurrency: 1,
      warmup: 0,
      count,
      maxMs: 60_000,
      expect: "echo",
    });
  }
}

export async function warmUp(caller: Caller, subject: Subject, load: Load, count: number): Promise<void> {
  await caller.run(subject.target, subject.fn, { ...load, count, warmup: 0 });
}

/** `rounds` paired rounds over `subjects`; the median of each figure, per subject, in order. */
export async function pairedRounds(
  caller: Caller,
  subjects: readonly Subject[],
  load: Load,
  rounds: number,
): Promise<LatencyFigures[]> {
  const taken: LatencyFigures[][] = subjects.map(() => []);
  for (let round = 0; round < rounds; round++) {
    const order = subjects.map((_, i) => i);
    if (round % 2 === 1) order.reverse();
    for (const i of order) taken[i]!.push(await measureOnce(caller, subjects[i]!, load));
  }
  return taken.map((figures) => medianOfRounds(figures));
}

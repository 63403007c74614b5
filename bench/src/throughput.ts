/**
 * Throughput scaling: at each concurrency c, c environments (lambkin) or c runtime processes (the
 * floor), all running @lambkin/client on Node, and c callers in a closed loop.
 */
import { type Context, reason } from "./context.ts";
import { type Load, pairedRounds, prime, type Subject, warmUp } from "./measure.ts";
import type { ThroughputRow } from "./results.ts";
import { functionFor } from "./runtimes.ts";
import { sig } from "./stats.ts";
import { Floor, LambkinHost } from "./systems.ts";
import { WARM_BODY } from "./warm.ts";

const FN = "scale";

export async function throughput(ctx: Context): Promise<void> {
  const { plan, caller, progress } = ctx;
  const most = Math.max(...plan.throughput.steps);
  for (const host of plan.hosts) {
    progress.step(`throughput · host ${host}: starting lambkin and the null relay`);
    const lambkin = await LambkinHost.start(host, {
      [FN]: { ...functionFor("node"), concurrency: most, queueSize: most },
    }).catch((error: unknown) => reason(error));
    const floor = await Floor.start(host).catch((error: unknown) => reason(error));
    try {
      if (typeof lambkin !== "string")
        await prime(caller, [{ target: lambkin, fn: FN }], plan.prime).catch(() => {});
      if (typeof floor !== "string") {
        await floor
          .use("node", 1)
          .then(() => prime(caller, [{ target: floor, fn: FN }], plan.prime))
          .catch(() => {});
      }
      for (const c of plan.throughput.steps) {
        progress.step(`throughput · host ${host} · concurrency ${c}`);
        const rows: ThroughputRow[] = [
          { host, concurrency: c, system: "lambkin" },
          { host, concurrency: c, system: "floor" },
        ];
        const subjects: { row: ThroughputRow; subject: Subject }[] = [];
        const load: Load = {
          body: WARM_BODY,
          concurrency: c,
          count: plan.throughput.count,
          maxMs: plan.throughput.maxMs,
          expect: "echo",
        };
        if (typeof lambkin === "string") rows[0]!.skipped = `lambkin did not start on ${host}: ${lambkin}`;
        else {
          try {
            await lambkin.grow(caller, FN, c);
            await warmUp(caller, { target: lambkin, fn: FN }, load, plan.throughput.warmup);
            subjects.push({ row: rows[0]!, subject: { target: lambkin, fn: FN } });
          } catch (error) {
            rows[0]!.skipped = reason(error);
          }
        }
        if (typeof floor === "string") rows[1]!.skipped = `the null relay did not start on ${host}: ${floor}`;
        else {
          try {
            await floor.use("node", c);
            await warmUp(caller, { target: floor, fn: FN }, load, plan.throughput.warmup);
            subjects.push({ row: rows[1]!, subject: { target: floor, fn: FN } });
          } catch (error) {
            rows[1]!.skipped = reason(error);
          }
        }
        try {
          const figures = await pairedRounds(
            caller,
            subjects.map((s) => s.subject),
            load,
            c === 8 ? plan.throughput.keyRounds : plan.throughput.rounds,
          );
          for (const [i, f] of figures.entries()) {
            Object.assign(subjects[i]!.row, {
              invokes_per_s: sig(f.invokes_per_s),
              p50_ms: sig(f.p50_ms),
              p99_ms: sig(f.p99_ms),
              host_cpu_us: sig(f.host_cpu_us),
            });
          }
        } catch (error) {
          for (const { row } of subjects) row.skipped = reason(error);
        }
        const [lk, fl] = rows;
        const ratio =
          lk!.invokes_per_s && fl!.invokes_per_s
            ? ` (${sig(lk!.invokes_per_s / fl!.invokes_per_s)}× floor)`
            : "";
        progress.figure(
          `invokes/s lambkin ${lk!.invokes_per_s ?? `skipped: ${lk!.skipped}`} · floor ${fl!.invokes_per_s ?? `skipped: ${fl!.skipped}`}${ratio}`,
        );
        ctx.results.throughput.push(...rows);
      }
    } finally {
      if (typeof lambkin !== "string") await lambkin.stop();
      if (typeof floor !== "string") await floor.stop();
    }
  }
}

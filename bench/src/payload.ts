/**
 * Payload: echo of 1 KB, 64 KB, 1 MB and 6 MB JSON strings (lambkin on Node, @lambkin/client on
 * Node, and the floor with the same runtime). MB/s counts the request's bytes: each is sent and
 * comes back once.
 */
import { type Context, ms, reason } from "./context.ts";
import { type Load, pairedRounds, prime, type Subject, warmUp } from "./measure.ts";
import type { PayloadRow } from "./results.ts";
import { functionFor } from "./runtimes.ts";
import { sig } from "./stats.ts";
import { Floor, LambkinHost } from "./systems.ts";

const FN = "echo";
const MB = 1024 * 1024;

export async function payload(ctx: Context): Promise<void> {
  const { plan, caller, progress } = ctx;
  progress.step("payload · host node: starting lambkin and the null relay");
  const lambkin = await LambkinHost.start("node", { [FN]: functionFor("node") }).catch((e: unknown) =>
    reason(e),
  );
  const floor = await Floor.start("node").catch((e: unknown) => reason(e));
  try {
    if (typeof floor !== "string") await floor.use("node", 1);
    const primed = [lambkin, floor].flatMap((target) =>
      typeof target === "string" ? [] : [{ target, fn: FN }],
    );
    await prime(caller, primed, plan.prime);
    for (const { bytes, count } of plan.payload.sizes) {
      progress.step(`payload · ${bytes >= MB ? `${bytes / MB} MB` : `${bytes / 1024} KB`}`);
      const rows: PayloadRow[] = [
        { bytes, system: "lambkin" },
        { bytes, system: "floor" },
      ];
      const load: Load = {
        bodyBytes: bytes,
        concurrency: 1,
        count,
        maxMs: plan.payload.maxMs,
        expect: "echo",
      };
      const subjects: { row: PayloadRow; subject: Subject }[] = [];
      for (const [i, target] of [lambkin, floor].entries()) {
        if (typeof target === "string") rows[i]!.skipped = target;
        else {
          try {
            await warmUp(caller, { target, fn: FN }, load, Math.max(2, Math.ceil(count / 10)));
            subjects.push({ row: rows[i]!, subject: { target, fn: FN } });
          } catch (error) {
            rows[i]!.skipped = reason(error);
          }
        }
      }
      try {
        const figures = await pairedRounds(
          caller,
          subjects.map((s) => s.subject),
          load,
          plan.payload.rounds,
        );
        for (const [i, f] of figures.entries()) {
          Object.assign(subjects[i]!.row, {
            p50_ms: sig(f.p50_ms),
            mb_per_s: sig((bytes * f.invokes_per_s) / MB),
          });
        }
      } catch (error) {
        for (const { row } of subjects) row.skipped = reason(error);
      }
      progress.figure(
        `lambkin ${rows[0]!.mb_per_s ?? "–"} MB/s (p50 ${ms(rows[0]!.p50_ms)}) · floor ${rows[1]!.mb_per_s ?? "–"} MB/s (p50 ${ms(rows[1]!.p50_ms)})`,
      );
      ctx.results.payload.push(...rows);
    }
  } finally {
    if (typeof lambkin !== "string") await lambkin.stop();
    if (typeof floor !== "string") await floor.stop();
  }
}

/**
 * Warm latency: sequential invokes of an echo function, for every host engine × function runtime,
 * through lambkin and through the null relay with the same runtime process.
 */
import { type Context, ms, reason } from "./context.ts";
import type { Engine } from "./engines.ts";
import { type Load, pairedRounds, prime, type Subject, warmUp } from "./measure.ts";
import type { WarmRow } from "./results.ts";
import { functionFor, type RuntimeKind, unavailable } from "./runtimes.ts";
import { sig } from "./stats.ts";
import { Floor, LambkinHost } from "./systems.ts";

export const WARM_BODY = JSON.stringify({ bench: "warm", n: 1 });
export const echoName = (kind: RuntimeKind) => `echo-${kind}`;

export async function warm(ctx: Context): Promise<void> {
  const { plan, progress } = ctx;
  const missing = new Map<RuntimeKind, string>();
  for (const kind of new Set(plan.hosts.flatMap((host) => plan.warm.runtimes(host)))) {
    const why = unavailable(kind);
    if (why) missing.set(kind, why);
  }
  for (const host of plan.hosts) {
    const runtimes = plan.warm.runtimes(host);
    const runnable = runtimes.filter((kind) => !missing.has(kind));
    progress.step(`warm · host ${host}: starting lambkin and the null relay`);
    const lambkin = await LambkinHost.start(
      host,
      Object.fromEntries(runnable.map((kind) => [echoName(kind), functionFor(kind)])),
    ).catch((error: unknown) => reason(error));
    const floor = await Floor.start(host).catch((error: unknown) => reason(error));
    try {
      // Both hosts warmed up through the runtime the targets use, before any row is measured.
      if (typeof lambkin !== "string" && runnable.includes("node")) {
        await prime(ctx.caller, [{ target: lambkin, fn: echoName("node") }], plan.prime).catch(() => {});
      }
      if (typeof floor !== "string" && runnable.includes("node")) {
        await floor
          .use("node", 1)
          .then(() => prime(ctx.caller, [{ target: floor, fn: echoName("node") }], plan.prime))
          .catch(() => {});
      }
      for (const kind of runtimes) {
        const rows = await warmRows(ctx, host, kind, lambkin, floor, missing.get(kind));
        ctx.results.warm.push(...rows);
      }
    } finally {
      if (typeof lambkin !== "string") await lambkin.stop();
      if (typeof floor !== "string") await floor.stop();
    }
  }
}

async function warmRows(
  ctx: Context,
  host: Engine,
  kind: RuntimeKind,
  lambkin: LambkinHost | string,
  floor: Floor | string,
  missing: string | undefined,
): Promise<WarmRow[]> {
  const { plan, caller, progress } = ctx;
  const rows: WarmRow[] = [
    { host, runtime: kind, system: "lambkin" },
    { host, runtime: kind, system: "floor" },
  ];
  if (missing) {
    for (const row of rows) row.skipped = missing;
    return rows;
  }
  progress.step(`warm · host ${host} · runtime ${kind}`);
  const subjects: { row: WarmRow; subject: Subject }[] = [];
  const load: Load = {
    body: WARM_BODY,
    concurrency: 1,
    count: plan.warm.count,
    maxMs: plan.warm.maxMs,
    expect: "echo",
  };
  if (typeof lambkin === "string") rows[0]!.skipped = `lambkin did not start on ${host}: ${lambkin}`;
  else subjects.push({ row: rows[0]!, subject: { target: lambkin, fn: echoName(kind) } });
  if (typeof floor === "string") rows[1]!.skipped = `the null relay did not start on ${host}: ${floor}`;
  else {
    try {
      await floor.use(kind, 1);
      subjects.push({ row: rows[1]!, subject: { target: floor, fn: echoName(kind) } });
    } catch (error) {
      rows[1]!.skipped = reason(error);
    }
  }
  // A side that fails its warm-up (its runtime does not work there) is skipped, not the other.
  for (const entry of [...subjects]) {
    try {
      await warmUp(caller, entry.subject, load, plan.warm.warmup);
    } catch (error) {
      entry.row.skipped = reason(error);
      subjects.splice(subjects.indexOf(entry), 1);
    }
  }
  // The rows the targets read (@lambkin/client on Node, and the bare `provided` runtime) get many rounds.
  const rounds = kind === "node" || kind === "bare-loop" ? plan.warm.keyRounds : plan.warm.rounds;
  try {
    const figures = await pairedRounds(
      caller,
      subjects.map((s) => s.subject),
      load,
      rounds,
    );
    for (const [i, f] of figures.entries()) Object.assign(subjects[i]!.row, rounded(f));
  } catch (error) {
    for (const { row } of subjects) row.skipped = reason(error);
  }
  const [lk, fl] = rows;
  const ratio =
    lk!.p50_ms && fl!.p50_ms && lk!.p90_ms && fl!.p90_ms
      ? ` (p50 ${sig(lk!.p50_ms / fl!.p50_ms)}× floor, p90 ${sig(lk!.p90_ms / fl!.p90_ms)}×)`
      : "";
  progress.figure(
    `p50 lambkin ${lk!.skipped ? `skipped: ${lk!.skipped}` : ms(lk!.p50_ms)} · floor ${fl!.skipped ? `skipped: ${fl!.skipped}` : ms(fl!.p50_ms)}${ratio}`,
  );
  return rows;
}

export function rounded<T extends object>(figures: T): T {
  const out = {} as Record<string, unknown>;
  for (const [key, value] of Object.entries(figures))
    out[key] = typeof value === "number" ? sig(value) : value;
  return out as T;
}

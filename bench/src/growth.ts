/**
 * Growth (lambkin on Node, @lambkin/client on Node): latency with 1, 10 and 100 configured
 * functions; a function that logs 100 lines per invoke; host RSS idle (1 vs 100 functions), under
 * load, and after many invokes (a leak shows as growth between the last two checkpoints).
 */
import { type Context, ms, reason } from "./context.ts";
import { type Load, pairedRounds, prime } from "./measure.ts";
import { rssMb, sleep } from "./proc.ts";
import { functionFor } from "./runtimes.ts";
import { sig } from "./stats.ts";
import { Floor, LambkinHost, type Target } from "./systems.ts";
import { WARM_BODY } from "./warm.ts";

/** How long a host sits still before its idle RSS is read (start-up garbage collected, timers settled). */
const SETTLE_MS = 1000;

export async function growth(ctx: Context): Promise<void> {
  const { plan, caller, progress, results } = ctx;
  const g = results.growth;
  const load: Load = {
    body: WARM_BODY,
    concurrency: 1,
    count: plan.growth.count,
    maxMs: plan.growth.maxMs,
    expect: "echo",
  };
  for (const n of plan.growth.functions) {
    progress.step(`growth · ${n} configured function${n === 1 ? "" : "s"}`);
    const functions = Object.fromEntries(
      Array.from({ length: n }, (_, i) => [`fn-${i}`, functionFor("node")]),
    );
    let lambkin: LambkinHost;
    try {
      // --expose-gc lets the memory checkpoints read the heap after a full collection.
      lambkin = await LambkinHost.start("node", functions, { engineFlags: n === 1 ? ["--expose-gc"] : [] });
    } catch (error) {
      g.skipped = `lambkin did not start with ${n} functions: ${reason(error)}`;
      continue;
    }
    try {
      await sleep(SETTLE_MS);
      const idle = rssMb(lambkin.pid);
      if (n === 1) g.idle_rss_mb_1_function = sig(idle);
      if (n === 100) g.idle_rss_mb_100_functions = sig(idle);
      // The last one configured: a lookup that scanned the registry would show here.
      const subject = { target: lambkin, fn: `fn-${n - 1}` };
      await prime(caller, [subject], plan.prime);
      const [figures] = await pairedRounds(caller, [subject], load, plan.growth.rounds);
      g.p50_ms_by_functions[String(n)] = sig(figures!.p50_ms);
      progress.figure(`idle RSS ${sig(idle)} MB · p50 ${ms(figures!.p50_ms)}`);
      if (n === 1) await memoryUnderLoad(ctx, lambkin, "fn-0");
    } catch (error) {
      g.skipped = reason(error);
    } finally {
      await lambkin.stop();
    }
  }

  progress.step("growth · the null relay's RSS under the same load");
  try {
    await floorMemoryUnderLoad(ctx);
  } catch (error) {
    g.floor_rss_mb_by_invokes = undefined;
    progress.figure(`the null relay's RSS: skipped (${reason(error)})`);
  }

  progress.step("growth · a function that logs 100 lines per invoke");
  try {
    const lambkin = await LambkinHost.start("node", {
      echo: functionFor("node"),
      logs: { ...functionFor("node"), handler: "index.logs" },
    });
    try {
      const subjects = [
        { target: lambkin, fn: "echo" },
        { target: lambkin, fn: "logs" },
      ];
      await prime(caller, subjects, plan.prime);
      const [echo, logs] = await pairedRounds(caller, subjects, load, plan.growth.rounds);
      g.logging = { p50_ms_echo: sig(echo!.p50_ms), p50_ms_100_lines: sig(logs!.p50_ms) };
      progress.figure(`p50 echo ${ms(echo!.p50_ms)} · logging 100 lines ${ms(logs!.p50_ms)}`);
    } finally {
      await lambkin.stop();
    }
  } catch (error) {
    g.skipped = reason(error);
  }
}

/** Invokes up to each checkpoint, reading lambkin's RSS and heap after each (and its peak all along). */
async function memoryUnderLoad(ctx: Context, lambkin: LambkinHost, fn: string): Promise<void> {
  const g = ctx.results.growth;
  await lambkin.grow(ctx.caller, fn, ctx.plan.growth.rssConcurrency);
  g.rss_mb_under_load = await rssUnderLoad(ctx, lambkin, fn, async (checkpoint, rss) => {
    g.rss_mb_by_invokes[String(checkpoint)] = rss;
    const heap = await lambkin.memory();
    if (heap.collected) {
      g.heap_mb_after_gc_by_invokes ??= {};
      g.memory_after_gc_by_invokes ??= {};
      g.heap_mb_after_gc_by_invokes[String(checkpoint)] = sig(heap.heap_used_mb);
      g.memory_after_gc_by_invokes[String(checkpoint)] = {
        heap_total_mb: sig(heap.heap_total_mb),
        external_mb: sig(heap.external_mb),
        array_buffers_mb: sig(heap.array_buffers_mb),
      };
    }
    if (checkpoint === 10_000) g.rss_mb_after_10k = rss;
    if (checkpoint === 100_000) g.rss_mb_after_100k = rss;
    return `RSS ${rss} MB; after a full GC: heap used ${sig(heap.heap_used_mb)} MB of ${sig(heap.heap_total_mb)} MB, external ${sig(heap.external_mb)} MB`;
  });
}

/** The same invokes through the null relay on Node, with as many runtimes, reading its RSS. */
async function floorMemoryUnderLoad(ctx: Context): Promise<void> {
  const g = ctx.results.growth;
  const floor = await Floor.start("node");
  try {
    await floor.use("node", ctx.plan.growth.rssConcurrency);
    g.floor_rss_mb_by_invokes = {};
    const byInvokes = g.floor_rss_mb_by_invokes;
    await rssUnderLoad(ctx, floor, "echo", async (checkpoint, rss) => {
      byInvokes[String(checkpoint)] = rss;
      return `the null relay's RSS ${rss} MB`;
    });
  } finally {
    await floor.stop();
  }
}

/**
 * Sends invokes up to each checkpoint of the plan, calling `checkpoint` with the host's RSS (MB)
 * after each, once the host has sat still a moment; returns the highest RSS seen all along.
 */
async function rssUnderLoad(
  ctx: Context,
  target: Target,
  fn: string,
  checkpoint: (invokes: number, rssMb: number) => Promise<string>,
): Promise<number> {
  const { plan, caller, progress } = ctx;
  const c = plan.growth.rssConcurrency;
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(target.pid));
  }, 200);
  try {
    let done = 0;
    for (const invokes of plan.growth.rssCheckpoints) {
      progress.step(
        `growth · ${target.system} RSS: invoking up to ${invokes.toLocaleString("en")} times (concurrency ${c})`,
      );
      while (done < invokes) {
        // Chunks bound each run in time; at least half the machine's speed is assumed (2 cores: ~2,000/s).
        const count = Math.min(20_000, invokes - done);
        const r = await caller.run(target, fn, {
          body: WARM_BODY,
          concurrency: c,
          warmup: 0,
          count,
          maxMs: 120_000,
          expect: "echo",
        });
        done += r.n;
      }
      await sleep(SETTLE_MS);
      const said = await checkpoint(invokes, sig(rssMb(target.pid)));
      progress.figure(`after ${invokes.toLocaleString("en")} invokes: ${said}`);
    }
  } finally {
    clearInterval(sampler);
  }
  return sig(peak);
}

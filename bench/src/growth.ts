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
import { LambkinHost } from "./systems.ts";
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

/** Invokes up to each checkpoint, reading the host's RSS after each (and its peak all along). */
async function memoryUnderLoad(ctx: Context, lambkin: LambkinHost, fn: string): Promise<void> {
  const { plan, caller, progress, results } = ctx;
  const g = results.growth;
  const c = plan.growth.rssConcurrency;
  await lambkin.grow(caller, fn, c);
  let peak = 0;
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMb(lambkin.pid));
  }, 200);
  try {
    let done = 0;
    for (const checkpoint of plan.growth.rssCheckpoints) {
      progress.step(
        `growth · host RSS: invoking up to ${checkpoint.toLocaleString("en")} times (concurrency ${c})`,
      );
      while (done < checkpoint) {
        // Chunks bound each run in time; at least half the machine's speed is assumed (2 cores: ~2,000/s).
        const count = Math.min(20_000, checkpoint - done);
        const r = await caller.run(lambkin, fn, {
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
      const rss = rssMb(lambkin.pid);
      g.rss_mb_by_invokes[String(checkpoint)] = sig(rss);
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
      if (checkpoint === 10_000) g.rss_mb_after_10k = sig(rss);
      if (checkpoint === 100_000) g.rss_mb_after_100k = sig(rss);
      progress.figure(
        `after ${checkpoint.toLocaleString("en")} invokes: RSS ${sig(rss)} MB; after a full GC: heap used ${sig(heap.heap_used_mb)} MB of ${sig(heap.heap_total_mb)} MB, external ${sig(heap.external_mb)} MB`,
      );
    }
  } finally {
    clearInterval(sampler);
  }
  g.rss_mb_under_load = sig(peak);
}

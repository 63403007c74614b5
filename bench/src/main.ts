/**
 * `npm run bench`: measures lambkin against its floor and writes bench/results/latest.json,
 * latest.svg (the chart) and latest.md (headline figures for the README), printing a table and
 * PASS/MISS per target.
 *
 *   npm run bench                     the full run (under 10 minutes on 2 cores)
 *   npm run bench -- --quick          the same rows with small counts (under a minute)
 *   npm run bench -- --only warm,cold --hosts node,bun    a part (written to results/partial.*)
 *   npm run bench -- --profile [--hosts node,bun] [--concurrency 8] [--silent-logs]
 *                                     CPU profile of the host, lambkin and floor (results/profile.txt)
 *   npm run bench -- --render         the table, latest.svg and latest.md again from latest.json
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import { parseArgs } from "node:util";
import { chart } from "./chart.ts";
import { coldStart } from "./cold-start.ts";
import { type Context, Progress, reason } from "./context.ts";
import { BENCH, ENGINES, type Engine, engineVersions, ROOT } from "./engines.ts";
import { growth } from "./growth.ts";
import { markdown } from "./markdown.ts";
import { payload } from "./payload.ts";
import { planFor, SECTIONS, type Section } from "./plan.ts";
import { profile } from "./profile.ts";
import { updateReadme } from "./readme.ts";
import { reload } from "./reload.ts";
import { report } from "./report.ts";
import type { Results } from "./results.ts";
import { RUNTIMES, type RuntimeKind } from "./runtimes.ts";
import { Caller } from "./systems.ts";
import { checkTargets } from "./targets.ts";
import { throughput } from "./throughput.ts";
import { warm } from "./warm.ts";

class UsageError extends Error {
  override readonly name = "UsageError";
}

const RUN: Record<Section, (ctx: Context) => Promise<void>> = {
  warm,
  throughput,
  cold: coldStart,
  payload,
  growth,
  reload,
};

function listOption<T extends string>(
  name: string,
  value: string | undefined,
  allowed: readonly T[],
): T[] | undefined {
  if (value === undefined) return undefined;
  const items = value.split(",").map((s) => s.trim());
  for (const item of items) {
    if (!allowed.includes(item as T)) {
      throw new UsageError(`--${name} takes a comma-separated list of ${allowed.join(", ")}; got "${item}"`);
    }
  }
  return items as T[];
}

function positive(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1)
    throw new UsageError(`--${name} must be a positive whole number, got "${value}"`);
  return n;
}

/** The commit measured, and whether lambkin's packages differed from it (a shared tree often does). */
function commit(): string {
  try {
    const head = execFileSync("git", ["rev-parse", "--short", "HEAD"], {
      cwd: ROOT,
      encoding: "utf8",
    }).trim();
    const dirty = execFileSync("git", ["status", "--porcelain", "--", "packages"], {
      cwd: ROOT,
      encoding: "utf8",
    }).trim();
    return dirty ? `${head} + uncommitted changes in packages/` : head;
  } catch {
    return "unknown";
  }
}

function machine(mode: "quick" | "full"): Results["machine"] {
  const versions = engineVersions();
  const cpus = os.cpus();
  return {
    cpus: cpus.length,
    cpu_model: cpus[0]?.model.replace(/\s+/g, " ").trim() ?? "unknown",
    memory_gb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: versions.node,
    bun: versions.bun,
    deno: versions.deno,
    date: new Date().toISOString(),
    mode,
    commit: commit(),
  };
}

const METHOD: Results["method"] = {
  caller:
    "one Node process (node:http, keep-alive Agent) drives every row; it is not the host, so host CPU is the host's own",
  floor:
    "a null relay on the same host engine (relay.ts): parks the runtime's next, hands it the caller's body, answers the caller with the runtime's post; caller side node:http / Bun.serve / Deno.serve, runtime side node:http (trailers-capable, as lambkin's adapters)",
  runtime:
    "the floor runs the same runtime process as lambkin (same command, same echo function), so lambkin ÷ floor isolates the server; the bare-loop runtime shows the client's own cost",
  rounds:
    "warm-up first; then lambkin and floor alternate in paired rounds (order swapped each round); figures are medians of the rounds",
  host_cpu_us:
    "user+system CPU of the host process (lambkin, or the relay) per invoke, from /proc (10 ms ticks)",
  runtime_cpu_us:
    "user+system CPU of the runtime process(es) per invoke, with the children they reaped (curl under sh), from /proc",
  units: "ms, invokes per second, MB = 2^20 bytes",
};

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string" },
      hosts: { type: "string" },
      profile: { type: "boolean", default: false },
      concurrency: { type: "string" },
      count: { type: "string" },
      runtime: { type: "string" },
      "silent-logs": { type: "boolean", default: false },
      render: { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  if (values.help) {
    console.log(
      [
        "usage: npm run bench -- [--quick] [--only warm,throughput,cold,payload,growth,reload] [--hosts node,bun,deno]",
        "       npm run bench -- --profile [--hosts node,bun,deno] [--concurrency N] [--count N] [--runtime node|bare-loop|…] [--silent-logs]",
        "       npm run bench -- --render     (table, chart and Markdown again from results/latest.json)",
      ].join("\n"),
    );
    return;
  }
  if (values.render) {
    // Re-renders the table, chart and Markdown of the last run (after a change to how they are
    // drawn or judged) without measuring again.
    const resultsFile = `${BENCH}results/latest.json`;
    const results = JSON.parse(readFileSync(resultsFile, "utf8")) as Results;
    results.targets = checkTargets(results);
    writeFileSync(resultsFile, `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(`${BENCH}results/latest.svg`, chart(results));
    writeFileSync(`${BENCH}results/latest.md`, markdown(results));
    if (results.machine.mode === "full") updateReadme(`${ROOT}README.md`, markdown(results));
    console.log(report(results));
    return;
  }
  const mode = values.quick ? "quick" : "full";
  const sections = listOption("only", values.only, SECTIONS);
  const hosts = listOption<Engine>("hosts", values.hosts, ENGINES);
  const progress = new Progress();
  const resultsDir = `${BENCH}results`;
  mkdirSync(resultsDir, { recursive: true });

  const plan = planFor(mode, sections);
  if (hosts) plan.hosts = hosts;
  const results: Results = {
    machine: machine(mode),
    method: METHOD,
    warm: [],
    throughput: [],
    cold_start: [],
    client_vs_ric: {
      client_p50_ms: null,
      ric_p50_ms: null,
      client_runtime_cpu_us: null,
      ric_runtime_cpu_us: null,
      host: "node",
    },
    payload: [],
    growth: { p50_ms_by_functions: {}, rss_mb_by_invokes: {} },
    targets: [],
  };
  progress.step(
    `lambkin bench (${mode}) on ${results.machine.cpus} CPUs · node ${results.machine.node} · bun ${results.machine.bun} · deno ${results.machine.deno}`,
  );
  const caller = await Caller.start();
  const ctx: Context = { plan, caller, results, progress };
  try {
    if (values.profile) {
      const summary = await profile(
        ctx,
        hosts ?? ["node"],
        positive("concurrency", values.concurrency, 1),
        positive("count", values.count, 20_000),
        values["silent-logs"],
        runtimeOption(values.runtime),
      );
      writeFileSync(`${resultsDir}/profile.txt`, `${summary.trim()}\n`);
      console.log(summary);
      progress.step(`wrote bench/results/profile.txt (and .cpuprofile files in bench/results/profiles/)`);
      return;
    }
    const failures: string[] = [];
    for (const section of plan.sections) {
      try {
        await RUN[section](ctx);
      } catch (error) {
        // One section failing (an engine missing…) still leaves the others' figures.
        failures.push(`${section}: ${reason(error)}`);
        progress.step(`${section} failed: ${reason(error)}`);
      }
    }
    const lk = (runtime: string) =>
      results.warm.find((w) => w.host === "node" && w.runtime === runtime && w.system === "lambkin");
    results.client_vs_ric = {
      client_p50_ms: lk("node")?.p50_ms ?? null,
      ric_p50_ms: lk("aws-lambda-ric")?.p50_ms ?? null,
      client_runtime_cpu_us: lk("node")?.runtime_cpu_us ?? null,
      ric_runtime_cpu_us: lk("aws-lambda-ric")?.runtime_cpu_us ?? null,
      host: "node",
    };
    results.targets = checkTargets(results);
    results.machine.duration_s = Math.round(progress.elapsedS);
    if (failures.length > 0) results.failures = failures;

    const partial = sections !== undefined || hosts !== undefined;
    const base = partial ? "partial" : "latest";
    writeFileSync(`${resultsDir}/${base}.json`, `${JSON.stringify(results, null, 2)}\n`);
    writeFileSync(`${resultsDir}/${base}.svg`, chart(results));
    writeFileSync(`${resultsDir}/${base}.md`, markdown(results));
    // Only a whole full run speaks for the README; quick and partial runs stay in results/.
    if (!partial && mode === "full" && updateReadme(`${ROOT}README.md`, markdown(results))) {
      progress.step("updated the README's performance figures");
    }
    console.log(`\n${report(results)}\n`);
    progress.step(`wrote bench/results/${base}.json, .svg and .md`);
  } finally {
    await caller.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof UsageError ? error.message : error);
  process.exit(error instanceof UsageError ? 2 : 1);
});

/** `--runtime`: one of the warm rows' runtimes (default @lambkin/client on Node). */
function runtimeOption(value: string | undefined): RuntimeKind {
  if (value === undefined) return "node";
  if ((RUNTIMES as readonly string[]).includes(value)) return value as RuntimeKind;
  throw new Error(`--runtime must be one of ${RUNTIMES.join(", ")}, got "${value}"`);
}

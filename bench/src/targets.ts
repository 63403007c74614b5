/**
 * The targets, checked on the figures of one run (ratios, so machine noise cancels): each
 * with its value, its limit, PASS/MISS, and the figures it came from.
 */
import { ENGINES } from "./engines.ts";
import type { Results, TargetCheck } from "./results.ts";
import { sig } from "./stats.ts";

export const LIMITS = {
  warmVsFloor: 1.2,
  warmP90VsFloor: 1.5,
  throughputVsFloor: 0.8,
  coldOverBareMs: 15,
  clientVsRic: 1,
  rssGrowth: 1.1,
  idleRssFunctions: 1.5,
  watchP50Ms: 100,
  firstAnswerOverColdMs: 30,
  warmAfterSave: 0.95,
} as const;

function check(
  id: string,
  target: string,
  value: number | undefined,
  limit: number,
  unit: "×" | "ms" | "edits",
  atMost: boolean,
  detail: string,
): TargetCheck {
  if (value === undefined || !Number.isFinite(value)) {
    return { id, target, value: null, limit, unit, pass: null, detail: `not measured: ${detail}` };
  }
  return {
    id,
    target,
    value: sig(value),
    limit,
    unit,
    pass: atMost ? value <= limit : value >= limit,
    detail,
  };
}

/** A row's figure for a detail line: `0.31 ms`, `skipped: why`, or `no figure`. */
const figure = (
  row: ({ skipped?: string } & Partial<Record<"p50_ms" | "p90_ms", number>>) | undefined,
  key: "p50_ms" | "p90_ms",
) => (row?.skipped ? `skipped: ${row.skipped}` : row?.[key] !== undefined ? `${row[key]} ms` : "no figure");

const ratio = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || b === 0 ? undefined : a / b;

export function checkTargets(r: Results): TargetCheck[] {
  const out: TargetCheck[] = [];
  // Warm p50 and p90 against the floor's, for @lambkin/client on Node and for a bare `provided`
  // runtime (node:http), whose own cost is so small that lambkin's shows most.
  for (const [runtime, label, suffix] of [
    ["node", "@lambkin/client on Node", ""],
    ["bare-loop", "provided: bare node:http", "_provided"],
  ] as const) {
    for (const host of ENGINES) {
      const lk = r.warm.find((w) => w.host === host && w.runtime === runtime && w.system === "lambkin");
      const fl = r.warm.find((w) => w.host === host && w.runtime === runtime && w.system === "floor");
      if (!lk && !fl) continue;
      for (const [q, limit] of [
        ["p50", LIMITS.warmVsFloor],
        ["p90", LIMITS.warmP90VsFloor],
      ] as const) {
        const key = `${q}_ms` as const;
        out.push(
          check(
            `warm_${q}${suffix}_${host}`,
            `warm ${q} ≤ ${limit} × floor's (host ${host}, ${label})`,
            ratio(lk?.[key], fl?.[key]),
            limit,
            "×",
            true,
            `lambkin ${figure(lk, key)}, floor ${figure(fl, key)}`,
          ),
        );
      }
    }
  }
  for (const host of ENGINES) {
    const lk = r.throughput.find((t) => t.host === host && t.concurrency === 8 && t.system === "lambkin");
    const fl = r.throughput.find((t) => t.host === host && t.concurrency === 8 && t.system === "floor");
    if (!lk && !fl) continue;
    out.push(
      check(
        `throughput_c8_${host}`,
        `invokes/s at concurrency 8 ≥ ${LIMITS.throughputVsFloor} × floor (host ${host})`,
        ratio(lk?.invokes_per_s, fl?.invokes_per_s),
        LIMITS.throughputVsFloor,
        "×",
        false,
        `lambkin ${lk?.invokes_per_s ?? lk?.skipped}/s, floor ${fl?.invokes_per_s ?? fl?.skipped}/s`,
      ),
    );
  }
  for (const engine of ENGINES) {
    const cold = r.cold_start.find((c) => c.runtime === engine && c.system === "lambkin");
    const bare = r.cold_start.find((c) => c.runtime === engine && c.system === "bare");
    if (!cold && !bare) continue;
    const coldMs = cold?.system === "lambkin" ? cold.cold_ms : undefined;
    const overBare = cold?.system === "lambkin" ? cold.over_bare_ms : undefined;
    const bareMs = bare?.system === "bare" ? bare.startup_ms : undefined;
    out.push(
      check(
        `cold_start_${engine}`,
        `cold start (sandbox off) ≤ bare ${engine} start-up + ${LIMITS.coldOverBareMs} ms`,
        overBare ?? (coldMs === undefined || bareMs === undefined ? undefined : coldMs - bareMs),
        LIMITS.coldOverBareMs,
        "ms",
        true,
        `lambkin cold ${coldMs ?? cold?.skipped} ms, bare start-up ${bareMs ?? bare?.skipped} ms${overBare === undefined ? "" : "; value: median of paired differences"}`,
      ),
    );
  }
  if (r.warm.length > 0) {
    const { client_p50_ms: client, ric_p50_ms: ric } = r.client_vs_ric;
    out.push(
      check(
        "client_vs_ric",
        "@lambkin/client on Node p50 ≤ aws-lambda-ric p50 (same function, lambkin on Node)",
        ratio(client ?? undefined, ric ?? undefined),
        LIMITS.clientVsRic,
        "×",
        true,
        `client ${client ?? "–"} ms, aws-lambda-ric ${ric ?? "–"} ms`,
      ),
    );
  }
  const g = r.growth;
  const checkpoints = Object.keys(g.rss_mb_by_invokes)
    .map(Number)
    .sort((a, b) => a - b);
  if (checkpoints.length > 0 || g.idle_rss_mb_1_function !== undefined) {
    // 10k and 100k invokes in a full run (which goes on to 200k); first and last in a quick one.
    const [first, last] =
      checkpoints.includes(10_000) && checkpoints.includes(100_000)
        ? [10_000, 100_000]
        : checkpoints.length > 1
          ? [checkpoints[0], checkpoints.at(-1)]
          : [undefined, undefined];
    const from = first === undefined ? undefined : g.rss_mb_by_invokes[String(first)];
    const to = last === undefined ? undefined : g.rss_mb_by_invokes[String(last)];
    // The same load through the null relay: what the engine alone does to a process's memory.
    const floorFrom = first === undefined ? undefined : g.floor_rss_mb_by_invokes?.[String(first)];
    const floorTo = last === undefined ? undefined : g.floor_rss_mb_by_invokes?.[String(last)];
    const floorGrowth = ratio(floorTo, floorFrom);
    let beside =
      floorGrowth === undefined
        ? ""
        : `; the null relay under the same load: ${floorFrom} MB → ${floorTo} MB, ${sig(floorGrowth)}×`;
    // Past the target's last checkpoint: whether the growth goes on (a leak) or has levelled off.
    const beyond = checkpoints.at(-1);
    if (last !== undefined && beyond !== undefined && beyond > last) {
      const then = g.rss_mb_by_invokes[String(beyond)];
      const floorThen = g.floor_rss_mb_by_invokes?.[String(beyond)];
      const step = (a: number | undefined, b: number | undefined) =>
        a === undefined || b === undefined ? "–" : `${a} MB → ${b} MB, ${sig(b / a)}×`;
      beside += `; from ${last.toLocaleString("en")} to ${beyond.toLocaleString("en")} invokes: lambkin ${step(to, then)}`;
      if (g.floor_rss_mb_by_invokes) beside += `, the null relay ${step(floorTo, floorThen)}`;
    }
    out.push(
      check(
        "rss_growth",
        `host RSS after ${last?.toLocaleString("en") ?? "100,000"} invokes ≤ ${LIMITS.rssGrowth} × after ${first?.toLocaleString("en") ?? "10,000"}`,
        ratio(to, from),
        LIMITS.rssGrowth,
        "×",
        true,
        `${from ?? "–"} MB → ${to ?? "–"} MB${beside}`,
      ),
    );
    out.push(
      check(
        "idle_rss_100_functions",
        `idle host RSS with 100 functions ≤ ${LIMITS.idleRssFunctions} × with 1`,
        ratio(g.idle_rss_mb_100_functions, g.idle_rss_mb_1_function),
        LIMITS.idleRssFunctions,
        "×",
        true,
        `${g.idle_rss_mb_1_function ?? "–"} MB with 1, ${g.idle_rss_mb_100_functions ?? "–"} MB with 100`,
      ),
    );
  }
  for (const row of r.reload ?? []) {
    const what = `host ${row.host}, ${row.runtime}`;
    const why = row.skipped ? `skipped: ${row.skipped}` : `${row.edits} edits`;
    out.push(
      check(
        `reload_watch_${row.host}_${row.runtime}`,
        `watch latency (write → reload line) p50 ≤ ${LIMITS.watchP50Ms} ms (${what})`,
        row.watch_p50_ms,
        LIMITS.watchP50Ms,
        "ms",
        true,
        why,
      ),
      check(
        `reload_first_answer_${row.host}_${row.runtime}`,
        `save → first new answer ≤ cold start + ${LIMITS.firstAnswerOverColdMs} ms (${what})`,
        row.first_answer_p50_ms === undefined || row.cold_p50_ms === undefined
          ? undefined
          : row.first_answer_p50_ms - row.cold_p50_ms,
        LIMITS.firstAnswerOverColdMs,
        "ms",
        true,
        `save → answer ${row.first_answer_p50_ms ?? "–"} ms, cold start ${row.cold_p50_ms ?? "–"} ms; ${why}`,
      ),
      check(
        `reload_warm_${row.host}_${row.runtime}`,
        `invoke 1 s after a save is warm in ≥ ${Math.ceil(LIMITS.warmAfterSave * row.edits)} of ${row.edits} edits (${what})`,
        row.warm_after_1s,
        Math.ceil(LIMITS.warmAfterSave * row.edits),
        "edits",
        false,
        why,
      ),
    );
  }
  return out;
}

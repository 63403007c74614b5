/** The terminal report: one table per section, then the targets with PASS/MISS. */
import { RELOAD_LABELS, type ReloadRuntime } from "./reload.ts";
import type { Results, TargetCheck } from "./results.ts";
import { sig } from "./stats.ts";

type Cell = string | number | undefined | null;

/** Columns padded to their widest cell; numbers right-aligned. */
export function table(headers: string[], rows: Cell[][]): string {
  const text = rows.map((row) =>
    row.map((cell) => (cell === undefined || cell === null ? "–" : String(cell))),
  );
  const widths = headers.map((h, i) => Math.max(h.length, ...text.map((row) => row[i]?.length ?? 0)));
  const numeric = headers.map((_, i) => rows.every((row) => typeof row[i] !== "string" || row[i] === "–"));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (numeric[i] ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(headers), line(widths.map((w) => "─".repeat(w))), ...text.map(line)].join("\n");
}

const times = (a: number | undefined, b: number | undefined) =>
  a === undefined || b === undefined || b === 0 ? undefined : `${sig(a / b)}×`;

export function targetLine(t: TargetCheck): string {
  const verdict = t.pass === null ? "N/A " : t.pass ? "PASS" : "MISS";
  const suffix = t.unit === "ms" ? " ms" : t.unit === "edits" ? " edits" : "×";
  const value = t.value === null ? "–" : `${t.value}${suffix}`;
  return `${verdict}  ${t.target}: ${value} (limit ${t.limit}${suffix}; ${t.detail})`;
}

export function report(r: Results): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(
    `lambkin benchmark (${m.mode}) · ${m.date} · ${m.cpus} × ${m.cpu_model} · ${m.memory_gb} GB · ${m.os}`,
    `node ${m.node} · bun ${m.bun} · deno ${m.deno} · commit ${m.commit ?? "unknown"}${m.duration_s ? ` · took ${Math.round(m.duration_s)} s` : ""}`,
  );
  if (r.warm.length > 0) {
    out.push("", "Warm latency: sequential invokes of an echo function (ms; CPU in µs per invoke)");
    out.push(
      table(
        [
          "host",
          "runtime",
          "system",
          "p50",
          "p90",
          "p99",
          "invokes/s",
          "host CPU µs",
          "runtime CPU µs",
          "p50 ÷ floor",
          "p90 ÷ floor",
          "p99 ÷ floor",
        ],
        r.warm.map((w) => {
          const floor = r.warm.find(
            (f) => f.host === w.host && f.runtime === w.runtime && f.system === "floor",
          );
          return w.skipped
            ? [w.host, w.runtime, w.system, `skipped: ${w.skipped}`]
            : [
                w.host,
                w.runtime,
                w.system,
                w.p50_ms,
                w.p90_ms,
                w.p99_ms,
                w.invokes_per_s,
                w.host_cpu_us,
                w.runtime_cpu_us,
                w.system === "lambkin" ? times(w.p50_ms, floor?.p50_ms) : undefined,
                w.system === "lambkin" ? times(w.p90_ms, floor?.p90_ms) : undefined,
                w.system === "lambkin" ? times(w.p99_ms, floor?.p99_ms) : undefined,
              ];
        }),
      ),
    );
  }
  if (r.throughput.length > 0) {
    out.push("", "Throughput: c environments, c callers in a closed loop (@lambkin/client on Node)");
    const keys = [...new Set(r.throughput.map((t) => `${t.host} ${t.concurrency}`))];
    out.push(
      table(
        [
          "host",
          "c",
          "lambkin/s",
          "floor/s",
          "÷ floor",
          "lambkin p99",
          "floor p99",
          "lambkin CPU µs",
          "floor CPU µs",
        ],
        keys.map((key) => {
          const [host, c] = key.split(" ");
          const lk = r.throughput.find((t) => `${t.host} ${t.concurrency}` === key && t.system === "lambkin");
          const fl = r.throughput.find((t) => `${t.host} ${t.concurrency}` === key && t.system === "floor");
          return [
            host,
            Number(c),
            lk?.invokes_per_s ?? (lk?.skipped && "skipped"),
            fl?.invokes_per_s ?? (fl?.skipped && "skipped"),
            times(lk?.invokes_per_s, fl?.invokes_per_s),
            lk?.p99_ms,
            fl?.p99_ms,
            lk?.host_cpu_us,
            fl?.host_cpu_us,
          ];
        }),
      ),
    );
  }
  if (r.cold_start.length > 0) {
    out.push(
      "",
      "Cold start (ms, median): invoke-to-answer with no environment (lambkin on Node, sandbox off; init = its spawn → first next) vs the engine's own start-up with the flags Lambda gives it (Node: memory-derived), and without them",
    );
    const runtimes = [...new Set(r.cold_start.map((c) => c.runtime))];
    out.push(
      table(
        [
          "runtime",
          "lambkin cold",
          "of which init",
          "first invoke",
          "bare start-up",
          "bare, no flags",
          "cold − bare (paired)",
        ],
        runtimes.map((runtime) => {
          const cold = r.cold_start.find((c) => c.runtime === runtime && c.system === "lambkin");
          const bare = r.cold_start.find((c) => c.runtime === runtime && c.system === "bare");
          const c = cold?.system === "lambkin" ? cold.cold_ms : undefined;
          const b = bare?.system === "bare" ? bare.startup_ms : undefined;
          return [
            runtime,
            c ?? (cold?.skipped && `skipped: ${cold.skipped}`),
            cold?.system === "lambkin" ? cold.init_ms : undefined,
            cold?.system === "lambkin" ? cold.first_invoke_ms : undefined,
            b ?? (bare?.skipped && `skipped: ${bare.skipped}`),
            bare?.system === "bare" ? bare.unflagged_ms : undefined,
            cold?.system === "lambkin" && cold.over_bare_ms !== undefined
              ? cold.over_bare_ms
              : c !== undefined && b !== undefined
                ? sig(c - b)
                : undefined,
          ];
        }),
      ),
    );
  }
  const sb = r.sandbox_cold;
  if (sb?.cost_ms !== undefined) {
    out.push(
      "",
      `Sandbox (${sb.sandbox}), Node function cold start (ms, median): ${sb.on_ms} with it, ${sb.off_ms} with sandbox: false; cost ${sb.cost_ms} (median of paired differences)`,
    );
  }
  if (r.warm.length > 0) {
    out.push(
      "",
      `@lambkin/client vs aws-lambda-ric (lambkin on Node, same function): p50 ${r.client_vs_ric.client_p50_ms ?? "–"} ms vs ${r.client_vs_ric.ric_p50_ms ?? "–"} ms; runtime CPU ${r.client_vs_ric.client_runtime_cpu_us ?? "–"} µs vs ${r.client_vs_ric.ric_runtime_cpu_us ?? "–"} µs per invoke`,
    );
  }
  if (r.payload.length > 0) {
    out.push("", "Payload: echo on Node (@lambkin/client on Node); MB = 2^20 bytes");
    const sizes = [...new Set(r.payload.map((p) => p.bytes))];
    out.push(
      table(
        ["bytes", "lambkin MB/s", "floor MB/s", "÷ floor", "lambkin p50", "floor p50"],
        sizes.map((bytes) => {
          const lk = r.payload.find((p) => p.bytes === bytes && p.system === "lambkin");
          const fl = r.payload.find((p) => p.bytes === bytes && p.system === "floor");
          return [
            bytes,
            lk?.mb_per_s ?? (lk?.skipped && "skipped"),
            fl?.mb_per_s ?? (fl?.skipped && "skipped"),
            times(lk?.mb_per_s, fl?.mb_per_s),
            lk?.p50_ms,
            fl?.p50_ms,
          ];
        }),
      ),
    );
  }
  const g = r.growth;
  if (Object.keys(g.p50_ms_by_functions).length > 0 || g.skipped) {
    out.push("", "Growth (lambkin on Node)");
    const rows: Cell[][] = [];
    for (const [n, p50] of Object.entries(g.p50_ms_by_functions))
      rows.push([`p50 with ${n} configured functions`, `${p50} ms`]);
    if (g.logging) {
      rows.push(["p50, echo function", `${g.logging.p50_ms_echo} ms`]);
      rows.push(["p50, function logging 100 lines", `${g.logging.p50_ms_100_lines} ms`]);
    }
    rows.push(["idle host RSS, 1 function", g.idle_rss_mb_1_function && `${g.idle_rss_mb_1_function} MB`]);
    rows.push([
      "idle host RSS, 100 functions",
      g.idle_rss_mb_100_functions && `${g.idle_rss_mb_100_functions} MB`,
    ]);
    rows.push(["host RSS under load (peak)", g.rss_mb_under_load && `${g.rss_mb_under_load} MB`]);
    for (const [n, mb] of Object.entries(g.rss_mb_by_invokes)) {
      const heap = g.heap_mb_after_gc_by_invokes?.[n];
      rows.push([
        `host RSS after ${Number(n).toLocaleString("en")} invokes`,
        `${mb} MB${heap === undefined ? "" : ` (JS heap after a full GC: ${heap} MB)`}`,
      ]);
    }
    if (g.skipped) rows.push(["skipped", g.skipped]);
    out.push(table(["figure", "value"], rows));
  }
  if (r.reload && r.reload.length > 0) {
    out.push(
      "",
      "Reload (lambkin start watching; ms, medians): a saved handler → the reload line, → the answer of an invoke sent at that line, next to a cold start; invokes 1 s after a save that were warm",
    );
    out.push(
      table(
        ["host", "runtime", "watch", "save → new answer", "cold start", "warm 1 s after", "Init Duration"],
        r.reload.map((row) => [
          row.host,
          RELOAD_LABELS[row.runtime as ReloadRuntime] ?? row.runtime,
          row.watch_p50_ms ?? (row.skipped && `skipped: ${row.skipped}`),
          row.first_answer_p50_ms,
          row.cold_p50_ms,
          row.warm_after_1s === undefined ? undefined : `${row.warm_after_1s}/${row.edits}`,
          row.init_p50_ms,
        ]),
      ),
    );
  }
  if (r.targets.length > 0) {
    out.push("", "Targets");
    out.push(...r.targets.map(targetLine));
  }
  return out.join("\n");
}

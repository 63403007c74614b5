/**
 * The chart: one hand-written SVG that a reader understands without the table. Six panels —
 * warm p50 lambkin vs floor per host engine, the throughput scaling curve, cold start vs the bare
 * engine, warm p50 per function runtime, payload MB/s, host memory — and the targets underneath.
 */

import { targetLine } from "./report.ts";
import type { Results, TargetCheck } from "./results.ts";
import { sig } from "./stats.ts";

const WIDTH = 1040;
const PANEL_W = 500;
const PANEL_H = 330;
const GAP = 20;
const HEADER = 96;
const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";

export const COLORS = {
  lambkin: "#e4572e",
  init: "#f4a582",
  heap: "#9ae6b4",
  floor: "#9aa5b1",
  bare: "#9aa5b1",
  node: "#3c873a",
  bun: "#c98a1b",
  deno: "#2b6cb0",
  grid: "#e5e7eb",
  text: "#1f2933",
  muted: "#616e7c",
  pass: "#2f855a",
  miss: "#c53030",
};

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function text(x: number, y: number, content: string, attrs = ""): string {
  return `<text x="${r(x)}" y="${r(y)}" ${attrs}>${escapeXml(content)}</text>`;
}

const r = (n: number) => Math.round(n * 10) / 10;

/** Round axis ticks from 0 to at least `max`: steps of 1, 2 or 5 × a power of ten. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(sig(v, 6));
  return ticks;
}

interface Bar {
  value: number | undefined;
  color: string;
  /** Shown in the legend. */
  series: string;
}
interface Group {
  label: string;
  /** A second line under the label (a ratio). */
  note?: string;
  bars: Bar[];
}
interface Panel {
  x: number;
  y: number;
  title: string;
  subtitle: string;
}

/** Splits `content` into lines of at most `width` characters, at spaces. */
export function wrap(content: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of content.split(" ")) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}

/** The panel's box, title and (up to two lines of) subtitle; the legend goes at y + 76. */
function frame(p: Panel): string {
  return [
    `<rect x="${p.x}" y="${p.y}" width="${PANEL_W}" height="${PANEL_H}" rx="6" fill="#fff" stroke="${COLORS.grid}"/>`,
    text(p.x + 14, p.y + 24, p.title, `font-size="15" font-weight="600" fill="${COLORS.text}"`),
    ...wrap(p.subtitle, 80)
      .slice(0, 2)
      .map((line, i) => text(p.x + 14, p.y + 42 + i * 15, line, `font-size="11.5" fill="${COLORS.muted}"`)),
  ].join("\n");
}

function legend(x: number, y: number, items: { label: string; color: string; dashed?: boolean }[]): string {
  let at = x;
  const out: string[] = [];
  for (const item of items) {
    out.push(
      item.dashed === undefined
        ? `<rect x="${at}" y="${y - 9}" width="12" height="10" fill="${item.color}"/>`
        : `<line x1="${at}" y1="${y - 4}" x2="${at + 16}" y2="${y - 4}" stroke="${item.color}" stroke-width="2.5"${item.dashed ? ' stroke-dasharray="5 3"' : ""}/>`,
    );
    out.push(text(at + 20, y, item.label, `font-size="11.5" fill="${COLORS.text}"`));
    at += 28 + item.label.length * 6.4;
  }
  return out.join("\n");
}

/**
 * Grouped vertical bars. A bar far above the others (more than `clipAt` × the median bar) is cut at
 * the top of the axis, marked with a break, and labelled with its real value.
 */
export function barPanel(
  p: Panel & { groups: Group[]; unit: string; clipAt?: number; empty?: string },
): string {
  const out = [frame(p)];
  const plot = { x: p.x + 56, y: p.y + 104, w: PANEL_W - 72, h: PANEL_H - 104 - 48 };
  const values = p.groups
    .flatMap((g) => g.bars.map((b) => b.value))
    .filter((v): v is number => v !== undefined);
  const series = [
    ...new Map(p.groups.flatMap((g) => g.bars.map((b) => [b.series, b.color] as const))).entries(),
  ];
  out.push(
    legend(
      p.x + 14,
      p.y + 80,
      series.map(([label, color]) => ({ label, color })),
    ),
  );
  if (values.length === 0) {
    out.push(
      text(
        p.x + PANEL_W / 2,
        p.y + PANEL_H / 2,
        p.empty ?? "not measured",
        `font-size="13" text-anchor="middle" fill="${COLORS.muted}"`,
      ),
    );
    return out.join("\n");
  }
  const sorted = [...values].sort((a, b) => a - b);
  const typical = sorted[Math.floor(sorted.length / 2)]!;
  const cap =
    p.clipAt && sorted.at(-1)! > typical * p.clipAt
      ? Math.max(...values.filter((v) => v <= typical * p.clipAt!)) * 1.15
      : sorted.at(-1)!;
  const ticks = niceTicks(cap);
  const top = ticks.at(-1)!;
  const yOf = (v: number) => plot.y + plot.h - (Math.min(v, top) / top) * plot.h;
  for (const t of ticks) {
    out.push(
      `<line x1="${plot.x}" y1="${r(yOf(t))}" x2="${plot.x + plot.w}" y2="${r(yOf(t))}" stroke="${COLORS.grid}"/>`,
    );
    out.push(
      text(plot.x - 6, yOf(t) + 4, String(t), `font-size="10.5" text-anchor="end" fill="${COLORS.muted}"`),
    );
  }
  out.push(
    text(plot.x - 6, plot.y - 10, p.unit, `font-size="10.5" text-anchor="end" fill="${COLORS.muted}"`),
  );
  const groupW = plot.w / p.groups.length;
  p.groups.forEach((g, gi) => {
    const barW = Math.min(34, (groupW * 0.75) / g.bars.length);
    const start = plot.x + gi * groupW + (groupW - barW * g.bars.length) / 2;
    g.bars.forEach((b, bi) => {
      const x = start + bi * barW;
      if (b.value === undefined) {
        out.push(
          text(
            x + barW / 2,
            plot.y + plot.h - 4,
            "n/a",
            `font-size="9.5" text-anchor="middle" fill="${COLORS.muted}"`,
          ),
        );
        return;
      }
      const y = yOf(b.value);
      out.push(
        `<rect x="${r(x + 1)}" y="${r(y)}" width="${r(barW - 2)}" height="${r(plot.y + plot.h - y)}" fill="${b.color}"/>`,
      );
      if (b.value > top) {
        // A break in the bar: it is taller than the axis.
        out.push(
          `<path d="M${r(x)} ${r(y + 10)} l${r(barW / 2)} -6 l${r(barW / 2)} 6 v5 l-${r(barW / 2)} -6 l-${r(barW / 2)} 6 z" fill="#fff"/>`,
        );
      }
      out.push(
        text(
          x + barW / 2,
          y - 4,
          String(sig(b.value, b.value < 10 ? 2 : 3)),
          `font-size="10" text-anchor="middle" fill="${COLORS.text}"`,
        ),
      );
    });
    const cx = plot.x + gi * groupW + groupW / 2;
    out.push(
      text(cx, plot.y + plot.h + 16, g.label, `font-size="11.5" text-anchor="middle" fill="${COLORS.text}"`),
    );
    if (g.note)
      out.push(
        text(
          cx,
          plot.y + plot.h + 31,
          g.note,
          `font-size="11" text-anchor="middle" font-weight="600" fill="${COLORS.muted}"`,
        ),
      );
  });
  return out.join("\n");
}

interface Series {
  label: string;
  color: string;
  dashed: boolean;
  points: [number, number][];
}

/** Lines over a log2 x axis (concurrency 1, 2, 4 … 32). */
export function linePanel(
  p: Panel & { series: Series[]; xs: number[]; unit: string; xLabel: string },
): string {
  const out = [frame(p)];
  const plot = { x: p.x + 60, y: p.y + 122, w: PANEL_W - 80, h: PANEL_H - 122 - 44 };
  const colorsUsed = [...new Map(p.series.map((s) => [s.label.split(" ")[0]!, s.color])).entries()];
  out.push(
    legend(
      p.x + 14,
      p.y + 80,
      colorsUsed.map(([label, color]) => ({ label: `host ${label}`, color })),
    ),
    legend(p.x + 14, p.y + 98, [
      { label: "lambkin", color: COLORS.text, dashed: false },
      { label: "floor (null relay)", color: COLORS.text, dashed: true },
    ]),
  );
  const all = p.series.flatMap((s) => s.points.map(([, y]) => y));
  if (all.length === 0 || p.xs.length === 0) {
    out.push(
      text(
        p.x + PANEL_W / 2,
        p.y + PANEL_H / 2,
        "not measured",
        `font-size="13" text-anchor="middle" fill="${COLORS.muted}"`,
      ),
    );
    return out.join("\n");
  }
  const ticks = niceTicks(Math.max(...all));
  const top = ticks.at(-1)!;
  const lo = Math.log2(Math.min(...p.xs));
  const hi = Math.log2(Math.max(...p.xs));
  const xOf = (v: number) => plot.x + (hi === lo ? plot.w / 2 : ((Math.log2(v) - lo) / (hi - lo)) * plot.w);
  const yOf = (v: number) => plot.y + plot.h - (v / top) * plot.h;
  for (const t of ticks) {
    out.push(
      `<line x1="${plot.x}" y1="${r(yOf(t))}" x2="${plot.x + plot.w}" y2="${r(yOf(t))}" stroke="${COLORS.grid}"/>`,
    );
    out.push(
      text(plot.x - 6, yOf(t) + 4, String(t), `font-size="10.5" text-anchor="end" fill="${COLORS.muted}"`),
    );
  }
  for (const x of p.xs) {
    out.push(
      text(
        xOf(x),
        plot.y + plot.h + 16,
        String(x),
        `font-size="11" text-anchor="middle" fill="${COLORS.text}"`,
      ),
    );
  }
  out.push(
    text(
      plot.x + plot.w / 2,
      plot.y + plot.h + 32,
      p.xLabel,
      `font-size="11" text-anchor="middle" fill="${COLORS.muted}"`,
    ),
  );
  out.push(
    text(plot.x - 6, plot.y - 10, p.unit, `font-size="10.5" text-anchor="end" fill="${COLORS.muted}"`),
  );
  for (const s of p.series) {
    if (s.points.length === 0) continue;
    const d = s.points.map(([x, y], i) => `${i === 0 ? "M" : "L"}${r(xOf(x))} ${r(yOf(y))}`).join(" ");
    out.push(
      `<path d="${d}" fill="none" stroke="${s.color}" stroke-width="2.5"${s.dashed ? ' stroke-dasharray="6 4"' : ""}/>`,
    );
    for (const [x, y] of s.points) {
      out.push(
        `<circle cx="${r(xOf(x))}" cy="${r(yOf(y))}" r="3.5" fill="${s.dashed ? "#fff" : s.color}" stroke="${s.color}" stroke-width="2"/>`,
      );
    }
  }
  return out.join("\n");
}

const ratioNote = (a: number | undefined, b: number | undefined, suffix = "× floor") =>
  a !== undefined && b !== undefined && b > 0 ? `${sig(a / b)}${suffix}` : undefined;

const RUNTIME_SHORT: Record<string, string> = {
  node: "client·node",
  bun: "client·bun",
  deno: "client·deno",
  "aws-lambda-ric": "ric",
  shell: "sh+curl",
  "bare-loop": "bare loop",
};

function targetsBlock(y: number, targets: TargetCheck[]): string {
  const out = [
    text(
      GAP,
      y,
      "Targets (ratios from this one run)",
      `font-size="15" font-weight="600" fill="${COLORS.text}"`,
    ),
  ];
  targets.forEach((t, i) => {
    const color = t.pass === null ? COLORS.muted : t.pass ? COLORS.pass : COLORS.miss;
    const line = targetLine(t);
    out.push(
      `<text x="${GAP}" y="${y + 22 + i * 18}" font-size="12" fill="${COLORS.text}"><tspan font-weight="700" fill="${color}">${escapeXml(line.slice(0, 4))}</tspan>${escapeXml(line.slice(4))}</text>`,
    );
  });
  return out.join("\n");
}

export function chart(res: Results): string {
  const hosts = [...new Set([...res.warm.map((w) => w.host), ...res.throughput.map((t) => t.host)])];
  const col = (i: number) => GAP + i * (PANEL_W + GAP);
  const row = (i: number) => HEADER + i * (PANEL_H + GAP);
  const parts: string[] = [];

  const warmOf = (host: string, runtime: string, system: string) =>
    res.warm.find((w) => w.host === host && w.runtime === runtime && w.system === system)?.p50_ms;
  parts.push(
    barPanel({
      x: col(0),
      y: row(0),
      title: "Warm latency: lambkin vs the floor",
      subtitle: "p50 of sequential invokes, @lambkin/client on Node; lower is better; target ≤ 1.25× floor",
      unit: "ms",
      groups: hosts.map((host) => ({
        label: `host ${host}`,
        note: ratioNote(warmOf(host, "node", "lambkin"), warmOf(host, "node", "floor")),
        bars: [
          { series: "lambkin", color: COLORS.lambkin, value: warmOf(host, "node", "lambkin") },
          { series: "floor (null relay)", color: COLORS.floor, value: warmOf(host, "node", "floor") },
        ],
      })),
    }),
  );

  const steps = [...new Set(res.throughput.map((t) => t.concurrency))].sort((a, b) => a - b);
  parts.push(
    linePanel({
      x: col(1),
      y: row(0),
      title: "Throughput as environments are added",
      subtitle: "invokes/s with c environments and c callers; higher is better; target at c=8 ≥ 0.8× floor",
      unit: "invokes/s",
      xLabel: "concurrency (environments = callers)",
      xs: steps,
      series: hosts.flatMap((host) =>
        (["lambkin", "floor"] as const).map((system) => ({
          label: `${host} ${system}`,
          color: COLORS[host as "node" | "bun" | "deno"] ?? COLORS.text,
          dashed: system === "floor",
          points: res.throughput
            .filter((t) => t.host === host && t.system === system && t.invokes_per_s !== undefined)
            .map((t) => [t.concurrency, t.invokes_per_s!] as [number, number]),
        })),
      ),
    }),
  );

  const coldRuntimes = [...new Set(res.cold_start.map((c) => c.runtime))];
  parts.push(
    barPanel({
      x: col(0),
      y: row(1),
      title: "Cold start vs the engine's own start-up",
      subtitle:
        "ms, median; lambkin on Node: invoke → answer with no environment; bare: process start → first request; target ≤ bare + 15 ms",
      unit: "ms",
      groups: coldRuntimes.map((runtime) => {
        const cold = res.cold_start.find((c) => c.runtime === runtime && c.system === "lambkin");
        const bare = res.cold_start.find((c) => c.runtime === runtime && c.system === "bare");
        const c = cold?.system === "lambkin" ? cold.cold_ms : undefined;
        const init = cold?.system === "lambkin" ? cold.init_ms : undefined;
        const b = bare?.system === "bare" ? bare.startup_ms : undefined;
        return {
          label: `${runtime} runtime`,
          // The target's figure: the median of paired differences when there is one.
          note: (() => {
            const over =
              cold?.system === "lambkin" && cold.over_bare_ms !== undefined
                ? cold.over_bare_ms
                : c !== undefined && b !== undefined
                  ? c - b
                  : undefined;
            return over === undefined ? undefined : `+${sig(over, 2)} ms`;
          })(),
          bars: [
            { series: "lambkin cold start", color: COLORS.lambkin, value: c },
            { series: "its init (spawn → next)", color: COLORS.init, value: init },
            { series: "bare engine start-up", color: COLORS.bare, value: b },
          ],
        };
      }),
    }),
  );

  const primary = hosts[0] ?? "node";
  const runtimes = [...new Set(res.warm.filter((w) => w.host === primary).map((w) => w.runtime))];
  parts.push(
    barPanel({
      x: col(1),
      y: row(1),
      title: `Warm latency by function runtime (host ${primary})`,
      subtitle:
        "p50 ms of sequential invokes of the same echo function, lambkin ÷ floor under each; lower is better",
      unit: "ms",
      clipAt: 8,
      groups: runtimes.map((runtime) => ({
        label: RUNTIME_SHORT[runtime] ?? runtime,
        // Six groups share the width: the ratio alone (the subtitle says it is lambkin ÷ floor).
        note: ratioNote(warmOf(primary, runtime, "lambkin"), warmOf(primary, runtime, "floor"), "×"),
        bars: [
          { series: "lambkin", color: COLORS.lambkin, value: warmOf(primary, runtime, "lambkin") },
          { series: "floor (null relay)", color: COLORS.floor, value: warmOf(primary, runtime, "floor") },
        ],
      })),
    }),
  );

  const sizes = [...new Set(res.payload.map((p) => p.bytes))];
  const sizeLabel = (b: number) => (b >= 1024 * 1024 ? `${b / (1024 * 1024)} MB` : `${b / 1024} KB`);
  parts.push(
    barPanel({
      x: col(0),
      y: row(2),
      title: "Payload: echo throughput",
      subtitle: "MB/s of request bytes echoed (MB = 2^20 B), host and runtime on Node; higher is better",
      unit: "MB/s",
      groups: sizes.map((bytes) => {
        const lk = res.payload.find((p) => p.bytes === bytes && p.system === "lambkin")?.mb_per_s;
        const fl = res.payload.find((p) => p.bytes === bytes && p.system === "floor")?.mb_per_s;
        return {
          label: sizeLabel(bytes),
          note: ratioNote(lk, fl),
          bars: [
            { series: "lambkin", color: COLORS.lambkin, value: lk },
            { series: "floor (null relay)", color: COLORS.floor, value: fl },
          ],
        };
      }),
    }),
  );

  const g = res.growth;
  const memory: Group[] = [
    {
      label: "idle, 1 fn",
      bars: [{ series: "host RSS", color: COLORS.node, value: g.idle_rss_mb_1_function }],
    },
    {
      label: "idle, 100 fns",
      bars: [{ series: "host RSS", color: COLORS.node, value: g.idle_rss_mb_100_functions }],
    },
    { label: "peak, load", bars: [{ series: "host RSS", color: COLORS.node, value: g.rss_mb_under_load }] },
    ...Object.entries(g.rss_mb_by_invokes).map(([n, mb]) => ({
      label: `after ${Number(n) >= 1000 ? `${Number(n) / 1000}k` : n}`,
      bars: [
        { series: "host RSS", color: COLORS.node, value: mb },
        ...(g.heap_mb_after_gc_by_invokes
          ? [
              {
                series: "JS heap after a full GC",
                color: COLORS.heap,
                value: g.heap_mb_after_gc_by_invokes[n],
              },
            ]
          : []),
      ],
    })),
  ];
  const by = g.p50_ms_by_functions;
  parts.push(
    barPanel({
      x: col(1),
      y: row(2),
      title: "Host memory (lambkin on Node)",
      subtitle: `RSS in MB; flat after many invokes = no leak. p50 with 1/10/100 functions: ${["1", "10", "100"].map((k) => by[k] ?? "–").join(" / ")} ms`,
      unit: "MB",
      groups: memory,
    }),
  );

  const m = res.machine;
  const targetsY = row(3) + 10;
  const height = targetsY + 30 + res.targets.length * 18;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="${FONT}">`,
    `<rect width="${WIDTH}" height="${height}" fill="#f8fafc"/>`,
    text(
      GAP,
      32,
      "lambkin benchmark: lambkin vs the floor",
      `font-size="20" font-weight="700" fill="${COLORS.text}"`,
    ),
    text(
      GAP,
      54,
      "The floor is a null relay on the same engine: only the HTTP exchanges of one invoke, no Lambda logic, the same runtime process and caller.",
      `font-size="12.5" fill="${COLORS.text}"`,
    ),
    text(
      GAP,
      76,
      `${m.mode} run, ${m.date.slice(0, 10)} · ${m.cpus} × ${m.cpu_model} · ${m.os} · node ${m.node} · bun ${m.bun} · deno ${m.deno}`,
      `font-size="12" fill="${COLORS.muted}"`,
    ),
    ...parts,
    targetsBlock(targetsY, res.targets),
    "</svg>",
    "",
  ].join("\n");
}

import { KINDS } from "./calls.ts";
import type { Figures } from "./soak.ts";

/** The figures of each engine's run, one column per engine, as a Markdown table. */
export function table(runs: readonly Figures[]): string {
  const rows: [string, (f: Figures) => string][] = [
    ["invocations", (f) => String(f.n)],
    ["mix", (f) => KINDS.map((k) => `${k} ${f.perKind[k]}`).join(", ")],
    ["answered right (own payload and class)", (f) => String(f.answered)],
    ["wrong answers", (f) => String(f.wrong)],
    ["never answered (lost)", (f) => String(f.lost)],
    ["connection errors at the kill, retried", (f) => String(f.connectionErrors)],
    ["connection errors otherwise", (f) => String(f.unexpectedConnectionErrors)],
    ["events accepted (202)", (f) => String(f.events.accepted)],
    ["event records delivered", (f) => String(f.events.delivered)],
    ["events lost", (f) => String(f.events.lost)],
    ["events delivered twice", (f) => String(f.events.duplicated)],
    ["records of events re-sent after a cut 202", (f) => String(f.events.resentAfterCut)],
    ["wrong records", (f) => String(f.events.wrongRecords)],
    ["event runs", (f) => String(f.events.runs)],
    ["events run again after the kill (in flight)", (f) => String(f.events.reRunAfterKill)],
    ["events run a wrong number of times", (f) => String(f.events.unexplainedRuns)],
    ["processes alive 2 s after kill -9", (f) => String(f.orphansAfterKill)],
    ["processes alive 2 s after the stop", (f) => String(f.orphansAtEnd)],
    ["stopped by Ctrl-C", (f) => (f.cleanStop ? "yes" : "no")],
    ["reloads (no code changed)", (f) => String(f.reloads)],
    [
      "lambkin RSS idle / peak / end (MB)",
      (f) => `${mb(f.rss.idleMb)} / ${mb(f.rss.peakMb)} / ${mb(f.rss.endMb)}`,
    ],
    ["RSS growth over idle (bound)", (f) => `${mb(f.rss.peakMb - f.rss.idleMb)} MB (${f.rss.boundMb} MB)`],
    ["wall time", (f) => `${f.seconds.toFixed(0)} s`],
    ["violations", (f) => String(f.violations.length)],
  ];
  const head = ["", ...runs.map((f) => `host ${f.engine}`)];
  const body = rows.map(([name, value]) => [name, ...runs.map(value)]);
  const widths = head.map((_, c) => Math.max(...[head, ...body].map((row) => row[c]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, c) => cell.padEnd(widths[c]!)).join(" | ")} |`;
  return [line(head), line(widths.map((w) => "-".repeat(w))), ...body.map(line)].join("\n");
}

const mb = (value: number) => value.toFixed(0);

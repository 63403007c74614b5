// npm run soak [-- --n 10000 --concurrency 16 --engines node,bun,deno --rss-bound-mb 200]
// Runs the soak on each host engine in turn, prints the figures as a table, and exits 1 when any
// promise was broken (each violation is printed, with the first problems seen).
import { parseArgs } from "node:util";
import type { HostEngine } from "./lambkin-process.ts";
import { table } from "./report.ts";
import { DEFAULT_RSS_BOUND_MB, type Figures, runSoak } from "./soak.ts";

const { values } = parseArgs({
  options: {
    n: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "16" },
    engines: { type: "string", default: "node,bun,deno" },
    "rss-bound-mb": { type: "string", default: String(DEFAULT_RSS_BOUND_MB) },
  },
});
const whole = (name: string, text: string) => {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) {
    process.stderr.write(`soak: --${name} must be a whole number ≥ 1, got ${text}\n`);
    process.exit(2);
  }
  return value;
};
const engines = values.engines.split(",") as HostEngine[];
for (const engine of engines) {
  if (!["node", "bun", "deno"].includes(engine)) {
    process.stderr.write(`soak: --engines takes node, bun and deno, got ${engine}\n`);
    process.exit(2);
  }
}

const runs: Figures[] = [];
for (const engine of engines) {
  runs.push(
    await runSoak({
      engine,
      n: whole("n", values.n),
      concurrency: whole("concurrency", values.concurrency),
      rssBoundMb: whole("rss-bound-mb", values["rss-bound-mb"]),
      progress: (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`),
    }),
  );
}
process.stdout.write(`${table(runs)}\n`);
const violations = runs.flatMap((f) => f.violations);
if (violations.length > 0) {
  process.stdout.write(`\nVIOLATIONS:\n${violations.map((v) => `- ${v}`).join("\n")}\n`);
  for (const f of runs)
    if (f.violations.length > 0) process.stdout.write(`\n${f.engine}:\n${f.problems.join("\n")}\n`);
  process.exit(1);
}
process.stdout.write("\nno violations\n");

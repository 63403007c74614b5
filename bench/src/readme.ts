/**
 * The root README's performance figures are latest.md itself, spliced in between two markers, so
 * a full run (or `--render`) updates them and they cannot drift from bench/results by hand.
 */
import { readFileSync, writeFileSync } from "node:fs";

export const README_START = "<!-- bench:latest.md -->";
export const README_END = "<!-- /bench:latest.md -->";

/** `readme` with what stands between the markers replaced by `md`; unchanged without both markers. */
export function spliceReadme(readme: string, md: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END, start);
  if (start < 0 || end < 0) return readme;
  return `${readme.slice(0, start + README_START.length)}\n${md.trimEnd()}\n${readme.slice(end)}`;
}

/** Splices `md` into the README at `path`; says whether it found the markers. */
export function updateReadme(path: string, md: string): boolean {
  const readme = readFileSync(path, "utf8");
  const next = spliceReadme(readme, md);
  if (next !== readme) writeFileSync(path, next);
  return readme.includes(README_START) && readme.includes(README_END);
}

/**
 * The root README's performance figures are latest.md itself, spliced in between two markers, so
 * a full run (or `--render`) updates them and they cannot drift from bench/results by hand.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";

export const README_START = "<!-- bench:latest.md -->";
export const README_END = "<!-- /bench:latest.md -->";

/** `readme` with what stands between the markers replaced by `md`; unchanged without both markers. */
export function spliceReadme(readme: string, md: string): string {
  const start = readme.indexOf(README_START);
  const end = readme.indexOf(README_END, start);
  if (start < 0 || end < 0) return readme;
  return `${readme.slice(0, start + README_START.length)}\n${md.trimEnd()}\n${readme.slice(end)}`;
}

/**
 * `markdown` as the repository's formatter (biome, the root's `npm run lint`) prints it: aligned
 * tables, one space after list markers. The generated figures go through the same formatter as
 * the hand-written README, so a bench run never leaves the lint red.
 */
export function formatMarkdown(markdown: string, root: string): string {
  const biome = join(root, "node_modules", ".bin", "biome");
  const out = spawnSync(biome, ["format", "--stdin-file-path=README.md"], {
    cwd: root,
    input: markdown,
    encoding: "utf8",
  });
  if (out.status !== 0) throw new Error(`biome could not format the README: ${out.stderr || out.error}`);
  return out.stdout;
}

/** Splices `md` into the README at `path`, formatted; says whether it found the markers. */
export function updateReadme(path: string, md: string): boolean {
  const readme = readFileSync(path, "utf8");
  const spliced = spliceReadme(readme, md);
  const next = spliced === readme ? readme : formatMarkdown(spliced, dirname(path));
  if (next !== readme) writeFileSync(path, next);
  return readme.includes(README_START) && readme.includes(README_END);
}

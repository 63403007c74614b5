import { describe, expect, it } from "vitest";
import { ROOT } from "./engines.ts";
import { formatMarkdown, README_END, README_START, spliceReadme } from "./readme.ts";

describe("spliceReadme", () => {
  const readme = `# t\n\nintro\n\n${README_START}\nold figures\nmore old\n${README_END}\n\nafter\n`;

  it("replaces only what stands between the markers", () => {
    expect(spliceReadme(readme, "new figures\n")).toBe(
      `# t\n\nintro\n\n${README_START}\nnew figures\n${README_END}\n\nafter\n`,
    );
  });

  it("is stable: splicing the same figures twice changes nothing more", () => {
    const once = spliceReadme(readme, "x");
    expect(spliceReadme(once, "x")).toBe(once);
  });

  it("leaves a README without both markers unchanged", () => {
    expect(spliceReadme("no markers here\n", "x")).toBe("no markers here\n");
    expect(spliceReadme(`${README_START}\nhalf\n`, "x")).toBe(`${README_START}\nhalf\n`);
  });
});

describe("formatMarkdown", () => {
  const generated =
    "| figure | host node |\n|---|---:|\n| warm p50, lambkin | 0.311 ms |\n\n- PASS  target: 1.17×\n";

  it("prints generated figures the way `npm run lint` wants them", () => {
    const formatted = formatMarkdown(generated, ROOT);
    expect(formatted).toContain("| warm p50, lambkin |  0.311 ms |");
    expect(formatted).toContain("- PASS target: 1.17×");
  });

  // `biome check` on stdin always asks for --write, so "in the formatter's shape" is checked as: the
  // formatter changes nothing more.
  it("is stable on its own output", () => {
    const once = formatMarkdown(generated, ROOT);
    expect(formatMarkdown(once, ROOT)).toBe(once);
  });
});

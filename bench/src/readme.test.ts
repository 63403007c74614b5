import { describe, expect, it } from "vitest";
import { README_END, README_START, spliceReadme } from "./readme.ts";

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

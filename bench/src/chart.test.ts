import { describe, expect, it } from "vitest";
import { chart, escapeXml, niceTicks, wrap } from "./chart.ts";
import { sampleResults } from "./targets.test.ts";
import { checkTargets } from "./targets.ts";

describe("chart", () => {
  const results = sampleResults();
  results.targets = checkTargets(results);
  const svg = chart(results);

  it("is one SVG document whose elements all close", () => {
    expect(svg.startsWith("<svg xmlns=")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    for (const tag of ["text", "tspan", "svg"]) {
      expect(svg.split(`<${tag} `).length + svg.split(`<${tag}>`).length - 2).toBe(
        svg.split(`</${tag}>`).length - 1,
      );
    }
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
  });

  it("shows lambkin against the floor with the ratio, and the verdicts", () => {
    expect(svg).toContain("host node");
    expect(svg).toContain("1.14× floor");
    expect(svg).toContain(">MISS<");
    expect(svg).toContain(">PASS<");
  });

  it("escapes text", () => {
    expect(escapeXml(`a<b & "c"`)).toBe("a&#60;b &#38; &#34;c&#34;");
  });

  it("picks round axis ticks that cover the maximum", () => {
    expect(niceTicks(0.93)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
    expect(niceTicks(5600)).toEqual([0, 2000, 4000, 6000]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });

  it("wraps subtitles at spaces", () => {
    expect(wrap("one two three four", 9)).toEqual(["one two", "three", "four"]);
  });
});

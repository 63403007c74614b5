import { describe, expect, it } from "vitest";
import { pairedDifferences } from "./cold-start.ts";
import { report } from "./report.ts";
import type { Results } from "./results.ts";
import { checkTargets } from "./targets.ts";

export function sampleResults(): Results {
  return {
    machine: {
      cpus: 2,
      cpu_model: "Test CPU",
      memory_gb: 8,
      os: "Linux test",
      node: "v20.20.2",
      bun: "1.4.5",
      deno: "2.9.6",
      date: "2026-01-01T00:00:00.000Z",
      mode: "quick",
    },
    method: {},
    warm: [
      {
        host: "node",
        runtime: "node",
        system: "lambkin",
        p50_ms: 0.4,
        p90_ms: 0.5,
        p99_ms: 0.9,
        invokes_per_s: 2300,
        host_cpu_us: 200,
      },
      {
        host: "node",
        runtime: "node",
        system: "floor",
        p50_ms: 0.35,
        p90_ms: 0.4,
        p99_ms: 0.7,
        invokes_per_s: 2700,
        host_cpu_us: 90,
      },
      {
        host: "node",
        runtime: "aws-lambda-ric",
        system: "lambkin",
        p50_ms: 0.5,
        invokes_per_s: 2000,
        host_cpu_us: 200,
      },
      { host: "bun", runtime: "node", system: "lambkin", p50_ms: 0.6, invokes_per_s: 1500, host_cpu_us: 300 },
      { host: "bun", runtime: "node", system: "floor", p50_ms: 0.3, invokes_per_s: 3000, host_cpu_us: 100 },
      {
        host: "deno",
        runtime: "node",
        system: "lambkin",
        skipped: "@lambkin/deno exports neither start() nor denoPlatform",
      },
      { host: "deno", runtime: "node", system: "floor", p50_ms: 0.3 },
    ],
    throughput: [
      { host: "node", concurrency: 8, system: "lambkin", invokes_per_s: 4000, p99_ms: 4 },
      { host: "node", concurrency: 8, system: "floor", invokes_per_s: 5600, p99_ms: 3 },
    ],
    cold_start: [
      { runtime: "node", system: "lambkin", host: "node", cold_ms: 60 },
      { runtime: "node", system: "bare", startup_ms: 48 },
      { runtime: "bun", system: "lambkin", host: "node", cold_ms: 60 },
      { runtime: "bun", system: "bare", startup_ms: 30 },
    ],
    client_vs_ric: {
      client_p50_ms: 0.4,
      ric_p50_ms: 0.5,
      client_runtime_cpu_us: 150,
      ric_runtime_cpu_us: 160,
      host: "node",
    },
    payload: [{ bytes: 1024, system: "lambkin", mb_per_s: 3, p50_ms: 0.4 }],
    growth: {
      p50_ms_by_functions: { "1": 0.41, "10": 0.41, "100": 0.42 },
      rss_mb_by_invokes: { "10000": 80, "100000": 90 },
      idle_rss_mb_1_function: 50,
      idle_rss_mb_100_functions: 60,
    },
    targets: [],
  };
}

describe("checkTargets", () => {
  const targets = checkTargets(sampleResults());
  const byId = Object.fromEntries(targets.map((t) => [t.id, t]));

  it("passes and misses on the ratios of one run", () => {
    expect(byId.warm_p50_node).toMatchObject({ value: 1.14, pass: true, limit: 1.2 });
    expect(byId.warm_p50_bun).toMatchObject({ value: 2, pass: false });
    expect(byId.throughput_c8_node).toMatchObject({ value: 0.714, pass: false, limit: 0.8 });
    expect(byId.client_vs_ric).toMatchObject({ value: 0.8, pass: true });
    expect(byId.idle_rss_100_functions).toMatchObject({ value: 1.2, pass: true });
    expect(byId.rss_growth).toMatchObject({ value: 1.13, pass: false });
  });

  it("checks cold start as a difference in ms", () => {
    expect(byId.cold_start_node).toMatchObject({ value: 12, unit: "ms", pass: true });
    expect(byId.cold_start_bun).toMatchObject({ value: 30, pass: false });
  });

  it("prefers the median of paired cold − bare differences to the difference of medians", () => {
    const results = sampleResults();
    results.cold_start[0] = {
      runtime: "node",
      system: "lambkin",
      host: "node",
      cold_ms: 60,
      over_bare_ms: 14,
    };
    expect(checkTargets(results).find((t) => t.id === "cold_start_node")).toMatchObject({
      value: 14,
      pass: true,
    });
    expect(pairedDifferences([50, 60, 70], [40, 41])).toEqual([10, 19]);
  });

  it("puts the null relay's own growth under the same load next to lambkin's", () => {
    const results = sampleResults();
    expect(byId.rss_growth!.detail).toBe("80 MB → 90 MB");
    results.growth.floor_rss_mb_by_invokes = { "10000": 50, "100000": 60 };
    const rss = checkTargets(results).find((t) => t.id === "rss_growth");
    expect(rss).toMatchObject({ value: 1.13, pass: false });
    expect(rss!.detail).toBe("80 MB → 90 MB; the null relay under the same load: 50 MB → 60 MB, 1.2×");
  });

  it("judges 10k against 100k, and shows whether the growth goes on to the last checkpoint", () => {
    const results = sampleResults();
    results.growth.rss_mb_by_invokes = { "10000": 80, "50000": 84, "100000": 90, "200000": 91 };
    results.growth.floor_rss_mb_by_invokes = { "10000": 50, "50000": 52, "100000": 60, "200000": 66 };
    const rss = checkTargets(results).find((t) => t.id === "rss_growth");
    expect(rss).toMatchObject({ value: 1.13, pass: false });
    expect(rss!.target).toBe("host RSS after 100,000 invokes ≤ 1.1 × after 10,000");
    expect(rss!.detail).toBe(
      "80 MB → 90 MB; the null relay under the same load: 50 MB → 60 MB, 1.2×; from 100,000 to 200,000 invokes: lambkin 90 MB → 91 MB, 1.01×, the null relay 60 MB → 66 MB, 1.1×",
    );
  });

  it("says why a target could not be measured instead of guessing", () => {
    expect(byId.warm_p50_deno).toMatchObject({ value: null, pass: null });
    expect(byId.warm_p50_deno!.detail).toContain("exports neither start()");
  });

  it("prints PASS/MISS/N/A lines in the report", () => {
    const results = sampleResults();
    results.targets = targets;
    const text = report(results);
    expect(text).toContain("PASS  warm p50 ≤ 1.2 × floor's (host node");
    expect(text).toContain("MISS  warm p50 ≤ 1.2 × floor's (host bun");
    expect(text).toContain("N/A   warm p50 ≤ 1.2 × floor's (host deno");
    expect(text).toContain("skipped: @lambkin/deno exports neither");
  });
});

describe("markdown", () => {
  it("puts the headline figures and the machine in a README-ready block", async () => {
    const { markdown } = await import("./markdown.ts");
    const results = sampleResults();
    results.targets = checkTargets(results);
    const md = markdown(results);
    expect(md).toContain("2 × Test CPU");
    expect(md).toContain("| warm p50, lambkin | 0.4 ms | 0.6 ms | – |");
    expect(md).toContain("| lambkin ÷ floor | 1.14× | 2× | – |");
    expect(md).toContain("node 60 ms (bare node start-up 48 ms)");
    expect(md).toContain("- MISS  warm p50 ≤ 1.2 × floor's (host bun");
  });
});

// The short soak, part of `npm test`: 300 invocations of every kind on each host engine, with a
// kill -9 and restart of lambkin midway (`npm run soak` runs 10,000). It fails on any violation.
import { describe, expect, it } from "vitest";
import { table } from "./report.ts";
import { DEFAULT_RSS_BOUND_MB, runSoak } from "./soak.ts";

describe.each(["node", "bun", "deno"] as const)("soak (host %s)", (engine) => {
  it("answers 300 invocations once each, delivers every event once, leaves no process", async () => {
    const figures = await runSoak({ engine, n: 300, concurrency: 16, rssBoundMb: DEFAULT_RSS_BOUND_MB });
    expect(figures.violations, `${table([figures])}\n${figures.problems.join("\n")}`).toEqual([]);
    // The kill really cut calls (otherwise the restart was not tested), and events were sent.
    expect(figures.connectionErrors).toBeGreaterThan(0);
    expect(figures.events.accepted).toBeGreaterThan(0);
    expect(figures.answered).toBe(300);
  });
});

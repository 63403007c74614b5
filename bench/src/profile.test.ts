import { describe, expect, it } from "vitest";
import { summarize } from "./profile.ts";

describe("summarize (a V8 .cpuprofile)", () => {
  // root → handler (lambkin) → writev (native); root → (idle); root → (garbage collector)
  const frame = (functionName: string, url = "") => ({ functionName, url, lineNumber: 9 });
  const profile = {
    nodes: [
      { id: 1, callFrame: frame("(root)"), children: [2, 4, 5] },
      { id: 2, callFrame: frame("writeBuffered", "file:///x/packages/node/dist/platform.js"), children: [3] },
      { id: 3, callFrame: frame("writev") },
      { id: 4, callFrame: frame("(idle)") },
      { id: 5, callFrame: frame("(garbage collector)") },
    ],
    samples: [3, 3, 2, 4, 5],
    timeDeltas: [1000, 1000, 500, 9000, 500],
  };
  const s = summarize(profile);

  it("adds self time per function and leaves idle out", () => {
    expect(s.total).toBe(3);
    expect(s.idle).toBe(9);
    expect(s.functions[0]).toMatchObject({ name: "writev", ms: 2 });
    expect(s.functions[0]!.share).toBeCloseTo(2 / 3);
  });

  it("charges native time to the lambkin function that called it", () => {
    expect(s.owners[0]).toMatchObject({
      name: "writeBuffered",
      where: "packages/node/dist/platform.js:10",
      ms: 2.5,
    });
    expect(s.owners[1]).toMatchObject({ name: "(outside lambkin's code)", ms: 0.5 });
  });
});

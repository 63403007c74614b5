// The bench's moving parts against each other, as real processes: the caller drives the null
// relay (on every engine) and lambkin, with the bare loop and the lambkin client as runtimes.
// Needs bench/dist (turbo builds it before tests). Figures are not checked: only that each
// system answers every invoke with the bytes sent.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES } from "./engines.ts";
import { cpuMs, rssMb } from "./proc.ts";
import { functionFor } from "./runtimes.ts";
import { Caller, Floor, LambkinHost } from "./systems.ts";

let caller: Caller;
beforeAll(async () => {
  caller = await Caller.start();
});
afterAll(async () => {
  await caller?.stop();
});

const load = {
  body: '{"hello":"bench"}',
  concurrency: 2,
  warmup: 5,
  count: 50,
  maxMs: 30_000,
  expect: "echo" as const,
};

describe.each(ENGINES)("the null relay on %s", (host) => {
  it("relays every invoke to a runtime and its answer back", async () => {
    const floor = await Floor.start(host);
    try {
      await floor.use("bare-loop", 2);
      expect(await floor.waiting()).toBe(2);
      const r = await caller.run(floor, "any", load);
      expect(r.n).toBe(50);
      expect(r.p50_ms).toBeGreaterThan(0);
      // The lambkin client works against it too (the floor's runtime for the targets).
      await floor.use("node", 1);
      expect((await caller.run(floor, "any", { ...load, concurrency: 1 })).n).toBe(50);
      expect(cpuMs(floor.pid)).toBeGreaterThanOrEqual(0);
      expect(rssMb(floor.pid)).toBeGreaterThan(1);
    } finally {
      await floor.stop();
    }
  });
});

describe("lambkin host and caller", () => {
  it("echoes through lambkin on Node, grows to n environments, and reports a wrong answer", async () => {
    const lk = await LambkinHost.start("node", { echo: functionFor("node"), loop: functionFor("bare-loop") });
    try {
      expect((await caller.run(lk, "echo", load)).n).toBe(50);
      expect((await caller.run(lk, "loop", load)).n).toBe(50);
      await lk.grow(caller, "echo", 3);
      // A 6 MiB string comes back byte for byte.
      expect(
        (
          await caller.run(lk, "echo", {
            ...load,
            body: undefined,
            bodyBytes: 6 * 1024 * 1024,
            count: 2,
            warmup: 0,
          })
        ).n,
      ).toBe(2);
      await expect(caller.run(lk, "missing", load)).rejects.toThrow(/answered 404/);
    } finally {
      await lk.stop();
    }
  });
});

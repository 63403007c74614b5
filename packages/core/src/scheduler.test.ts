// The scheduler's rules with a fake environment the test drives by hand: capacity, queueing,
// 429, reuse of the environment about to call `next`, recycle (generations, prewarm), init
// failures and removal. Whole processes are the contract suite's business.
import { InvokeApiError } from "@lambkin/protocol";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeScheduler } from "./_fake-environment.ts";
import type { ResolvedFunction } from "./config.ts";
import { exitError } from "./environment/failures.ts";
import { Invocation, type Outcome } from "./invocation.ts";
import type { FunctionScheduler } from "./scheduler.ts";

function setup(overrides: Partial<ResolvedFunction> = {}) {
  const made = fakeScheduler(overrides);
  schedulers.push(made.scheduler);
  return made;
}

const schedulers: FunctionScheduler[] = [];
afterEach(async () => {
  for (const s of schedulers.splice(0))
    await s.close((id) => exitError(id, { code: null, signal: "SIGTERM" }));
});

const invocation = () => new Invocation({ payload: new Uint8Array(0) });
const settledWith = async (inv: Invocation): Promise<Outcome> => inv.outcome;
const tick = () => new Promise((r) => setTimeout(r, 0));

describe("FunctionScheduler", () => {
  it("starts environments up to the concurrency and queues the rest", () => {
    const { scheduler, created } = setup({ concurrency: 2, queueSize: 5 });
    for (let i = 0; i < 3; i++) scheduler.submit(invocation());
    expect(created).toHaveLength(2);
    expect(scheduler.stats).toMatchObject({ environments: 2, starting: 2, queued: 3 });
  });

  it("hands a waiting invocation to the first environment ready, and reuses an idle one", async () => {
    const { scheduler, created } = setup();
    const first = invocation();
    scheduler.submit(first);
    created[0]!.next();
    expect(created[0]!.current).toBe(first);
    created[0]!.answer();
    expect(await settledWith(first)).toMatchObject({ kind: "response" });
    created[0]!.next();
    const second = invocation();
    scheduler.submit(second);
    expect(created).toHaveLength(1);
    expect(created[0]!.current).toBe(second);
  });

  it("throttles with TooManyRequestsException once concurrency and queue are full", () => {
    const { scheduler, seen } = setup({ concurrency: 1, queueSize: 1 });
    scheduler.submit(invocation());
    const throttled = invocation();
    expect(() => scheduler.submit(throttled)).not.toThrow(); // the queue's one place
    const third = invocation();
    let error: unknown;
    try {
      scheduler.submit(third);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvokeApiError);
    expect((error as InvokeApiError).status).toBe(429);
    expect(seen.filter((e) => e.type === "invocation.throttled")).toEqual([
      expect.objectContaining({ requestId: third.requestId, functionName: "f" }),
    ]);
  });

  it("throttles at once with queueSize 0, as Lambda does", () => {
    const { scheduler, created } = setup({ concurrency: 1, queueSize: 0 });
    scheduler.submit(invocation());
    created[0]!.next();
    expect(() => scheduler.submit(invocation())).toThrow(InvokeApiError);
  });

  it("gives the environment that answered and is about to call next the next invocation, not a new one", async () => {
    const { scheduler, created } = setup({ concurrency: 2, queueSize: 0 });
    scheduler.submit(invocation());
    created[0]!.next();
    created[0]!.answer(); // finishing: the caller has its answer, `next` not yet called
    const next = invocation();
    // Counts as capacity: not throttled even with queueSize 0, and no second process started.
    scheduler.submit(next);
    expect(created).toHaveLength(1);
    created[0]!.next();
    expect(created[0]!.current).toBe(next);
  });

  it("starts a new environment when the finishing one does not call next within the grace", async () => {
    const { scheduler, created } = setup({ concurrency: 2, queueSize: 2 });
    scheduler.submit(invocation());
    created[0]!.next();
    created[0]!.answer();
    scheduler.submit(invocation());
    expect(created).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 40));
    expect(created).toHaveLength(2);
  });

  it("gives each waiting invocation its own grace, not what is left of an earlier one's", () => {
    // The scheduler's clock, faked: the steps below are exact, whatever the machine's load.
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    try {
      const { scheduler, created } = setup({ concurrency: 2, queueSize: 2 });
      scheduler.submit(invocation());
      created[0]!.next();
      created[0]!.answer();
      scheduler.submit(invocation()); // waits: its grace ends at 20 ms
      vi.advanceTimersByTime(12);
      created[0]!.next(); // takes it
      created[0]!.answer();
      const third = invocation();
      scheduler.submit(third); // waits: its grace ends at 32 ms
      vi.advanceTimersByTime(14); // 26 ms: the first grace is over, the third's is not
      expect(created).toHaveLength(1);
      created[0]!.next();
      expect(created[0]!.current).toBe(third);
      vi.advanceTimersByTime(30);
      expect(created).toHaveLength(1);
    } finally {
      vi.useRealTimers();
    }
  });

  it("answers the invocation that waited for a failed init with the init failure", async () => {
    const { scheduler, created } = setup({ concurrency: 1 });
    const waiting = invocation();
    scheduler.submit(waiting);
    await created[0]!.stop("init-failed");
    expect(await settledWith(waiting)).toMatchObject({ kind: "error", errorType: "Runtime.ExitError" });
  });

  describe("recycle", () => {
    it("stops idle environments at once, lets busy ones finish, and sends new invocations to new ones", async () => {
      const { scheduler, created } = setup({ concurrency: 3 });
      const [a, b] = [invocation(), invocation()];
      scheduler.submit(a);
      scheduler.submit(b);
      created[0]!.next();
      created[1]!.next();
      created[1]!.answer();
      created[1]!.next(); // idle now; created[0] still busy with `a`
      await scheduler.recycle("saved index.js");
      expect(scheduler.generation).toBe(2);
      expect(created[1]!.stopped).toEqual({ reason: "recycled", detail: "saved index.js" });
      expect(created[0]!.stopped).toBeUndefined();

      const after = invocation();
      scheduler.submit(after);
      expect(created).toHaveLength(3);
      expect(created[2]!.generation).toBe(2);
      // The old busy one finishes its invocation, then leaves instead of taking more.
      created[0]!.answer();
      created[0]!.next();
      expect(created[0]!.stopped).toEqual({ reason: "recycled", detail: "saved index.js" });
      expect(await settledWith(a)).toMatchObject({ kind: "response" });
      created[2]!.next();
      expect(created[2]!.current).toBe(after);
    });

    it("gives up environments still starting: what waits runs on the new generation", () => {
      const { scheduler, created } = setup({ concurrency: 1 });
      const waiting = invocation();
      scheduler.submit(waiting);
      void scheduler.recycle("edit");
      expect(created[0]!.stopped?.reason).toBe("recycled");
      expect(created).toHaveLength(2);
      created[1]!.next();
      expect(created[1]!.current).toBe(waiting);
    });

    it("does not count an old generation's finishing environment as capacity", () => {
      const { scheduler, created } = setup({ concurrency: 2 });
      scheduler.submit(invocation());
      created[0]!.next();
      created[0]!.answer();
      void scheduler.recycle("edit");
      scheduler.submit(invocation());
      expect(created).toHaveLength(2); // started at once, no grace wait for the old one
      expect(created[1]!.generation).toBe(2);
    });

    it("with prewarm, starts one environment of the new generation and resolves once it is ready", async () => {
      const { scheduler, created } = setup();
      let resolved = false;
      const warming = scheduler.recycle("edit", { prewarm: true }).then(() => {
        resolved = true;
      });
      expect(created).toHaveLength(1);
      expect(created[0]!.prewarmed).toBe(true);
      await tick();
      expect(resolved).toBe(false);
      created[0]!.next();
      await warming;
      const next = invocation();
      scheduler.submit(next);
      expect(created[0]!.current).toBe(next);
      expect(created[0]!.prewarmed).toBe(true);
    });

    it("with prewarm, resolves when the new environment's init fails", async () => {
      const { scheduler, created } = setup();
      const warming = scheduler.recycle("edit", { prewarm: true });
      await created[0]!.stop("init-failed");
      await expect(warming).resolves.toBeUndefined();
    });

    it("a caller who waited for a prewarming environment sees its cold start", () => {
      const { scheduler, created } = setup({ concurrency: 1 });
      void scheduler.recycle("edit", { prewarm: true });
      scheduler.submit(invocation());
      created[0]!.next();
      expect(created[0]!.prewarmed).toBe(false);
    });
  });

  it("retire: refuses new invocations, serves the queued ones, then stops every environment", async () => {
    const { scheduler, created } = setup({ concurrency: 1, queueSize: 2 });
    const [a, b] = [invocation(), invocation()];
    scheduler.submit(a);
    scheduler.submit(b);
    void scheduler.retire("function removed");
    expect(() => scheduler.submit(invocation())).toThrow(/shutting down/);
    created[0]!.next();
    created[0]!.answer();
    created[0]!.next();
    expect(created[0]!.current).toBe(b);
    created[0]!.answer();
    created[0]!.next();
    expect(created[0]!.stopped?.reason).toBe("recycled");
    expect(scheduler.pids).toEqual([]);
  });

  it("emits invocation.queued with the queue's length", () => {
    const { scheduler, seen } = setup({ concurrency: 1, queueSize: 3 });
    scheduler.submit(invocation());
    scheduler.submit(invocation());
    expect(
      seen
        .filter((e) => e.type === "invocation.queued")
        .map((e) => (e as { queueLength: number }).queueLength),
    ).toEqual([1, 2]);
  });
});

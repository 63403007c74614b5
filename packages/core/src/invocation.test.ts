import { describe, expect, it } from "vitest";
import { Invocation } from "./invocation.ts";

describe("Invocation", () => {
  it("settles exactly once: the first outcome wins, later ones are no-ops", async () => {
    const inv = new Invocation({ payload: new Uint8Array() });
    expect(
      inv.settle({
        kind: "response",
        body: new TextEncoder().encode("first"),
        contentType: "application/json",
      }),
    ).toBe(true);
    expect(inv.fail("Sandbox.Timedout", "{}", "timeout")).toBe(false);
    const outcome = await inv.outcome;
    expect(outcome.kind).toBe("response");
    expect(inv.settled).toBe(true);
  });

  it("gets a request id and an X-Ray trace id unless given", () => {
    const inv = new Invocation({ payload: new Uint8Array() });
    expect(inv.requestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(inv.traceId).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24};Parent=[0-9a-f]{16};Sampled=0$/);
    expect(new Invocation({ payload: new Uint8Array(), requestId: "r" }).requestId).toBe("r");
  });

  it("tells waiters when its REPORT line is written", async () => {
    const inv = new Invocation({ payload: new Uint8Array() });
    let reported = false;
    const waiting = inv.whenReported().then(() => {
      reported = true;
    });
    await Promise.resolve();
    expect(reported).toBe(false);
    inv.markReported();
    await waiting;
    expect(reported).toBe(true);
    await inv.whenReported(); // already reported: resolves at once
  });
});

// The deadline clock of one environment, on fake timers with a fake environment: each invocation
// times out at its own deadline, and a debugger holds a deadline back only for the invocation it
// paused.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { Inspector } from "../inspector.ts";
import type { Invocation } from "../invocation.ts";
import { type ClockedEnvironment, Clocks } from "./clocks.ts";

function setup(debugger_?: { attached: boolean }) {
  let running: Invocation | undefined;
  const timedOut: Invocation[] = [];
  const lines: string[] = [];
  const inspector = debugger_ && ({ attached: async () => debugger_.attached } as unknown as Inspector);
  const env: ClockedEnvironment = {
    state: () => "busy",
    running: () => running,
    inspector: () => inspector,
    line: (text) => lines.push(text),
    onInitTimeout: () => {},
    onTimeout: (invocation) => timedOut.push(invocation),
  };
  const clocks = new Clocks(env);
  /** Hands `invocation` to the runtime with `timeoutMs`, as the environment's dispatch does. */
  const dispatch = (timeoutMs: number) => {
    const invocation = { deadlineAt: performance.now() + timeoutMs } as Invocation;
    running = invocation;
    clocks.invocationStarted(invocation.deadlineAt);
    return invocation;
  };
  const finish = () => {
    running = undefined;
  };
  return { clocks, dispatch, finish, timedOut, lines };
}

describe("Clocks: the deadline", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("times out each invocation at its own deadline, not at an earlier one's", async () => {
    const { dispatch, finish, timedOut } = setup();
    dispatch(1000);
    await vi.advanceTimersByTimeAsync(700);
    finish();
    const second = dispatch(1000);
    // The first invocation's deadline (1000 ms) passes while the second runs: nothing is due.
    await vi.advanceTimersByTimeAsync(999);
    expect(timedOut).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(timedOut).toEqual([second]);
  });

  it("waits while a debugger is connected, and only for the invocation it paused", async () => {
    const debugger_ = { attached: true };
    const { dispatch, finish, timedOut, lines } = setup(debugger_);
    const paused = dispatch(1000);
    await vi.advanceTimersByTimeAsync(1000);
    expect(timedOut).toEqual([]);
    expect(lines).toEqual(["Debugger connected: the timeout waits until it disconnects"]);
    // The user steps on and the runtime answers; the debugger goes; the next invocation starts
    // before the debugger's next look (every 500 ms) would have come.
    await vi.advanceTimersByTimeAsync(300);
    expect(paused.deadlineAt).toBe(Number.POSITIVE_INFINITY);
    finish();
    debugger_.attached = false;
    const next = dispatch(1000);
    await vi.advanceTimersByTimeAsync(999);
    expect(timedOut).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(timedOut).toEqual([next]);
  });

  it("times out a paused invocation once the debugger disconnects", async () => {
    const debugger_ = { attached: true };
    const { dispatch, timedOut } = setup(debugger_);
    const paused = dispatch(1000);
    await vi.advanceTimersByTimeAsync(1000);
    debugger_.attached = false;
    await vi.advanceTimersByTimeAsync(499);
    expect(timedOut).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(timedOut).toEqual([paused]);
  });

  it("stops: nothing times out after", async () => {
    const { clocks, dispatch, timedOut } = setup();
    dispatch(1000);
    clocks.stop();
    await vi.advanceTimersByTimeAsync(5000);
    expect(timedOut).toEqual([]);
  });
});

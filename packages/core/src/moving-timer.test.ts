import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { MovingTimer } from "./moving-timer.ts";

describe("MovingTimer", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("runs once, at the latest due time, however often it was moved later", () => {
    const due = vi.fn();
    const timer = new MovingTimer(due);
    for (let i = 0; i < 5; i++) {
      timer.set(performance.now() + 100);
      vi.advanceTimersByTime(60);
    }
    // Set last at 240 ms for 340 ms: not yet at 339, once at 340, and never again.
    expect(performance.now()).toBe(300);
    vi.advanceTimersByTime(39);
    expect(due).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(due).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10_000);
    expect(due).toHaveBeenCalledTimes(1);
  });

  it("runs at an earlier due time when moved earlier", () => {
    const due = vi.fn();
    const timer = new MovingTimer(due);
    timer.set(performance.now() + 1000);
    timer.set(performance.now() + 10);
    vi.advanceTimersByTime(10);
    expect(due).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(2000);
    expect(due).toHaveBeenCalledTimes(1);
  });

  it("runs nothing once cancelled, and again when set after", () => {
    const due = vi.fn();
    const timer = new MovingTimer(due);
    timer.set(performance.now() + 50);
    timer.cancel();
    vi.advanceTimersByTime(100);
    expect(due).not.toHaveBeenCalled();
    timer.set(performance.now() + 50);
    vi.advanceTimersByTime(50);
    expect(due).toHaveBeenCalledTimes(1);
  });

  it("keeps one timer pending while it is moved later", () => {
    const timer = new MovingTimer(() => {});
    timer.set(performance.now() + 100);
    for (let i = 0; i < 100; i++) timer.set(performance.now() + 100 + i);
    expect(vi.getTimerCount()).toBe(1);
  });
});

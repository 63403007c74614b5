import { describe, expect, it } from "vitest";
import { median, medianOfRounds, quantile, sig } from "./stats.ts";

describe("quantile (nearest rank)", () => {
  const sorted = Float64Array.from({ length: 100 }, (_, i) => i + 1);
  it("takes the value at ceil(q·n)", () => {
    expect(quantile(sorted, 0.5)).toBe(50);
    expect(quantile(sorted, 0.9)).toBe(90);
    expect(quantile(sorted, 0.99)).toBe(99);
    expect(quantile(sorted, 1)).toBe(100);
    expect(quantile(sorted, 0)).toBe(1);
  });
  it("works on one sample and refuses none", () => {
    expect(quantile([7], 0.99)).toBe(7);
    expect(() => quantile([], 0.5)).toThrow(/empty/);
    expect(() => quantile([1], 1.5)).toThrow(/0–1, got 1.5/);
  });
});

describe("median", () => {
  it("of odd and even counts, unsorted input", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it("medianOfRounds takes each field's median", () => {
    expect(
      medianOfRounds([
        { a: 1, b: 10 },
        { a: 5, b: 30 },
        { a: 3, b: 20 },
      ]),
    ).toEqual({ a: 3, b: 20 });
  });
});

describe("sig", () => {
  it("keeps significant digits", () => {
    expect(sig(0.412345)).toBe(0.412);
    expect(sig(2345.6)).toBe(2350);
    expect(sig(12.345, 2)).toBe(12);
    expect(sig(0)).toBe(0);
  });
});

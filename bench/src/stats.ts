/** Percentiles, medians and rounding: the only arithmetic the figures go through. */

/** The q-quantile (0–1) of `sorted` (ascending), by the nearest-rank method. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) throw new RangeError("quantile of an empty sample");
  if (!(q >= 0 && q <= 1)) throw new RangeError(`quantile must be 0–1, got ${q}`);
  const rank = Math.max(1, Math.ceil(q * sorted.length));
  return sorted[rank - 1]!;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError("median of an empty list");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Rounds to `digits` significant digits (figures in the JSON and table keep what is meaningful). */
export function sig(value: number, digits = 3): number {
  if (!Number.isFinite(value) || value === 0) return value;
  const scale = 10 ** (digits - 1 - Math.floor(Math.log10(Math.abs(value))));
  return Math.round(value * scale) / scale;
}

/** The median of each numeric field across rounds (every round has the same fields). */
export function medianOfRounds<T extends { [K in keyof T]: number }>(rounds: readonly T[]): T {
  if (rounds.length === 0) throw new RangeError("no rounds to take the median of");
  const out = {} as T;
  for (const key of Object.keys(rounds[0]!) as (keyof T)[]) {
    out[key] = median(rounds.map((r) => r[key])) as T[keyof T];
  }
  return out;
}

/**
 * How much of everything a run measures: `--quick` (under a minute, the same rows with smaller
 * counts) or the full run (under ten minutes on 2 cores). Every load loop is bounded both in
 * invokes and in time.
 */
import type { Engine } from "./engines.ts";
import { RUNTIMES, type RuntimeKind } from "./runtimes.ts";

export type Section = "warm" | "throughput" | "cold" | "payload" | "growth" | "reload";
export const SECTIONS: readonly Section[] = ["warm", "throughput", "cold", "payload", "growth", "reload"];

export interface Plan {
  mode: "quick" | "full";
  hosts: Engine[];
  sections: Section[];
  /**
   * Invokes each freshly started host (lambkin or relay) gets before its first figure: until its
   * JIT has compiled the hot path, the first rows measured would otherwise pay for it.
   */
  prime: number;
  warm: {
    /** Function runtimes measured on each host engine. */
    runtimes: (host: Engine) => readonly RuntimeKind[];
    warmup: number;
    /** Rounds for the rows the targets use (host × lambkin client on Node); others get `rounds`. */
    keyRounds: number;
    rounds: number;
    count: number;
    maxMs: number;
  };
  throughput: {
    steps: number[];
    rounds: number;
    /** Rounds at concurrency 8, the step the target uses. */
    keyRounds: number;
    warmup: number;
    count: number;
    maxMs: number;
  };
  cold: { samples: number };
  payload: { sizes: { bytes: number; count: number }[]; rounds: number; maxMs: number };
  growth: {
    functions: number[];
    rounds: number;
    count: number;
    maxMs: number;
    /** Host RSS is read after this many invokes in all (the last two are compared). */
    rssCheckpoints: number[];
    rssConcurrency: number;
  };
  /** Edits per pass (at the reload line; 1 s after the save) and cold starts, per runtime. */
  reload: { edits: number; coldStarts: number };
}

const KB = 1024;
const MB = 1024 * 1024;

export function planFor(mode: "quick" | "full", sections: Section[] = [...SECTIONS]): Plan {
  const quick = mode === "quick";
  return {
    mode,
    hosts: ["node", "bun", "deno"],
    sections,
    prime: quick ? 800 : 3000,
    warm: quick
      ? // Every runtime on Node; on Bun and Deno only the one the targets use.
        {
          runtimes: (h) => (h === "node" ? RUNTIMES : ["node", "bare-loop"]),
          warmup: 50,
          keyRounds: 2,
          rounds: 1,
          count: 200,
          maxMs: 300,
        }
      : // Many short rounds for the target rows: a burst of someone else's load then hits both sides.
        { runtimes: () => RUNTIMES, warmup: 200, keyRounds: 25, rounds: 3, count: 600, maxMs: 700 },
    throughput: quick
      ? { steps: [1, 8], rounds: 1, keyRounds: 1, warmup: 50, count: 400, maxMs: 400 }
      : { steps: [1, 2, 4, 8, 16, 32], rounds: 3, keyRounds: 11, warmup: 200, count: 2000, maxMs: 1000 },
    cold: { samples: quick ? 2 : 21 },
    payload: {
      sizes: [
        { bytes: KB, count: quick ? 100 : 1000 },
        { bytes: 64 * KB, count: quick ? 50 : 300 },
        { bytes: MB, count: quick ? 8 : 40 },
        // The largest synchronous invoke Lambda accepts (6 MiB); the echoed answer fits too.
        { bytes: 6 * MB, count: quick ? 2 : 10 },
      ],
      rounds: quick ? 1 : 3,
      maxMs: quick ? 400 : 1500,
    },
    growth: quick
      ? {
          functions: [1, 10, 100],
          rounds: 1,
          count: 200,
          maxMs: 300,
          rssCheckpoints: [1_000, 5_000],
          rssConcurrency: 4,
        }
      : {
          functions: [1, 10, 100],
          rounds: 3,
          count: 1000,
          maxMs: 1000,
          rssCheckpoints: [10_000, 50_000, 100_000, 200_000],
          rssConcurrency: 4,
        },
    reload: quick ? { edits: 3, coldStarts: 2 } : { edits: 20, coldStarts: 7 },
  };
}

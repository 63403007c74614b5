/**
 * The shape of bench/results/latest.json (/work/shared/BENCH.md): rows carry their labels; times
 * in ms, rates per second, memory in MB (MiB, as /proc reports it). A row that could not be
 * measured says why in `skipped` instead of carrying figures.
 */
import type { Engine } from "./engines.ts";
import type { RuntimeKind } from "./runtimes.ts";

export type System = "lambkin" | "floor";

export interface LatencyFigures {
  p50_ms: number;
  p90_ms: number;
  p99_ms: number;
  invokes_per_s: number;
  /** CPU time the host process (lambkin, or the relay) spent per invoke, in µs. */
  host_cpu_us: number;
  /** CPU time the runtime process(es) spent per invoke, in µs (with children they waited for). */
  runtime_cpu_us: number;
}

export interface WarmRow extends Partial<LatencyFigures> {
  host: Engine;
  runtime: RuntimeKind;
  system: System;
  skipped?: string;
}

export interface ThroughputRow {
  host: Engine;
  concurrency: number;
  system: System;
  invokes_per_s?: number;
  p50_ms?: number;
  p99_ms?: number;
  host_cpu_us?: number;
  skipped?: string;
}

export type ColdRow =
  | {
      runtime: Engine;
      system: "lambkin";
      host: "node";
      cold_ms?: number;
      /** The median of (cold − bare start-up) over samples taken one after the other: the target's figure. */
      over_bare_ms?: number;
      /** lambkin's own Init Duration (process start → the runtime's first `next`), from its REPORT line. */
      init_ms?: number;
      /** lambkin's Duration of that first invoke (event handed to the runtime → its answer). */
      first_invoke_ms?: number;
      samples?: number[];
      skipped?: string;
    }
  | {
      runtime: Engine;
      system: "bare";
      /** Process start → first HTTP request, started with `engine_flags` (lambkin's, Lambda's). */
      startup_ms?: number;
      engine_flags?: string[];
      /** The same start-up without `engine_flags`: what those flags cost the engine itself. */
      unflagged_ms?: number;
      samples?: number[];
      skipped?: string;
    };

export interface SandboxColdRow {
  runtime: "node";
  /** What the default sandbox was on this machine: bubblewrap, or a TMPDIR per environment. */
  sandbox: "bubblewrap" | "tmpdir";
  /** Median cold invoke with the sandbox and without it. */
  on_ms?: number;
  off_ms?: number;
  /** The median of (sandboxed − unsandboxed) over pairs taken one after the other. */
  cost_ms?: number;
  samples_on?: number[];
  samples_off?: number[];
}

export interface PayloadRow {
  bytes: number;
  system: System;
  p50_ms?: number;
  /** Request bytes echoed per second, in MB (2^20 bytes). */
  mb_per_s?: number;
  skipped?: string;
}

export interface Growth {
  p50_ms_by_functions: Record<string, number>;
  /** p50 of the same host's echo function and of one that logs 100 lines per invoke. */
  logging?: { p50_ms_echo: number; p50_ms_100_lines: number };
  idle_rss_mb_1_function?: number;
  idle_rss_mb_100_functions?: number;
  /** Highest host RSS seen while the invokes below ran. */
  rss_mb_under_load?: number;
  /** Host RSS after so many invokes (keys: invoke counts). */
  rss_mb_by_invokes: Record<string, number>;
  /**
   * The host's JS heap after a full collection at the same checkpoints (lambkin on Node with
   * --expose-gc): RSS may grow while V8 sizes its heap; a leak grows this too.
   */
  heap_mb_after_gc_by_invokes?: Record<string, number>;
  /** The rest of the host's memory at the same checkpoints (V8 heap reserved, Buffers…), MB. */
  memory_after_gc_by_invokes?: Record<
    string,
    { heap_total_mb: number; external_mb: number; array_buffers_mb: number }
  >;
  rss_mb_after_10k?: number;
  rss_mb_after_100k?: number;
  /**
   * The null relay's RSS (on Node) after the same invokes at the same concurrency: what V8 and
   * node:http alone do to a process's memory under that load, next to lambkin's.
   */
  floor_rss_mb_by_invokes?: Record<string, number>;
  skipped?: string;
}

/** One runtime of the reload section (reload.ts): lambkin start watching, on one host engine. */
export interface ReloadRow {
  host: string;
  /** node, node-ts (TypeScript through tsx), bun, deno. */
  runtime: string;
  edits: number;
  /** File write → the reload line on lambkin's output, median over the edits. */
  watch_p50_ms?: number;
  /** File write → the answer of an invoke sent at the reload line (with the new code). */
  first_answer_p50_ms?: number;
  /** Invoke → answer of a function with no environment, in the same lambkin. */
  cold_p50_ms?: number;
  /** Edits whose invoke 1 s after the save was warm (no Init Duration), of `edits`. */
  warm_after_1s?: number;
  /** Init Duration of the cold starts. */
  init_p50_ms?: number;
  skipped?: string;
}

export interface TargetCheck {
  id: string;
  /** What is promised, in words: `warm p50 ≤ 1.25 × floor (host node)`. */
  target: string;
  /** The measured ratio (×) or difference (ms). */
  value: number | null;
  limit: number;
  unit: "×" | "ms" | "edits";
  /** null when it could not be measured (see `detail`). */
  pass: boolean | null;
  detail: string;
}

export interface Results {
  machine: {
    cpus: number;
    cpu_model: string;
    memory_gb: number;
    os: string;
    node: string;
    bun: string;
    deno: string;
    date: string;
    mode: "quick" | "full";
    /** The git commit measured (`+ uncommitted changes` when packages/ differed from it). */
    commit?: string;
    duration_s?: number;
  };
  /** How the figures were taken (so a reader can tell what a ratio compares). */
  method: Record<string, string>;
  warm: WarmRow[];
  throughput: ThroughputRow[];
  cold_start: ColdRow[];
  client_vs_ric: {
    client_p50_ms: number | null;
    ric_p50_ms: number | null;
    /** Each runtime's own CPU per invoke, in µs. */
    client_runtime_cpu_us: number | null;
    ric_runtime_cpu_us: number | null;
    host: "node";
  };
  payload: PayloadRow[];
  growth: Growth;
  /**
   * The cold section's Node function with lambkin's default sandbox and with `sandbox: false`,
   * sampled one after the other (absent in results from before it existed).
   */
  sandbox_cold?: SandboxColdRow;
  /** The reload section (absent in results from before it existed). */
  reload?: ReloadRow[];
  targets: TargetCheck[];
  /** Sections that failed as a whole (their rows are missing), with why. */
  failures?: string[];
}

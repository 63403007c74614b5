/**
 * What one environment tells the world: its log lines (to the log sink, the invocation's Tail and
 * the event stream), START/END/REPORT in the function's log format with real Duration, Init
 * Duration and Max Memory Used, and its lifecycle events.
 */
import {
  endLine,
  reportLine,
  reportRecord,
  runtimeDoneRecord,
  startLine,
  startRecord,
} from "@lambkin/protocol";
import type { ResolvedFunction } from "../config.ts";
import type { EventBus, StopReason } from "../events.ts";
import type { FunctionError, Invocation } from "../invocation.ts";
import type { LogSink } from "../logs.ts";
import { peakMemoryMB } from "../memory.ts";
import type { Platform } from "../platform.ts";
import type { InitFailure } from "./failures.ts";

/** How stale a Max Memory Used reading may be for short invocations, and what counts as short. */
const MEMORY_SAMPLE_MS = 1000;
const MEMORY_SAMPLE_ALWAYS_MS = 10;

/**
 * Runs `fn` after the I/O callbacks already due in this turn of the event loop (setImmediate on
 * Node and Bun; a zero timer where the engine has no setImmediate).
 */
const afterPendingIO: (fn: () => void) => void =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === "function"
    ? (fn) => (globalThis as unknown as { setImmediate(fn: () => void): void }).setImmediate(fn)
    : (fn) => setTimeout(fn, 0);

export interface ReporterContext {
  platform: Platform;
  log: LogSink;
  events: EventBus;
}

/** How an invocation ended, for END, REPORT and `invocation.finished`. */
export interface Ending {
  durationMs: number;
  /** Set on a cold start. */
  initDurationMs: number | undefined;
  /** A failure lambkin answered on the runtime's behalf (timeout, crash, oversize, init). */
  failure: FunctionError | undefined;
  /** The error type the function reported itself. */
  reportedError: string | undefined;
}

export class Reporter {
  readonly #fn: ResolvedFunction;
  readonly #ctx: ReporterContext;
  readonly #environmentId: number;
  readonly #generation: number;
  /** The highest peak RSS measured so far (MB), and when it was read. */
  #peakMemoryMB = 0;
  #memorySampledAt = Number.NEGATIVE_INFINITY;

  constructor(fn: ResolvedFunction, ctx: ReporterContext, environmentId: number, generation: number) {
    this.#fn = fn;
    this.#ctx = ctx;
    this.#environmentId = environmentId;
    this.#generation = generation;
  }

  /** One line of the environment's log, in the invocation's Tail when it is one's. */
  line(stream: "stdout" | "stderr" | "platform", line: string, invocation: Invocation | undefined): void {
    invocation?.logTail?.push(line);
    const time = Date.now();
    const functionName = this.#fn.name;
    const requestId = invocation?.requestId;
    this.#ctx.log({ time, functionName, requestId, stream, line });
    const events = this.#ctx.events;
    if (events.active) {
      events.emit({
        type: "invocation.log",
        time,
        functionName,
        requestId,
        environmentId: this.#environmentId,
        stream,
        line,
      });
    }
  }

  /** START, and the `invocation.started` event. */
  start(invocation: Invocation): void {
    const { requestId } = invocation;
    this.line(
      "platform",
      this.#fn.logFormat === "JSON" ? startRecord(requestId) : startLine(requestId),
      invocation,
    );
    const events = this.#ctx.events;
    if (!events.active) return;
    events.emit({
      type: "invocation.started",
      ...this.#base(),
      requestId,
      environmentId: this.#environmentId,
      generation: this.#generation,
    });
  }

  /**
   * END, then REPORT once Max Memory Used is read, then `invocation.markReported()`. The caller
   * has been answered already; END and REPORT wait one turn of the event loop: the runtime wrote
   * its output to the pipe before it posted its answer, but the host may read the answer's socket
   * before the pipe in the same poll, and this turn lets those lines land in the invocation's log
   * (and Tail) ahead of END. The runtime's next `next` arrives in a later turn.
   */
  end(invocation: Invocation, ending: Ending, pid: number | undefined): void {
    afterPendingIO(() => this.#end(invocation, ending, pid));
  }

  #end(invocation: Invocation, ending: Ending, pid: number | undefined): void {
    const { requestId } = invocation;
    const status = ending.failure?.platform;
    this.line(
      "platform",
      this.#fn.logFormat === "JSON"
        ? runtimeDoneRecord(requestId, status === "timeout" ? "timeout" : status ? "failure" : "success")
        : endLine(requestId),
      invocation,
    );
    const report = (measuredMB: number | undefined) => {
      // A runtime that died takes its /proc entry along: its last measured peak still stands.
      if (measuredMB !== undefined) this.#peakMemoryMB = Math.max(this.#peakMemoryMB, measuredMB);
      const fields = {
        requestId,
        durationMs: ending.durationMs,
        memorySizeMB: this.#fn.memorySize,
        maxMemoryUsedMB: this.#peakMemoryMB,
        initDurationMs: ending.initDurationMs,
        status,
        errorType: status === "error" ? ending.failure?.errorType : undefined,
      };
      this.line(
        "platform",
        this.#fn.logFormat === "JSON" ? reportRecord(fields) : reportLine(fields),
        invocation,
      );
      invocation.markReported();
      if (this.#ctx.events.active) this.#finished(invocation, ending);
    };
    // Reading /proc costs several syscalls per process (~10 µs of host CPU per invoke at
    // concurrency 8). An invocation that ran MEMORY_SAMPLE_ALWAYS_MS or longer is always measured;
    // a hot run of short ones is re-read at most every MEMORY_SAMPLE_MS. VmHWM only grows, and a
    // short invocation can only have grown it by what a few milliseconds of page faults allow.
    const now = performance.now();
    const recent = now - this.#memorySampledAt < MEMORY_SAMPLE_MS;
    if (pid === undefined || (recent && ending.durationMs < MEMORY_SAMPLE_ALWAYS_MS)) report(undefined);
    else {
      this.#memorySampledAt = now;
      void peakMemoryMB(this.#ctx.platform, pid).then(report);
    }
  }

  #finished(invocation: Invocation, ending: Ending): void {
    const { failure } = ending;
    const errorType = failure?.errorType ?? ending.reportedError;
    this.#ctx.events.emit({
      type: "invocation.finished",
      ...this.#base(),
      requestId: invocation.requestId,
      environmentId: this.#environmentId,
      generation: this.#generation,
      outcome:
        failure?.platform === "timeout"
          ? "timeout"
          : errorType === "Runtime.ExitError"
            ? "crash"
            : errorType === undefined
              ? "success"
              : "error",
      durationMs: ending.durationMs,
      ...(ending.initDurationMs === undefined ? {} : { initDurationMs: ending.initDurationMs }),
      ...(this.#peakMemoryMB > 0 ? { maxMemoryMB: this.#peakMemoryMB } : {}),
      ...(errorType === undefined ? {} : { errorType }),
    });
  }

  // --- lifecycle events (built only when someone listens) -------------------------------------

  started(pid: number | undefined): void {
    if (this.#ctx.events.active) this.#ctx.events.emit({ type: "environment.started", ...this.#env(), pid });
  }

  ready(initDurationMs: number): void {
    if (this.#ctx.events.active)
      this.#ctx.events.emit({ type: "environment.ready", ...this.#env(), initDurationMs });
  }

  stopped(reason: StopReason, detail: string | undefined, initFailure: InitFailure | undefined): void {
    const events = this.#ctx.events;
    if (!events.active) return;
    if (initFailure) {
      const { errorType, errorMessage } = initFailure;
      events.emit({ type: "environment.init-failed", ...this.#env(), errorType, errorMessage });
    }
    events.emit({
      type: "environment.stopped",
      ...this.#env(),
      reason,
      ...(detail === undefined ? {} : { detail }),
    });
  }

  #base() {
    return { time: Date.now(), functionName: this.#fn.name };
  }

  #env() {
    return { ...this.#base(), environmentId: this.#environmentId, generation: this.#generation };
  }
}

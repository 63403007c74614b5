/**
 * Asynchronous (`Event`) invocations: accepted at once, run in the background. As on Lambda, a
 * function error is retried `maximumRetryAttempts` times (default twice, after 1 and 2 minutes —
 * configurable), and a throttle is retried with backoff until the event is older than
 * `maximumEventAgeInSeconds`. Every attempt keeps the event's request id.
 */
import { InvokeApiError } from "@lambkin/protocol";
import type { ResolvedConfig } from "./config.ts";
import { Invocation } from "./invocation.ts";
import type { LogSink } from "./logs.ts";
import type { FunctionScheduler } from "./scheduler.ts";

export interface AsyncEvent {
  requestId: string;
  payload: Uint8Array;
  traceId?: string;
  /** Epoch ms when the event was accepted. */
  receivedAt: number;
}

const THROTTLE_BACKOFF_START_MS = 1000;
const THROTTLE_BACKOFF_MAX_MS = 5 * 60_000;

export class AsyncQueue {
  readonly #config: ResolvedConfig;
  readonly #log: LogSink;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #running = new Set<Promise<void>>();
  #closed = false;

  constructor(config: ResolvedConfig, log: LogSink) {
    this.#config = config;
    this.#log = log;
  }

  /** Events accepted and not yet finished (running, or waiting for a retry). */
  get pending(): number {
    return this.#timers.size + this.#running.size;
  }

  enqueue(scheduler: FunctionScheduler, event: AsyncEvent): void {
    this.#attempt(scheduler, event, 0, THROTTLE_BACKOFF_START_MS);
  }

  #attempt(scheduler: FunctionScheduler, event: AsyncEvent, retries: number, backoffMs: number): void {
    if (this.#closed) return;
    const run = this.#run(scheduler, event, retries, backoffMs).finally(() => this.#running.delete(run));
    this.#running.add(run);
  }

  async #run(
    scheduler: FunctionScheduler,
    event: AsyncEvent,
    retries: number,
    backoffMs: number,
  ): Promise<void> {
    const fn = scheduler.fn;
    const note = (line: string) =>
      this.#log({
        time: Date.now(),
        functionName: fn.name,
        requestId: event.requestId,
        stream: "platform",
        line,
      });
    const invocation = new Invocation({
      payload: event.payload,
      requestId: event.requestId,
      traceId: event.traceId,
    });
    try {
      scheduler.submit(invocation);
    } catch (error) {
      if (!(error instanceof InvokeApiError) || error.errorType !== "TooManyRequestsException") throw error;
      const age = Date.now() - event.receivedAt;
      if (age + backoffMs > fn.maximumEventAgeInSeconds * 1000) {
        note(`Async event dropped: throttled until older than ${fn.maximumEventAgeInSeconds} s`);
        return;
      }
      this.#later(backoffMs, () =>
        this.#attempt(scheduler, event, retries, Math.min(backoffMs * 2, THROTTLE_BACKOFF_MAX_MS)),
      );
      return;
    }
    const outcome = await invocation.outcome;
    let failed = outcome.kind === "error";
    if (outcome.kind === "stream") {
      await outcome.body.pipeTo(new WritableStream()).catch(() => {});
      failed = (await outcome.completion) !== undefined;
    }
    if (!failed) return;
    if (retries >= fn.maximumRetryAttempts) {
      note(`Async event failed after ${retries + 1} attempt${retries ? "s" : ""}: not retried again`);
      return;
    }
    const delayMs = this.#config.asyncRetryDelaysMs[retries] ?? this.#config.asyncRetryDelaysMs.at(-1) ?? 0;
    note(`Async event failed: retry ${retries + 1} of ${fn.maximumRetryAttempts} in ${delayMs / 1000} s`);
    this.#later(delayMs, () => this.#attempt(scheduler, event, retries + 1, THROTTLE_BACKOFF_START_MS));
  }

  #later(ms: number, run: () => void): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      run();
    }, ms);
    this.#timers.add(timer);
  }

  /** Drops events waiting for a retry; running ones end with their environments. */
  close(): void {
    this.#closed = true;
    for (const timer of this.#timers) clearTimeout(timer);
    if (this.#timers.size > 0) {
      this.#log({
        time: Date.now(),
        functionName: "lambkin",
        requestId: undefined,
        stream: "platform",
        line: `${this.#timers.size} async event(s) waiting for a retry were dropped at shutdown`,
      });
    }
    this.#timers.clear();
  }
}

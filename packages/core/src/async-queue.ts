/**
 * Asynchronous (`Event`) invocations: accepted at once, run in the background. As on Lambda, a
 * function error is retried `maximumRetryAttempts` times (default twice, after 1 and 2 minutes —
 * configurable), and a throttle is retried with backoff until the event is older than
 * `maximumEventAgeInSeconds`. Every attempt keeps the event's request id.
 */
import { InvokeApiError } from "@lambkin/protocol";
import type { ResolvedConfig } from "./config.ts";
import type { EventJournal } from "./event-journal.ts";
import type { EventBus } from "./events.ts";
import { Invocation } from "./invocation.ts";
import type { LogSink } from "./logs.ts";
import type { FunctionScheduler } from "./scheduler.ts";

export interface AsyncEvent {
  requestId: string;
  payload: Uint8Array;
  traceId?: string;
  /** The ARN the caller invoked (qualifier included). */
  invokedArn?: string;
  /** Epoch ms when the event was accepted. */
  receivedAt: number;
}

const THROTTLE_BACKOFF_START_MS = 1000;
const THROTTLE_BACKOFF_MAX_MS = 5 * 60_000;

/** What the queue needs of the lambkin around it; read at every attempt (functions come and go). */
export interface AsyncQueueContext {
  readonly config: ResolvedConfig;
  readonly log: LogSink;
  readonly events: EventBus;
  scheduler(functionName: string): FunctionScheduler | undefined;
  /** Where accepted events, attempts and ends are written (event-journal.ts), when enabled. */
  readonly journal?: EventJournal;
}

export class AsyncQueue {
  readonly #ctx: AsyncQueueContext;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #running = new Set<Promise<void>>();
  #closed = false;

  constructor(ctx: AsyncQueueContext) {
    this.#ctx = ctx;
  }

  /** Events accepted and not yet finished (running, or waiting for a retry). */
  get pending(): number {
    return this.#timers.size + this.#running.size;
  }

  /**
   * Queues an event. With a journal, resolves once it is on disk (before the caller's 202);
   * `attempts`: attempts a previous lambkin already made (a journal replay).
   */
  async enqueue(functionName: string, event: AsyncEvent, attempts = 0): Promise<void> {
    if (attempts === 0) await this.#ctx.journal?.accepted(functionName, event);
    this.#attempt(functionName, event, attempts, THROTTLE_BACKOFF_START_MS);
  }

  #attempt(functionName: string, event: AsyncEvent, retries: number, backoffMs: number): void {
    if (this.#closed) return;
    const run = this.#run(functionName, event, retries, backoffMs).finally(() => this.#running.delete(run));
    this.#running.add(run);
  }

  async #run(functionName: string, event: AsyncEvent, retries: number, backoffMs: number): Promise<void> {
    const journal = this.#ctx.journal;
    journal?.attempt(event.requestId, retries + 1);
    const note = (line: string) =>
      this.#ctx.log({
        time: Date.now(),
        functionName,
        requestId: event.requestId,
        stream: "platform",
        line,
      });
    const scheduler = this.#ctx.scheduler(functionName);
    if (!scheduler) {
      note("Async event dropped: the function was removed from the config");
      journal?.done(event.requestId);
      return;
    }
    const fn = scheduler.fn;
    const invocation = new Invocation({
      payload: event.payload,
      requestId: event.requestId,
      traceId: event.traceId,
      invokedArn: event.invokedArn,
    });
    try {
      scheduler.submit(invocation);
    } catch (error) {
      if (!(error instanceof InvokeApiError) || error.errorType !== "TooManyRequestsException") {
        note(`Async event dropped: ${error instanceof Error ? error.message : String(error)}`);
        journal?.done(event.requestId);
        return;
      }
      const age = Date.now() - event.receivedAt;
      if (age + backoffMs > fn.maximumEventAgeInSeconds * 1000) {
        note(`Async event dropped: throttled until older than ${fn.maximumEventAgeInSeconds} s`);
        journal?.done(event.requestId);
        return;
      }
      this.#retry(functionName, event, retries + 1, "throttled", backoffMs);
      this.#later(backoffMs, () =>
        this.#attempt(functionName, event, retries, Math.min(backoffMs * 2, THROTTLE_BACKOFF_MAX_MS)),
      );
      return;
    }
    const outcome = await invocation.outcome;
    let failed = outcome.kind === "error";
    if (outcome.kind === "stream") {
      await outcome.body.pipeTo(new WritableStream()).catch(() => {});
      failed = (await outcome.completion) !== undefined;
    }
    if (!failed || retries >= fn.maximumRetryAttempts) {
      if (failed)
        note(`Async event failed after ${retries + 1} attempt${retries ? "s" : ""}: not retried again`);
      journal?.done(event.requestId);
      return;
    }
    const delays = this.#ctx.config.asyncRetryDelaysMs;
    const delayMs = delays[retries] ?? delays.at(-1) ?? 0;
    if (Date.now() - event.receivedAt + delayMs > fn.maximumEventAgeInSeconds * 1000) {
      note(
        `Async event expired: a retry would run it older than maximumEventAgeInSeconds (${fn.maximumEventAgeInSeconds} s)`,
      );
      journal?.done(event.requestId);
      return;
    }
    note(`Async event failed: retry ${retries + 1} of ${fn.maximumRetryAttempts} in ${delayMs / 1000} s`);
    this.#retry(functionName, event, retries + 2, "error", delayMs);
    this.#later(delayMs, () => this.#attempt(functionName, event, retries + 1, THROTTLE_BACKOFF_START_MS));
  }

  #retry(
    functionName: string,
    event: AsyncEvent,
    attempt: number,
    cause: "error" | "throttled",
    delayMs: number,
  ) {
    const events = this.#ctx.events;
    if (!events.active) return;
    events.emit({
      type: "invocation.retry",
      time: Date.now(),
      functionName,
      requestId: event.requestId,
      attempt,
      cause,
      delayMs,
    });
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
      this.#ctx.log({
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

/**
 * Asynchronous (`Event`) invocations: accepted at once, run in the background. As on Lambda, a
 * function error is retried `maximumRetryAttempts` times (default twice, after 1 and 2 minutes —
 * configurable), and a throttle is retried with backoff until the event is older than
 * `maximumEventAgeInSeconds`. Every attempt keeps the event's request id. When an event ends, its
 * record goes to the function's destination (destinations.ts).
 */
import { InvokeApiError, MAX_SYNC_PAYLOAD_BYTES, newRequestId, newTraceId } from "@lambkin/protocol";
import { collect } from "./body.ts";
import type { ResolvedConfig, ResolvedFunction } from "./config.ts";
import { type AttemptAnswer, type DestinationCondition, Destinations } from "./destinations.ts";
import type { EventJournal, PendingEvent } from "./event-journal.ts";
import type { EventBus } from "./events.ts";
import { Invocation, type Outcome } from "./invocation.ts";
import { type LogSink, platformLine } from "./logs.ts";
import type { HostFiles } from "./platform.ts";
import { functionArnOf } from "./runtimes.ts";
import type { FunctionScheduler } from "./scheduler.ts";

export interface AsyncEvent {
  requestId: string;
  payload: Uint8Array;
  traceId?: string;
  /** The ARN the caller invoked (qualifier included). */
  invokedArn?: string;
  /** Epoch ms when the event was accepted. */
  receivedAt: number;
  /** For an invocation record sent to a destination function: the request id it is the record of. */
  recordOf?: string;
  /** Destination invocations that led to this event (0 or absent: a caller sent it). */
  chain?: number;
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
  /** Where file destinations are written. */
  readonly host?: HostFiles;
}

export class AsyncQueue {
  readonly #ctx: AsyncQueueContext;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  readonly #running = new Set<Promise<void>>();
  readonly #destinations: Destinations;
  #closed = false;

  constructor(ctx: AsyncQueueContext) {
    this.#ctx = ctx;
    this.#destinations = new Destinations({
      log: ctx.log,
      host: ctx.host,
      enqueue: (functionName, payload, recordOf, chain) => {
        const invokedArn = functionArnOf(functionName, this.#ctx.config);
        const event = {
          requestId: newRequestId(),
          payload,
          traceId: newTraceId(),
          invokedArn,
          recordOf,
          chain,
        };
        return this.enqueue(functionName, { ...event, receivedAt: Date.now() });
      },
    });
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

  /**
   * Runs again the events a previous lambkin accepted and did not end (event-journal.ts), except
   * those whose record is already in their destination file: lambkin stopped between writing it
   * and ending the event in the journal, and running them again would deliver it twice.
   */
  async replay(pending: readonly PendingEvent[]): Promise<void> {
    const files = new Map<string, Promise<string>>();
    const host = this.#ctx.host;
    const recordedIn = (path: string, requestId: string) => {
      let text = files.get(path);
      if (!text) {
        text = host?.readTextFileIfExists(path).then((t) => t ?? "") ?? Promise.resolve("");
        files.set(path, text);
      }
      // Records are written by JSON.stringify in one key order (destinations.ts).
      return text.then((t) => t.includes(`"requestContext":{"requestId":${JSON.stringify(requestId)}`));
    };
    for (const { functionName, event, attempts } of pending) {
      const note = (line: string) => platformLine(this.#ctx.log, functionName, event.requestId, line);
      const destinations = this.#ctx.scheduler(functionName)?.fn.destinations ?? {};
      let recorded = false;
      for (const dest of [destinations.onSuccess, destinations.onFailure]) {
        if (attempts > 0 && dest?.kind === "file") recorded ||= await recordedIn(dest.path, event.requestId);
      }
      if (recorded) {
        note("Async event from the journal had ended (its record is in its destination file): not run again");
        this.#ctx.journal?.done(event.requestId);
        continue;
      }
      note(
        `Async event from the journal runs again (attempt ${attempts + 1}): accepted before lambkin last stopped`,
      );
      this.#attempt(functionName, event, attempts, THROTTLE_BACKOFF_START_MS);
    }
  }

  #attempt(functionName: string, event: AsyncEvent, retries: number, backoffMs: number): void {
    if (this.#closed) return;
    const run = this.#run(functionName, event, retries, backoffMs).finally(() => this.#running.delete(run));
    this.#running.add(run);
  }

  async #run(functionName: string, event: AsyncEvent, retries: number, backoffMs: number): Promise<void> {
    const note = (line: string) => platformLine(this.#ctx.log, functionName, event.requestId, line);
    const scheduler = this.#ctx.scheduler(functionName);
    if (!scheduler) {
      note("Async event dropped: the function was removed from the config");
      this.#ctx.journal?.done(event.requestId);
      return;
    }
    const fn = scheduler.fn;
    const maxAgeMs = fn.maximumEventAgeInSeconds * 1000;
    // A journal replay may find the event already too old.
    if (Date.now() - event.receivedAt > maxAgeMs) {
      note(`Async event expired: older than maximumEventAgeInSeconds (${fn.maximumEventAgeInSeconds} s)`);
      return this.#end(fn, event, "EventAgeExceeded", retries, undefined);
    }
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
        this.#ctx.journal?.done(event.requestId);
        return;
      }
      const age = Date.now() - event.receivedAt;
      if (age + backoffMs > maxAgeMs) {
        note(`Async event dropped: throttled until older than ${fn.maximumEventAgeInSeconds} s`);
        return this.#end(fn, event, "EventAgeExceeded", retries, undefined);
      }
      this.#retry(functionName, event, retries + 1, "throttled", backoffMs);
      this.#later(backoffMs, () =>
        this.#attempt(functionName, event, retries, Math.min(backoffMs * 2, THROTTLE_BACKOFF_MAX_MS)),
      );
      return;
    }
    this.#ctx.journal?.attempt(event.requestId, retries + 1);
    const answer = await answerOf(await invocation.outcome);
    // Stopped by lambkin's own shutdown: not an attempt that failed; the journal runs it again.
    if (this.#closed) return;
    const attempts = retries + 1;
    if (!answer.failed) return this.#end(fn, event, "Success", attempts, answer);
    if (retries >= fn.maximumRetryAttempts) {
      note(`Async event failed after ${attempts} attempt${retries ? "s" : ""}: not retried again`);
      return this.#end(fn, event, "RetriesExhausted", attempts, answer);
    }
    const delays = this.#ctx.config.asyncRetryDelaysMs;
    const delayMs = delays[retries] ?? delays.at(-1) ?? 0;
    if (Date.now() - event.receivedAt + delayMs > maxAgeMs) {
      note(
        `Async event expired: a retry would run it older than maximumEventAgeInSeconds (${fn.maximumEventAgeInSeconds} s)`,
      );
      return this.#end(fn, event, "EventAgeExceeded", attempts, answer);
    }
    note(`Async event failed: retry ${attempts} of ${fn.maximumRetryAttempts} in ${delayMs / 1000} s`);
    this.#retry(functionName, event, retries + 2, "error", delayMs);
    this.#later(delayMs, () => this.#attempt(functionName, event, attempts, THROTTLE_BACKOFF_START_MS));
  }

  /** The event has ended: its record goes to its destination, then the journal forgets it. */
  async #end(
    fn: ResolvedFunction,
    event: AsyncEvent,
    condition: DestinationCondition,
    invokeCount: number,
    answer: AttemptAnswer | undefined,
  ): Promise<void> {
    const arn = functionArnOf(fn.name, this.#ctx.config);
    await this.#destinations.deliver(fn, arn, event, condition, invokeCount, answer);
    this.#ctx.journal?.done(event.requestId);
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
      platformLine(
        this.#ctx.log,
        "lambkin",
        undefined,
        `${this.#timers.size} async event(s) waiting for a retry were dropped at shutdown`,
      );
    }
    this.#timers.clear();
  }
}

/** What an attempt answered, as a RequestResponse caller would have got it. */
async function answerOf(outcome: Outcome): Promise<AttemptAnswer> {
  if (outcome.kind === "response") return { body: outcome.body, failed: false };
  if (outcome.kind === "error") return { body: outcome.body, failed: true };
  const body = await collect(outcome.body, MAX_SYNC_PAYLOAD_BYTES).catch(() => undefined);
  const error = await outcome.completion;
  return error ? { body: error.body, failed: true } : { body: body ?? new Uint8Array(), failed: false };
}

/**
 * Retried SDK/CLI calls join the invocation they repeat. The AWS CLI retries an invoke whose
 * answer it did not read in time (its read timeout is 60 s) with the same
 * `amz-sdk-invocation-id`: the retry joins the invocation already running — or gets the result
 * it missed — instead of running a slow function once more. A call is remembered while it runs;
 * its result only when the caller it was meant for hung up before it came (the SDKs send that
 * header on every call: remembering every result for minutes would hold thousands of payloads).
 *
 * On AWS the retry would run the function again; the join is a convenience, so it is logged with
 * that warning (see docs/protocol.md, "Retried invokes").
 */

/** How long the result of a call whose caller hung up is kept for its retry. */
const RETRY_MEMORY_MS = 5 * 60_000;
/** At most this many such results are kept (the oldest goes first). */
const RETRY_MEMORY_ENTRIES = 1000;

/** A call in flight: its invocation's request id and the result it will have. */
export interface RunningCall<T> {
  requestId: string;
  result: Promise<T>;
}

export class RetryJoin<T> {
  readonly #calls = new Map<string, RunningCall<T>>();
  /** The latest attempt of each running call (its caller may hang up while it runs). */
  readonly #attempts = new Map<string, AbortSignal | undefined>();
  /** Finished calls kept for a retry, with the timer that forgets each. */
  readonly #remembered = new Map<string, ReturnType<typeof setTimeout>>();

  /**
   * The running (or remembered) call for `key`, joined by this attempt; or undefined, and then
   * the caller runs it and hands it to `track`.
   */
  join(key: string, signal: AbortSignal | undefined): RunningCall<T> | undefined {
    // The latest attempt's signal, taken now: on some servers a signal only learns of a hang-up
    // that happens after it exists.
    this.#attempts.set(key, signal);
    return this.#calls.get(key);
  }

  /** Remembers `running` under `key` until it settles, and its result if its caller hung up. */
  track(key: string, running: RunningCall<T>): void {
    this.#calls.set(key, running);
    running.result.then(
      // The latest attempt still there gets the result now; one that hung up leaves it for its retry.
      () => (this.#attempts.get(key)?.aborted ? this.#forgetLater(key) : this.#forget(key)),
      // A throttle is not remembered: the retry of a 429 must try again.
      () => this.#forget(key),
    );
  }

  #forget(key: string): void {
    clearTimeout(this.#remembered.get(key));
    this.#remembered.delete(key);
    this.#attempts.delete(key);
    this.#calls.delete(key);
  }

  #forgetLater(key: string): void {
    this.#attempts.delete(key);
    if (this.#remembered.size >= RETRY_MEMORY_ENTRIES) this.#forget(this.#remembered.keys().next().value!);
    const timer = setTimeout(() => this.#forget(key), RETRY_MEMORY_MS);
    (timer as { unref?: () => void }).unref?.();
    this.#remembered.set(key, timer);
  }
}

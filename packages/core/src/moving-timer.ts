/**
 * One timer for a due time that moves on with nearly every invoke: an environment's deadline (each
 * invocation's own), the scheduler's look-again after a wait's grace. Moving the due time later
 * costs nothing: the pending timer, when it fires early, is set again for the rest. A setTimeout
 * and a clearTimeout per invoke cost ~6 µs of host CPU on Node and ~10 µs on Deno (whose npm code
 * gets Node's timers), measured by `npm run bench -- --profile`.
 */
export class MovingTimer {
  readonly #due: () => void;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** When the pending timer fires, and when the action is due (`performance.now()` times). */
  #firesAt = 0;
  #dueAt = 0;

  constructor(due: () => void) {
    this.#due = due;
  }

  /** The action is due at `at` (a finite `performance.now()` time), instead of when it was. */
  set(at: number): void {
    this.#dueAt = at;
    // A pending timer that fires no later than `at` serves: it sets itself again for the rest.
    if (this.#timer !== undefined && this.#firesAt <= at) return;
    clearTimeout(this.#timer);
    this.#arm(at);
  }

  /** Nothing is due. */
  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(at: number): void {
    this.#firesAt = at;
    this.#timer = setTimeout(() => this.#fire(), Math.max(0, Math.ceil(at - performance.now())));
  }

  #fire(): void {
    this.#timer = undefined;
    if (this.#dueAt > performance.now()) this.#arm(this.#dueAt);
    else this.#due();
  }
}

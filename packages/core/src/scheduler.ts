/**
 * Per function: which environment runs which invocation. An invocation goes to an idle
 * environment, else waits in a bounded queue while a new environment starts (up to
 * `concurrency`); past the queue's bound the caller is throttled (429). Warm environments are
 * reused, and stopped after the idle timeout.
 */
import { tooManyRequests } from "@lambkin/protocol";
import type { ResolvedFunction } from "./config.ts";
import { Environment, type EnvironmentContext } from "./environment.ts";
import type { FunctionError, Invocation } from "./invocation.ts";

/** How long an invocation waits for a finishing environment before a new one is started for it. */
const FINISHING_GRACE_MS = 20;

export class FunctionScheduler {
  readonly fn: ResolvedFunction;
  readonly #ctx: EnvironmentContext;
  readonly #environments = new Set<Environment>();
  /** Idle environments, most recently idle last (reused first: its caches are warmest). */
  readonly #idle: Environment[] = [];
  /** Invocations waiting for an environment, oldest first. */
  readonly #queue: Invocation[] = [];
  /** Environments started and not yet ready. */
  #starting = 0;
  #reaper: ReturnType<typeof setInterval> | undefined;
  #regrow: ReturnType<typeof setTimeout> | undefined;
  #closed = false;

  constructor(fn: ResolvedFunction, ctx: EnvironmentContext) {
    this.fn = fn;
    this.#ctx = ctx;
  }

  /** Environments alive now, by state (for `list` and tests). */
  get stats(): { environments: number; idle: number; busy: number; starting: number; queued: number } {
    return {
      environments: this.#environments.size,
      idle: this.#idle.length,
      busy: this.#environments.size - this.#idle.length - this.#starting,
      starting: this.#starting,
      queued: this.#queue.length,
    };
  }

  /** PIDs of the runtime processes (tests check that none outlives shutdown). */
  get pids(): number[] {
    return [...this.#environments].flatMap((env) => (env.pid === undefined ? [] : [env.pid]));
  }

  /**
   * Runs `invocation` as soon as an environment can take it. Throws `TooManyRequestsException`
   * when the queue is full; otherwise the outcome arrives through `invocation.outcome`.
   */
  submit(invocation: Invocation): void {
    if (this.#closed) throw new Error(`function ${this.fn.name} is shutting down`);
    for (let env = this.#idle.pop(); env; env = this.#idle.pop()) {
      // An environment may be on its way out (its runtime hung up) before it leaves the list.
      if (env.state === "idle") {
        env.dispatch(invocation);
        return;
      }
    }
    // Concurrency counts invocations in flight, as on Lambda: an environment that has answered
    // and is about to call `next` is no longer running one, so it takes this invocation rather
    // than a caller who waited for the last answer being throttled.
    if (
      this.#queue.length - this.#starting - this.#finishingCount() >= this.fn.queueSize &&
      this.#environments.size >= this.fn.concurrency
    ) {
      throw tooManyRequests();
    }
    this.#queue.push(invocation);
    this.#grow();
  }

  /** Environments whose runtime has answered and is about to call `next`. */
  #finishingCount(): number {
    let finishing = 0;
    for (const env of this.#environments) if (env.finishing) finishing++;
    return finishing;
  }

  /**
   * Starts environments while invocations wait for one and the concurrency allows. An environment
   * whose runtime has answered and is about to call `next` counts as capacity for a moment: a
   * caller sending invokes one after another should reuse the warm process, not start a new one
   * each time its next invoke overtakes the runtime's `next`.
   */
  #grow(countFinishing = true): void {
    let finishing = 0;
    if (countFinishing && this.#queue.length > this.#starting) {
      finishing = this.#finishingCount();
      if (finishing > 0) {
        clearTimeout(this.#regrow);
        this.#regrow = setTimeout(() => this.#grow(false), FINISHING_GRACE_MS);
      }
    }
    while (this.#queue.length > this.#starting + finishing && this.#environments.size < this.fn.concurrency) {
      const env = new Environment(this.fn, this.#ctx, {
        onIdle: (e, initialized) => this.#onIdle(e, initialized),
        onStopped: (e, initFailure) => this.#onStopped(e, initFailure),
      });
      this.#environments.add(env);
      this.#starting++;
      env.start().catch((error: unknown) => {
        this.#ctx.log({
          time: Date.now(),
          functionName: this.fn.name,
          requestId: undefined,
          stream: "platform",
          line: `Could not start an environment: ${error instanceof Error ? error.message : String(error)}`,
        });
        void env.stop();
      });
    }
    this.#startReaper();
  }

  #onIdle(env: Environment, initialized: boolean): void {
    if (initialized) this.#starting--;
    const next = this.#queue.shift();
    if (next) {
      env.dispatch(next);
      return;
    }
    this.#idle.push(env);
  }

  #onStopped(env: Environment, initFailure?: (requestId: string) => FunctionError): void {
    if (!this.#environments.delete(env)) return;
    const at = this.#idle.indexOf(env);
    if (at >= 0) this.#idle.splice(at, 1);
    if (initFailure) {
      this.#starting--;
      // The invocation that was waiting for this environment gets its init failure, as on Lambda.
      const waiting = this.#queue.shift();
      if (waiting) env.failWaiting(waiting, initFailure(waiting.requestId));
    }
    if (!this.#closed) this.#grow();
  }

  /** Stops environments idle for longer than the idle timeout. */
  #startReaper(): void {
    if (this.#reaper) return;
    const idleTimeoutMs = this.#ctx.config.idleTimeoutMs;
    this.#reaper = setInterval(
      () => {
        const cutoff = performance.now() - idleTimeoutMs;
        for (const env of [...this.#idle]) {
          if (env.idleSince < cutoff) {
            this.#idle.splice(this.#idle.indexOf(env), 1);
            void env.stop();
          }
        }
      },
      Math.min(idleTimeoutMs, 5000),
    );
    // The reaper alone must not keep the host process alive (Node, Bun and Deno all offer unref).
    (this.#reaper as { unref?: () => void }).unref?.();
  }

  /** Stops every environment; answers every waiting invocation with `failure`. */
  async close(failure: (requestId: string) => FunctionError): Promise<void> {
    this.#closed = true;
    clearInterval(this.#reaper);
    clearTimeout(this.#regrow);
    for (const invocation of this.#queue.splice(0)) {
      invocation.settle({ kind: "error", ...failure(invocation.requestId) });
      invocation.markReported();
    }
    const stopping = [...this.#environments].map((env) => env.stop());
    this.#idle.length = 0;
    await Promise.all(stopping);
  }
}

/**
 * Per function: which environment runs which invocation. An invocation goes to an idle
 * environment, else waits in a bounded queue while a new environment starts (up to
 * `concurrency`); past the queue's bound the caller is throttled (429). Warm environments are
 * reused, and stopped after the idle timeout.
 *
 * Environments belong to a generation. `recycle` starts a new one: environments of older
 * generations take no more invocations (idle ones stop at once, busy ones when they finish), so
 * every invocation submitted after the call runs on a new environment.
 */
import { tooManyRequests } from "@lambkin/protocol";
import type { ResolvedFunction } from "./config.ts";
import {
  Environment,
  type EnvironmentContext,
  type EnvironmentEvents,
  type EnvironmentState,
  type InitFailure,
} from "./environment/environment.ts";
import type { StopReason } from "./events.ts";
import type { FunctionError, Invocation } from "./invocation.ts";
import { platformLine } from "./logs.ts";
import { MovingTimer } from "./moving-timer.ts";

/** What the scheduler needs of an environment (environment.ts; a fake one in the unit tests). */
export interface SchedulableEnvironment {
  readonly generation: number;
  readonly state: EnvironmentState;
  readonly pid: number | undefined;
  /** Busy, but the runtime has answered: it is about to call `next`. */
  readonly finishing: boolean;
  /** performance.now() when it last became idle. */
  readonly idleSince: number;
  prewarmed: boolean;
  start(): Promise<void>;
  dispatch(invocation: Invocation): void;
  failWaiting(invocation: Invocation, failure: FunctionError): void;
  stop(reason: StopReason, detail?: string): Promise<void>;
}

/** Builds an environment of `generation` that reports its life to `events`. */
export type EnvironmentFactory = (
  fn: ResolvedFunction,
  ctx: EnvironmentContext,
  events: EnvironmentEvents<SchedulableEnvironment>,
  generation: number,
) => SchedulableEnvironment;

const realEnvironment: EnvironmentFactory = (fn, ctx, events, generation) =>
  new Environment(fn, ctx, events as EnvironmentEvents, generation);

/** How long an invocation waits for a finishing environment before a new one is started for it. */
const FINISHING_GRACE_MS = 20;

export class FunctionScheduler {
  #fn: ResolvedFunction;
  readonly #ctx: EnvironmentContext;
  /** Environments that count toward the concurrency: starting, idle or busy. */
  readonly #environments = new Set<SchedulableEnvironment>();
  /** Environments being stopped after they left the pool (recycled, reaped): only their pids matter. */
  readonly #draining = new Set<SchedulableEnvironment>();
  /** Idle environments of the current generation, most recently idle last (reused first: its caches are warmest). */
  readonly #idle: SchedulableEnvironment[] = [];
  /** Invocations waiting for an environment, oldest first. */
  readonly #queue: Invocation[] = [];
  /** Environments started and not yet ready. */
  #starting = 0;
  #generation = 1;
  /** Why the current generation replaced the previous one (told to environments that leave for it). */
  #recycleReason = "";
  #reaper: ReturnType<typeof setInterval> | undefined;
  /** Looks again once the latest wait for a finishing environment has had its grace. */
  readonly #regrow = new MovingTimer(() => this.#grow(false));
  /** Waiters of `recycle(…, { prewarm: true })`, by the environment warming up for them. */
  readonly #warming = new Map<SchedulableEnvironment, Array<() => void>>();
  /** Refuses new invocations (lambkin is closing, or the function was removed). */
  #closed = false;

  readonly #create: EnvironmentFactory;

  constructor(fn: ResolvedFunction, ctx: EnvironmentContext, create: EnvironmentFactory = realEnvironment) {
    this.#fn = fn;
    this.#ctx = ctx;
    this.#create = create;
  }

  get fn(): ResolvedFunction {
    return this.#fn;
  }

  /** The current generation: environments started from now on belong to it. */
  get generation(): number {
    return this.#generation;
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

  /** PIDs of the runtime processes, those being stopped included (tests check that none outlives shutdown). */
  get pids(): number[] {
    const pids: number[] = [];
    for (const set of [this.#environments, this.#draining])
      for (const env of set) if (env.pid !== undefined) pids.push(env.pid);
    return pids;
  }

  /**
   * Runs `invocation` as soon as an environment can take it. Throws `TooManyRequestsException`
   * when the queue is full; otherwise the outcome arrives through `invocation.outcome`.
   */
  submit(invocation: Invocation): void {
    if (this.#closed) throw new Error(`function ${this.#fn.name} is shutting down`);
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
      this.#queue.length - this.#starting - this.#finishingCount() >= this.#fn.queueSize &&
      this.#environments.size >= this.#fn.concurrency
    ) {
      const events = this.#ctx.events;
      if (events.active) {
        events.emit({
          type: "invocation.throttled",
          time: Date.now(),
          functionName: this.#fn.name,
          requestId: invocation.requestId,
        });
      }
      throw tooManyRequests();
    }
    this.#queue.push(invocation);
    const events = this.#ctx.events;
    if (events.active) {
      events.emit({
        type: "invocation.queued",
        time: Date.now(),
        functionName: this.#fn.name,
        requestId: invocation.requestId,
        queueLength: this.#queue.length,
      });
    }
    this.#grow();
  }

  /**
   * Replaces the function's environments: a new generation starts, idle environments stop now,
   * busy ones stop once they finish their invocation, environments still starting are given up.
   * Invocations submitted from now on (and those waiting in the queue) run on new environments.
   * `fn` replaces the function's settings for the new generation. With `prewarm`, one environment
   * of the new generation starts at once; the promise resolves when it is ready or its init failed.
   */
  recycle(reason: string, options: { prewarm?: boolean; fn?: ResolvedFunction } = {}): Promise<void> {
    if (options.fn) this.#fn = options.fn;
    this.#generation++;
    this.#recycleReason = reason;
    for (const env of [...this.#environments]) {
      if (env.state === "starting") this.#retire(env, reason);
    }
    for (const env of this.#idle.splice(0)) this.#retire(env, reason);
    // Busy environments of the old generation are retired when they next become idle (#onIdle).
    if (this.#closed) return Promise.resolve();
    this.#grow();
    return options.prewarm ? this.#prewarm() : Promise.resolve();
  }

  /** Takes `env` out of the pool and stops it. */
  #retire(env: SchedulableEnvironment, reason: string): void {
    if (!this.#environments.delete(env)) return;
    if (env.state === "starting") this.#starting--;
    const at = this.#idle.indexOf(env);
    if (at >= 0) this.#idle.splice(at, 1);
    this.#draining.add(env);
    void env.stop("recycled", reason);
  }

  /** Starts one environment of the current generation unless one is already there; resolves when it is ready or failed. */
  #prewarm(): Promise<void> {
    let current: SchedulableEnvironment | undefined;
    for (const env of this.#environments) {
      if (env.generation === this.#generation && env.state !== "stopped") current = env;
    }
    if (current && current.state !== "starting") return Promise.resolve();
    if (!current) {
      if (this.#environments.size >= this.#fn.concurrency) return Promise.resolve();
      current = this.#startEnvironment();
      current.prewarmed = true;
    }
    const env = current;
    return new Promise((resolve) => {
      const waiters = this.#warming.get(env);
      if (waiters) waiters.push(resolve);
      else this.#warming.set(env, [resolve]);
    });
  }

  #warmed(env: SchedulableEnvironment): void {
    const waiters = this.#warming.get(env);
    if (!waiters) return;
    this.#warming.delete(env);
    for (const resolve of waiters) resolve();
  }

  /**
   * Takes the function out of service (it was removed from the config): no new invocations; the
   * queued ones still run, then every environment stops.
   */
  retire(reason: string): Promise<void> {
    this.#closed = true;
    this.#regrow.cancel();
    clearInterval(this.#reaper);
    const stopping: Promise<void>[] = [];
    for (const env of this.#idle.splice(0)) this.#retire(env, reason);
    if (this.#queue.length > 0) this.#grow();
    for (const env of this.#draining) stopping.push(env.stop("recycled", reason));
    return Promise.all(stopping).then(() => {});
  }

  /**
   * Looks again (starting environments if invocations still wait) FINISHING_GRACE_MS after the
   * latest invocation that waited for a finishing environment. A caller sending invokes one after
   * another waits like this on nearly every invoke: one MovingTimer serves them all.
   */
  #regrowAfterGrace(): void {
    this.#regrow.set(performance.now() + FINISHING_GRACE_MS);
  }

  /** Environments whose runtime has answered and is about to call `next`, of the current generation. */
  #finishingCount(): number {
    let finishing = 0;
    for (const env of this.#environments)
      if (env.finishing && env.generation === this.#generation) finishing++;
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
      if (finishing > 0) this.#regrowAfterGrace();
    }
    while (
      this.#queue.length > this.#starting + finishing &&
      this.#environments.size < this.#fn.concurrency
    ) {
      this.#startEnvironment();
    }
  }

  #startEnvironment(): SchedulableEnvironment {
    const env = this.#create(
      this.#fn,
      this.#ctx,
      {
        onIdle: (e, initialized) => this.#onIdle(e, initialized),
        onStopped: (e, initFailure) => this.#onStopped(e, initFailure),
      },
      this.#generation,
    );
    this.#environments.add(env);
    this.#starting++;
    env.start().catch((error: unknown) => {
      platformLine(
        this.#ctx.log,
        this.#fn.name,
        undefined,
        `Could not start an environment: ${error instanceof Error ? error.message : String(error)}`,
      );
      void env.stop("init-failed");
    });
    this.#startReaper();
    return env;
  }

  #onIdle(env: SchedulableEnvironment, initialized: boolean): void {
    if (!this.#environments.has(env)) return;
    if (initialized) {
      this.#starting--;
      this.#warmed(env);
    }
    if (env.generation !== this.#generation) {
      // Finished its last invocation for an older generation: it leaves, and its place may
      // start an environment of the current one for what waits.
      this.#retire(env, this.#recycleReason);
      this.#grow();
      return;
    }
    const next = this.#queue.shift();
    if (next) {
      // A caller waited for this init: its REPORT shows the cold start.
      env.prewarmed = false;
      env.dispatch(next);
      return;
    }
    if (this.#closed) {
      this.#retire(env, "function removed");
      return;
    }
    this.#idle.push(env);
  }

  #onStopped(env: SchedulableEnvironment, initFailure?: InitFailure): void {
    this.#warmed(env);
    if (this.#draining.delete(env)) return;
    if (!this.#environments.delete(env)) return;
    const at = this.#idle.indexOf(env);
    if (at >= 0) this.#idle.splice(at, 1);
    if (initFailure) {
      this.#starting--;
      // The invocation that was waiting for this environment gets its init failure, as on Lambda.
      const waiting = this.#queue.shift();
      if (waiting) env.failWaiting(waiting, initFailure.failure(waiting.requestId));
    }
    if (!this.#closed || this.#queue.length > 0) this.#grow();
  }

  /** Stops environments idle for longer than the idle timeout (`config.idleTimeoutMs`, read when it starts). */
  #startReaper(): void {
    if (this.#reaper || this.#closed) return;
    const idleTimeoutMs = this.#ctx.config.idleTimeoutMs;
    this.#reaper = setInterval(
      () => {
        const cutoff = performance.now() - idleTimeoutMs;
        for (const env of [...this.#idle]) {
          if (env.idleSince < cutoff) {
            this.#idle.splice(this.#idle.indexOf(env), 1);
            this.#environments.delete(env);
            this.#draining.add(env);
            void env.stop("idle");
          }
        }
      },
      Math.min(idleTimeoutMs, 5000),
    );
    // The reaper alone must not keep the host process alive (Node, Bun and Deno all offer unref).
    (this.#reaper as { unref?: () => void }).unref?.();
  }

  /** Restarts the idle reaper, for a changed idle timeout. */
  resetReaper(): void {
    clearInterval(this.#reaper);
    this.#reaper = undefined;
    if (this.#environments.size > 0) this.#startReaper();
  }

  /** Stops every environment; answers every waiting invocation with `failure`. */
  async close(failure: (requestId: string) => FunctionError): Promise<void> {
    this.#closed = true;
    clearInterval(this.#reaper);
    this.#regrow.cancel();
    for (const invocation of this.#queue.splice(0)) {
      invocation.settle({ kind: "error", ...failure(invocation.requestId) });
      invocation.markReported();
    }
    const stopping = [...this.#environments, ...this.#draining].map((env) => env.stop("shutdown"));
    this.#idle.length = 0;
    await Promise.all(stopping);
  }
}

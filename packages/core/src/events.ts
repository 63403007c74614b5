/**
 * What happens inside lambkin, as typed events: environments starting, becoming ready, failing
 * their init and stopping; invocations queued, started, logging, finished, throttled and retried.
 * `lambkin.subscribe(listener)` hands every event to the listener (a dashboard, a file watcher
 * waiting for a reload, a test). Events are emitted synchronously, in order; a listener must
 * not block, and one that throws is reported on stderr and does not disturb the others.
 */

interface Base {
  /** Epoch ms. */
  time: number;
  functionName: string;
}

interface EnvironmentBase extends Base {
  /** Unique in this lambkin process. */
  environmentId: number;
  /** The function's generation the environment belongs to: `recycle` starts a new one. */
  generation: number;
}

interface InvocationBase extends Base {
  requestId: string;
}

/** Why an environment stopped. */
export type StopReason =
  /** Idle longer than the idle timeout. */
  | "idle"
  /** Replaced by a newer generation (`recycle`, `update`), or its function was removed. */
  | "recycled"
  /** Its init failed (init error, exit, timeout, invalid entrypoint). */
  | "init-failed"
  /** Killed at an invocation's deadline. */
  | "timeout"
  /** The runtime process exited on its own after init. */
  | "exited"
  /** lambkin is closing. */
  | "shutdown";

export interface EnvironmentStarted extends EnvironmentBase {
  type: "environment.started";
  /** The runtime process's pid (undefined when it could not be started at all). */
  pid: number | undefined;
}

export interface EnvironmentReady extends EnvironmentBase {
  type: "environment.ready";
  /** From the process's start to its first call to `next`. */
  initDurationMs: number;
}

export interface EnvironmentInitFailed extends EnvironmentBase {
  type: "environment.init-failed";
  errorType: string;
  errorMessage: string;
}

export interface EnvironmentStopped extends EnvironmentBase {
  type: "environment.stopped";
  reason: StopReason;
  /** The recycle reason when `reason` is `recycled` (e.g. the file that changed). */
  detail?: string;
}

export interface InvocationQueued extends InvocationBase {
  type: "invocation.queued";
  /** Invocations waiting for an environment, this one included. */
  queueLength: number;
}

export interface InvocationStarted extends InvocationBase {
  type: "invocation.started";
  environmentId: number;
  generation: number;
}

export interface InvocationLog extends Base {
  type: "invocation.log";
  /** The invocation in flight when the line was written; undefined for lines written during init. */
  requestId: string | undefined;
  environmentId: number;
  /** `platform` for lambkin's own START/END/REPORT and lifecycle lines. */
  stream: "stdout" | "stderr" | "platform";
  line: string;
}

export interface InvocationFinished extends InvocationBase {
  type: "invocation.finished";
  environmentId: number;
  generation: number;
  outcome: "success" | "error" | "timeout" | "crash";
  durationMs: number;
  /** Set on a cold start (the environment's first invocation). */
  initDurationMs?: number;
  /** The environment's peak memory as REPORT shows it (undefined when not measured). */
  maxMemoryMB?: number;
  /** The error type for `error`, `timeout` and `crash`. */
  errorType?: string;
}

export interface InvocationThrottled extends InvocationBase {
  type: "invocation.throttled";
}

export interface InvocationRetry extends InvocationBase {
  type: "invocation.retry";
  /** The attempt about to be made: 2 for the first retry. */
  attempt: number;
  /** Why: the function failed, or it was throttled. */
  cause: "error" | "throttled";
  delayMs: number;
}

export type LambkinEvent =
  | EnvironmentStarted
  | EnvironmentReady
  | EnvironmentInitFailed
  | EnvironmentStopped
  | InvocationQueued
  | InvocationStarted
  | InvocationLog
  | InvocationFinished
  | InvocationThrottled
  | InvocationRetry;

export type LambkinEventListener = (event: LambkinEvent) => void;

/**
 * The listeners of one lambkin. Emitters check `active` before they build an event, so with
 * nobody subscribed the hot path allocates nothing for events.
 */
export class EventBus {
  #listeners: LambkinEventListener[] = [];

  get active(): boolean {
    return this.#listeners.length > 0;
  }

  subscribe(listener: LambkinEventListener): () => void {
    // Copy on write: a listener that unsubscribes during emit does not disturb the loop.
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  emit(event: LambkinEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener(event);
      } catch (error) {
        // A broken listener must not break the invocation that emitted the event.
        console.error(`lambkin: an event listener failed on ${event.type}:`, error);
      }
    }
  }
}

// A fake environment for unit tests of the scheduler and the invoke service: the test plays the
// runtime by hand (`next`, `answer`, `stop`). Not part of the package (nothing imports it but tests).
import type { ResolvedConfig, ResolvedFunction } from "./config.ts";
import type { EnvironmentContext, EnvironmentEvents, EnvironmentState } from "./environment/environment.ts";
import { exitError } from "./environment/failures.ts";
import { EventBus, type LambkinEvent, type StopReason } from "./events.ts";
import type { FunctionError, Invocation } from "./invocation.ts";
import { FunctionScheduler, type SchedulableEnvironment } from "./scheduler.ts";

let nextPid = 1000;

export class FakeEnvironment implements SchedulableEnvironment {
  state: EnvironmentState = "starting";
  prewarmed = false;
  idleSince = 0;
  readonly pid = nextPid++;
  current: Invocation | undefined;
  /** Every invocation dispatched to it, in order. */
  readonly seen: Invocation[] = [];
  stopped: { reason: StopReason; detail?: string } | undefined;
  #answered = false;

  constructor(
    readonly generation: number,
    readonly events: EnvironmentEvents<SchedulableEnvironment>,
  ) {}

  get finishing(): boolean {
    return this.state === "busy" && this.#answered;
  }

  async start(): Promise<void> {}

  dispatch(invocation: Invocation): void {
    if (this.state !== "idle") throw new Error(`dispatch while ${this.state}`);
    this.state = "busy";
    this.current = invocation;
    this.seen.push(invocation);
    this.#answered = false;
  }

  failWaiting(invocation: Invocation, failure: FunctionError): void {
    invocation.settle({ kind: "error", ...failure });
  }

  async stop(reason: StopReason, detail?: string): Promise<void> {
    if (this.stopped) return;
    const initFailed = this.state === "starting" && reason === "init-failed";
    this.stopped = { reason, detail };
    this.state = "stopped";
    this.events.onStopped(
      this,
      initFailed
        ? {
            errorType: "Runtime.ExitError",
            errorMessage: "exit 1",
            failure: (id) => exitError(id, { code: 1, signal: null }),
          }
        : undefined,
    );
  }

  // --- what the runtime does ---

  /** The runtime calls `next` (its first: init done). */
  next(): void {
    const initialized = this.state === "starting";
    this.state = "idle";
    this.current = undefined;
    this.events.onIdle(this, initialized);
  }

  /** The runtime posts an error (`/error`) with this JSON body. */
  fail(json: string): void {
    this.#answered = true;
    const errorType = (JSON.parse(json) as { errorType: string }).errorType;
    this.current?.settle({ kind: "error", errorType, body: new TextEncoder().encode(json) });
  }

  /** The runtime posts its answer: the caller has it, `next` comes later. */
  answer(text = "ok"): void {
    this.#answered = true;
    this.current?.settle({
      kind: "response",
      body: new TextEncoder().encode(text),
      contentType: "application/json",
    });
  }
}

export const fakeFunction = (overrides: Partial<ResolvedFunction> = {}): ResolvedFunction =>
  ({
    name: "f",
    runtime: "provided",
    concurrency: 2,
    queueSize: 2,
    timeout: 3,
    ...overrides,
  }) as ResolvedFunction;

export function fakeScheduler(overrides: Partial<ResolvedFunction> = {}) {
  const created: FakeEnvironment[] = [];
  const events = new EventBus();
  const seen: LambkinEvent[] = [];
  events.subscribe((e) => seen.push(e));
  const ctx = {
    config: { idleTimeoutMs: 60_000 } as ResolvedConfig,
    log: () => {},
    events,
  } as unknown as EnvironmentContext;
  const scheduler = new FunctionScheduler(
    fakeFunction(overrides),
    ctx,
    (_fn, _ctx, envEvents, generation) => {
      const env = new FakeEnvironment(generation, envEvents);
      created.push(env);
      return env;
    },
  );
  return { scheduler, created, seen };
}

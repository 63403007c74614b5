/**
 * An environment's two clocks: init (spawn → the runtime's first `next`, INIT_TIMEOUT_MS) and the
 * current invocation's deadline. Both wait while a debugger is connected to the runtime's
 * inspector: a runtime paused at a breakpoint is not late.
 */
import { INIT_TIMEOUT_MS } from "@lambkin/protocol";
import { ATTACHED_RECHECK_MS, type Inspector } from "../inspector.ts";
import type { Invocation } from "../invocation.ts";
import { MovingTimer } from "../moving-timer.ts";
import type { EnvironmentState } from "./context.ts";

/** What the clocks read of their environment, and what they call when time is up. */
export interface ClockedEnvironment {
  state(): EnvironmentState;
  /** The invocation the runtime is working on, while its clock runs (not once it has finished). */
  running(): Invocation | undefined;
  inspector(): Inspector | undefined;
  line(text: string): void;
  onInitTimeout(): void;
  onTimeout(invocation: Invocation): void;
}

export class Clocks {
  readonly #env: ClockedEnvironment;
  #init: ReturnType<typeof setTimeout> | undefined;
  /** Due at the running invocation's deadline; it outlives the invocation (see invocationStarted). */
  readonly #deadline = new MovingTimer(() => this.#deadlineDue(false));
  /** Looks again while a debugger holds the deadline back. */
  #recheck: ReturnType<typeof setTimeout> | undefined;

  constructor(env: ClockedEnvironment) {
    this.#env = env;
  }

  startInit(): void {
    this.#init = setTimeout(() => this.#initDue(false), INIT_TIMEOUT_MS);
  }

  initDone(): void {
    clearTimeout(this.#init);
  }

  /**
   * An invocation has started: the deadline is its `deadlineAt`. The timer is left running when
   * an invocation ends; invocations here run one after another with the same timeout, so each
   * moves the deadline later and a warm invoke costs no timer at all (MovingTimer).
   */
  invocationStarted(deadlineAt: number): void {
    // A debugger's re-check of an earlier invocation is over: this one has its own deadline.
    if (this.#recheck !== undefined) {
      clearTimeout(this.#recheck);
      this.#recheck = undefined;
    }
    this.#deadline.set(deadlineAt);
  }

  stop(): void {
    clearTimeout(this.#init);
    clearTimeout(this.#recheck);
    this.#deadline.cancel();
  }

  #initDue(announced: boolean): void {
    this.#unlessDebugged("init", () => this.#env.onInitTimeout(), announced);
  }

  #deadlineDue(announced: boolean): void {
    const invocation = this.#env.running();
    // Idle, or answered and on its way to `next`: nothing is due (the next invocation sets it).
    if (invocation === undefined) return;
    this.#unlessDebugged(invocation, () => this.#env.onTimeout(invocation), announced);
  }

  /**
   * Runs a timeout's action, unless a debugger is connected to the environment's inspector. The
   * timeout then looks again every half second.
   */
  #unlessDebugged(of: "init" | Invocation, timeout: () => void, announced: boolean): void {
    const inspector = this.#env.inspector();
    if (!inspector) {
      timeout();
      return;
    }
    const due = () => (of === "init" ? this.#env.state() === "starting" : this.#env.running() === of);
    void inspector.attached().then((attached) => {
      if (!due()) return;
      if (!attached) {
        timeout();
        return;
      }
      if (!announced) this.#env.line("Debugger connected: the timeout waits until it disconnects");
      if (of === "init") {
        this.#init = setTimeout(() => this.#initDue(true), ATTACHED_RECHECK_MS);
        return;
      }
      // An answer that comes while the timeout waits is not late (the environment's #lateAnswer).
      of.deadlineAt = Number.POSITIVE_INFINITY;
      this.#recheck = setTimeout(() => {
        this.#recheck = undefined;
        this.#deadlineDue(true);
      }, ATTACHED_RECHECK_MS);
    });
  }
}

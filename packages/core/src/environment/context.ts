/**
 * What an environment needs from the emulator around it, and how it tells its scheduler about its
 * life: the seams between environment.ts and scheduler.ts (and the fakes of the unit tests).
 */
import type { ResolvedConfig } from "../config.ts";
import type { EngineCommands } from "../engines.ts";
import type { EventBus } from "../events.ts";
import type { LogSink } from "../logs.ts";
import type { Platform } from "../platform.ts";
import type { Watchdog } from "../watchdog.ts";
import type { Environment } from "./environment.ts";
import type { InitFailure } from "./failures.ts";

export type EnvironmentState = "starting" | "idle" | "busy" | "stopped";

/** Everything an environment needs from the emulator around it. */
export interface EnvironmentContext {
  platform: Platform;
  config: ResolvedConfig;
  engines: EngineCommands;
  log: LogSink;
  events: EventBus;
  /** Kills runtimes' process groups if lambkin dies without stopping them (watchdog.ts). */
  watchdog?: Watchdog;
}

/** How an environment tells its scheduler about its life. */
export interface EnvironmentEvents<E = Environment> {
  /** The runtime is waiting in `next`: it can take an invocation now. `initialized`: for the first time. */
  onIdle(env: E, initialized: boolean): void;
  /**
   * The environment is gone. `initFailure` is set when it never became ready (init error, exit or
   * timeout during init): it builds the error body for the invocation that was waiting for it.
   */
  onStopped(env: E, initFailure?: InitFailure): void;
}

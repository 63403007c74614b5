/**
 * One execution environment: a runtime process plus its own Runtime API listener on an ephemeral
 * 127.0.0.1 port (every real client honours `host:port`, not every one a path prefix).
 *
 *   starting ──first next──▶ idle ◀──next── busy
 *      │                      │  ──dispatch──▶ │
 *      └──── exit / init error / init timeout / timeout / crash / stop ──▶ stopped
 *
 * The environment answers an invocation's caller as soon as the runtime posts its result; the
 * invocation counts as finished for the environment only when the runtime calls `next` again.
 */
import {
  H_CLIENT_CONTEXT,
  H_COGNITO_IDENTITY,
  H_DEADLINE_MS,
  H_FUNCTION_ARN,
  H_REQUEST_ID,
  H_TENANT_ID,
  H_TRACE_ID,
  INIT_TIMEOUT_MS,
  MAX_RESPONSE_BYTES,
  newLogStreamName,
  SHUTDOWN_GRACE_MS,
} from "@lambkin/protocol";
import { readBody } from "../body.ts";
import type { ResolvedFunction } from "../config.ts";
import type { StopReason } from "../events.ts";
import { Inspector } from "../inspector.ts";
import type { FunctionError, Invocation, Outcome } from "../invocation.ts";
import { readLines } from "../logs.ts";
import type { Child, ExitStatus, RequestInfo, Server } from "../platform.ts";
import { entrypointProblem, functionArnOf, runtimeArgv, runtimeEnvironment } from "../runtimes.ts";
import { sandboxed } from "../sandbox.ts";
import { Clocks } from "./clocks.ts";
import type { EnvironmentContext, EnvironmentEvents, EnvironmentState } from "./context.ts";
import {
  describeExit,
  exitError,
  exitedDuringInit,
  type InitFailure,
  initErrorPosted,
  initTimedOut,
  invalidEntrypoint,
  postedError,
  responseTooLarge,
  timedOut,
} from "./failures.ts";
import { Reporter } from "./reporting.ts";
import {
  accepted,
  createRuntimeApi,
  entityTooLarge,
  invalidRequestId,
  invalidStateTransition,
  invokeTimedOut,
  type RuntimeApiHost,
} from "./runtime-api.ts";
import { relayStream } from "./stream-relay.ts";

export type { EnvironmentContext, EnvironmentEvents, EnvironmentState } from "./context.ts";
export type { InitFailure } from "./failures.ts";

let environmentCounter = 0;
export class Environment implements RuntimeApiHost {
  /** Removes what the sandbox left on the host (sandbox.ts). */
  #sandboxCleanup: (() => Promise<void>) | undefined;
  readonly id = ++environmentCounter;
  /** The function's generation this environment runs (see FunctionScheduler.recycle). */
  readonly generation: number;
  state: EnvironmentState = "starting";
  /** The invocation the runtime is working on (from dispatch until its next `next`). */
  current: Invocation | undefined;
  /** performance.now() when the environment last became idle (for idle reaping). */
  idleSince = 0;
  /**
   * Started ahead of demand (`recycle` with prewarm): no caller waited for its init, so its first
   * invocation is warm and its REPORT has no Init Duration (the `environment.ready` event has it).
   */
  prewarmed = false;

  readonly #fn: ResolvedFunction;
  readonly #ctx: EnvironmentContext;
  readonly #events: EnvironmentEvents;
  readonly #arn: string;
  readonly #logStreamName = newLogStreamName();
  #server: Server | undefined;
  #child: Child | undefined;
  #pendingNext: ((response: Response) => void) | undefined;
  /** The runtime has posted its answer for `current`. */
  #answered = false;
  #spawnedAt = 0;
  /** Init Duration, reported with the first invocation only (a cold start). */
  #initDurationMs: number | undefined;
  #coldStart = true;
  #initFailure: InitFailure | undefined;
  readonly #clocks = new Clocks({
    state: () => this.state,
    running: () => {
      const invocation = this.current;
      return this.state === "busy" && invocation !== this.#lastFinished ? invocation : undefined;
    },
    inspector: () => this.#inspector,
    line: (text) => this.#platformLine(text),
    onInitTimeout: () => this.#onInitTimeout(),
    onTimeout: (invocation) => this.#onTimeout(invocation),
  });
  /** The runtime's inspector, when the function is debugged (`inspect`). */
  #inspector: Inspector | undefined;
  /** Fails the stream in flight when the environment dies under it. */
  #abortStream: ((error: FunctionError) => void) | undefined;
  #stopping: Promise<void> | undefined;
  /** The last invocation #finish ended: its REPORT comes before the environment's `stopped` event. */
  #lastFinished: Invocation | undefined;
  readonly #reporter: Reporter;

  constructor(fn: ResolvedFunction, ctx: EnvironmentContext, events: EnvironmentEvents, generation = 1) {
    this.generation = generation;
    this.#fn = fn;
    this.#ctx = ctx;
    this.#events = events;
    this.#arn = functionArnOf(fn.name, ctx.config);
    this.#reporter = new Reporter(fn, ctx, this.id, generation);
  }

  /** Busy, but the runtime has answered: it is about to call `next` and take more work. */
  get finishing(): boolean {
    return this.state === "busy" && this.#answered;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Opens the Runtime API listener and starts the runtime process. */
  async start(): Promise<void> {
    const { platform, config, engines } = this.#ctx;
    this.#server = await platform.serve(createRuntimeApi(this), {
      hostname: "127.0.0.1",
      port: 0,
      trailers: true,
    });
    if (this.state === "stopped") {
      await this.#server.close();
      return;
    }
    const runtimeApi = `127.0.0.1:${this.#server.port}`;
    let argv = runtimeArgv(this.#fn, engines);
    if (this.#fn.inspect && this.#fn.runtime !== "provided") {
      this.#inspector = await Inspector.open(platform, this.#fn.runtime);
      argv = this.#inspector.argv(argv);
      this.#platformLine(
        `Debugger: environment ${this.id} of ${this.#fn.name} listens on ${this.#inspector.where}; its timeout waits while a debugger is connected`,
      );
    }
    const problem =
      this.#fn.runtime === "provided"
        ? await entrypointProblem(platform, argv[0]!, this.#fn.codeDir)
        : undefined;
    if (problem) {
      this.#reporter.started(undefined);
      this.#platformLine(`Runtime.InvalidEntrypoint: ${problem}`);
      this.#initFailure = invalidEntrypoint(problem);
      void this.stop("init-failed");
      return;
    }
    this.#spawnedAt = performance.now();
    const plainEnv = runtimeEnvironment(this.#fn, config, platform, engines, runtimeApi, this.#logStreamName);
    const sandbox = await sandboxed(platform, this.#fn, argv, plainEnv, {
      enabled: this.#fn.sandbox ?? config.sandbox,
      stateDir: this.#ctx.watchdog?.dir,
      projectDir: config.projectDir,
      hidden: config.eventJournal ? [config.eventJournal.slice(0, config.eventJournal.lastIndexOf("/"))] : [],
      environmentId: this.id,
      warn: (line) => this.#platformLine(line),
    });
    this.#sandboxCleanup = sandbox.cleanup;
    // Stopped while the sandbox was prepared (lambkin closing): start nothing.
    if ((this.state as EnvironmentState) === "stopped") {
      await sandbox.cleanup();
      return;
    }
    const child = platform.spawn(sandbox.argv, { cwd: this.#fn.codeDir, env: sandbox.env });
    this.#child = child;
    this.#reporter.started(child.pid);
    this.#ctx.watchdog?.track(child.pid);
    // Back-pressure: while the log sink is behind, the runtime's pipes are not read (logs.ts).
    const ready = () => this.#ctx.log.ready?.();
    void readLines(child.stdout, (line) => this.#reporter.line("stdout", line, this.current), ready);
    void readLines(child.stderr, (line) => this.#reporter.line("stderr", line, this.current), ready);
    void child.exited.then((status) => {
      this.#ctx.watchdog?.untrack(child.pid);
      this.#onExit(sandbox.exitStatus(status));
    });
    this.#clocks.startInit();
  }

  /** Hands an invocation to the runtime waiting in `next`. Only valid while idle. */
  dispatch(invocation: Invocation): void {
    const respond = this.#pendingNext;
    if (this.state !== "idle" || !respond)
      throw new Error(`environment ${this.id} cannot take an invocation while ${this.state}`);
    this.#pendingNext = undefined;
    this.state = "busy";
    this.current = invocation;
    this.#answered = false;
    const timeoutMs = this.#fn.timeout * 1000;
    invocation.startedAt = performance.now();
    invocation.deadlineMs = Date.now() + timeoutMs;
    invocation.deadlineAt = invocation.startedAt + timeoutMs;
    this.#clocks.invocationStarted(invocation.deadlineAt);
    this.#reporter.start(invocation);

    const headers: Record<string, string> = {
      "content-type": invocation.contentType,
      [H_REQUEST_ID]: invocation.requestId,
      [H_DEADLINE_MS]: String(invocation.deadlineMs),
      [H_FUNCTION_ARN]: invocation.invokedArn ?? this.#arn,
      [H_TRACE_ID]: invocation.traceId,
    };
    if (invocation.clientContext !== undefined) headers[H_CLIENT_CONTEXT] = invocation.clientContext;
    if (invocation.cognitoIdentity !== undefined) headers[H_COGNITO_IDENTITY] = invocation.cognitoIdentity;
    if (invocation.tenantId !== undefined) headers[H_TENANT_ID] = invocation.tenantId;
    respond(new this.#ctx.platform.Response(invocation.payload as BodyInit, { status: 200, headers }));
  }

  /**
   * Answers the invocation that waited for this environment's init with the init failure, with
   * START/END/REPORT lines as Lambda prints them for a failed init.
   */
  failWaiting(invocation: Invocation, failure: FunctionError): void {
    invocation.startedAt = performance.now();
    if (this.#initDurationMs === undefined && this.#spawnedAt > 0)
      this.#initDurationMs = invocation.startedAt - this.#spawnedAt;
    this.#reporter.start(invocation);
    this.#finish(invocation, { ...failure, platform: failure.platform ?? "error" });
  }

  /**
   * SIGTERM, then SIGKILL after the grace; closes the listener. Safe to call more than once (the
   * first reason stands). An environment stopped while starting for a reason of its own (init
   * error, exit, init timeout) reports an init failure; one stopped from outside (`recycled`,
   * `shutdown`, `idle`) does not.
   */
  stop(reason: StopReason, detail?: string): Promise<void> {
    this.#stopping ??= this.#stop(reason, detail);
    return this.#stopping;
  }

  async #stop(reason: StopReason, detail: string | undefined): Promise<void> {
    const initFailure =
      this.state === "starting" && reason === "init-failed"
        ? (this.#initFailure ?? exitedDuringInit(this.#exitStatus ?? { code: null, signal: "SIGKILL" }))
        : undefined;
    this.state = "stopped";
    this.#clocks.stop();
    // Its inspector port frees once the process is gone: a replacement may wait for it.
    this.#inspector?.stopping();
    // A runtime still parked in `next` is told nothing more: its process is about to go.
    this.#pendingNext = undefined;
    const child = this.#child;
    if (child) {
      child.kill("SIGTERM");
      const killTimer = setTimeout(() => child.kill("SIGKILL"), SHUTDOWN_GRACE_MS);
      await child.exited;
      clearTimeout(killTimer);
      // The leader is gone; anything it left in its group goes too.
      child.kill("SIGKILL");
    }
    this.#inspector?.close();
    await this.#server?.close();
    await this.#sandboxCleanup?.().catch(() => {});
    await this.#lastFinished?.whenReported();
    this.#reporter.stopped(reason, detail, initFailure);
    this.#events.onStopped(this, initFailure);
  }

  // --- Runtime API ---------------------------------------------------------------------------

  next(): Promise<Response> | Response {
    if (this.#pendingNext) return invalidStateTransition("A call to next is already waiting for an event.");
    if (this.state === "stopped") return invalidStateTransition("The environment is shutting down.");
    const initialized = this.state === "starting";
    if (this.state === "busy") {
      if (!this.#answered) {
        return invalidStateTransition(
          `Invocation ${this.current?.requestId} has no response yet: post /response or /error before calling next.`,
        );
      }
      this.current = undefined;
    } else if (this.state === "starting") {
      this.#clocks.initDone();
      this.#initDurationMs = performance.now() - this.#spawnedAt;
      this.#reporter.ready(this.#initDurationMs);
    }
    this.state = "idle";
    this.idleSince = performance.now();
    let respond!: (response: Response) => void;
    const parked = new Promise<Response>((resolve) => {
      respond = resolve;
    });
    // A runtime that dies while parked here is noticed through its process exit (#onExit).
    this.#pendingNext = respond;
    this.#events.onIdle(this, initialized);
    // The scheduler clears `prewarmed` when a caller was waiting for this init after all.
    if (initialized && this.prewarmed) this.#coldStart = false;
    return parked;
  }

  async response(
    requestId: string,
    request: Request,
    info: RequestInfo,
    streaming: boolean,
  ): Promise<Response> {
    const invocation = this.#answerable(requestId);
    if (invocation instanceof Response) return invocation;
    const contentType = request.headers.get("content-type") ?? "application/json";
    if (streaming) {
      return relayStream(invocation, request, info, contentType, {
        setAbort: (abort) => {
          this.#abortStream = abort;
        },
        finish: (failure, reportedError) => this.#finish(invocation, failure, undefined, reportedError),
        Response: this.#ctx.platform.Response,
      });
    }
    return this.#settleWith(invocation, request, (body) => ({ kind: "response", body, contentType }));
  }

  async error(requestId: string, request: Request): Promise<Response> {
    const invocation = this.#answerable(requestId);
    if (invocation instanceof Response) return invocation;
    return this.#settleWith(invocation, request, (body) => ({
      kind: "error",
      ...postedError(request, body),
    }));
  }

  /** Reads a buffered answer (within MAX_RESPONSE_BYTES) and settles `invocation` with it, unless it came late. */
  async #settleWith(invocation: Invocation, request: Request, outcome: (body: Uint8Array) => Outcome) {
    const body = await readBody(request, MAX_RESPONSE_BYTES);
    if (this.#lateAnswer(invocation)) return invokeTimedOut();
    if (body === undefined) {
      this.#finish(invocation, responseTooLarge);
      return entityTooLarge();
    }
    const settled = outcome(body);
    const reported = settled.kind === "error" ? settled.errorType : undefined;
    this.#finish(invocation, undefined, () => invocation.settle(settled), reported);
    return accepted(this.#ctx.platform.Response);
  }

  async initError(request: Request): Promise<Response> {
    if (this.state !== "starting") {
      return invalidStateTransition("init/error is only allowed before the runtime's first call to next.");
    }
    const body = (await readBody(request, MAX_RESPONSE_BYTES)) ?? responseTooLarge.body;
    const error = postedError(request, body);
    this.#platformLine(`Init error: ${error.errorType}`);
    this.#initFailure = initErrorPosted(error);
    // Lambda discards an environment whose init failed; the runtime is expected to exit anyway.
    void this.stop("init-failed");
    return accepted(this.#ctx.platform.Response);
  }

  /** The invocation a `/response` or `/error` for `requestId` answers (now marked answered), or the error reply. */
  #answerable(requestId: string): Invocation | Response {
    const invocation = this.current;
    if (!invocation || invocation.requestId !== requestId) return invalidRequestId(requestId);
    if (this.#timedOut || this.#lateAnswer(invocation)) return invokeTimedOut();
    if (this.#answered || invocation.settled) {
      return invalidStateTransition(`Invocation ${requestId} has already been answered.`);
    }
    this.#answered = true;
    return invocation;
  }

  // --- endings ---------------------------------------------------------------------------------

  /**
   * The runtime is done with `invocation` (or lambkin gave up on it): settle the caller's outcome
   * (`settle`, or `failure` when given), stop the clock and print END/REPORT. `reportedError`: the
   * error type the function reported itself (for the `invocation.finished` event).
   */
  #finish(
    invocation: Invocation,
    failure?: FunctionError,
    settle?: () => void,
    reportedError?: string,
  ): void {
    const durationMs = performance.now() - invocation.startedAt;
    if (failure) invocation.settle({ kind: "error", ...failure });
    else settle?.();
    const initDurationMs = this.#coldStart ? this.#initDurationMs : undefined;
    this.#coldStart = false;
    this.#lastFinished = invocation;
    this.#reporter.end(invocation, { durationMs, initDurationMs, failure, reportedError }, this.#child?.pid);
  }

  /**
   * True when the runtime's answer came after the deadline (it may have been on its way while the
   * deadline timer waited its turn): the timeout is settled now, if the timer has not done it.
   */
  #lateAnswer(invocation: Invocation): boolean {
    if (this.#timedOut) return true;
    if (!invocation.expired) return false;
    this.#onTimeout(invocation);
    return true;
  }

  #timedOut = false;

  #onTimeout(invocation: Invocation): void {
    if (this.current !== invocation || this.state === "stopped") return;
    this.#timedOut = true;
    const error = timedOut(invocation.requestId, this.#fn.timeout);
    this.#abortStream?.(error);
    // A buffered answer still being read does not count: only one complete before the deadline.
    if (!invocation.settled) {
      this.#answered = true;
      this.#finish(invocation, error);
    }
    void this.stop("timeout");
  }

  #onInitTimeout(): void {
    if (this.state !== "starting") return;
    this.#platformLine(`Init timed out after ${INIT_TIMEOUT_MS / 1000} seconds: stopping the runtime`);
    this.#initFailure = initTimedOut();
    void this.stop("init-failed");
  }

  #exitStatus: ExitStatus | undefined;

  #onExit(status: ExitStatus): void {
    this.#exitStatus = status;
    if (this.state === "stopped") return;
    const invocation = this.current;
    if (this.state === "busy" && invocation) {
      const error = exitError(invocation.requestId, status);
      this.#abortStream?.(error);
      if (!this.#answered) {
        this.#answered = true;
        this.#finish(invocation, error);
      }
    }
    const initializing = this.state === "starting";
    if (!initializing) this.#platformLine(`Runtime exited (${describeExit(status)})`);
    void this.stop(initializing ? "init-failed" : "exited");
  }

  #platformLine(line: string, invocation: Invocation | undefined = this.current): void {
    this.#reporter.line("platform", line, invocation);
  }
}

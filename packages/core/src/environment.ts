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
  ERROR_CAUSE_CONTENT_TYPE,
  endLine,
  exitErrorBody,
  exitReason,
  H_CLIENT_CONTEXT,
  H_COGNITO_IDENTITY,
  H_DEADLINE_MS,
  H_FUNCTION_ARN,
  H_FUNCTION_ERROR_BODY,
  H_FUNCTION_ERROR_TYPE,
  H_REQUEST_ID,
  H_TENANT_ID,
  H_TRACE_ID,
  INIT_TIMEOUT_MS,
  initTimeoutErrorBody,
  invalidEntrypointErrorBody,
  MAX_RESPONSE_BYTES,
  MAX_STREAMED_RESPONSE_BYTES,
  newLogStreamName,
  reportLine,
  reportRecord,
  responseTooLargeErrorBody,
  runtimeDoneRecord,
  SHUTDOWN_GRACE_MS,
  startLine,
  startRecord,
  timeoutErrorBody,
} from "@lambkin/protocol";
import { readBody } from "./body.ts";
import type { ResolvedConfig, ResolvedFunction } from "./config.ts";
import type { EventBus, StopReason } from "./events.ts";
import { ATTACHED_RECHECK_MS, Inspector } from "./inspector.ts";
import type { FunctionError, Invocation } from "./invocation.ts";
import { type LogSink, readLines } from "./logs.ts";
import { peakMemoryMB } from "./memory.ts";
import type { Child, ExitStatus, Platform, RequestInfo, Server } from "./platform.ts";
import {
  accepted,
  createRuntimeApi,
  entityTooLarge,
  invalidRequestId,
  invalidStateTransition,
  invokeTimedOut,
  type RuntimeApiHost,
} from "./runtime-api.ts";
import { type EngineCommands, functionArnOf, runtimeArgv, runtimeEnvironment } from "./runtimes.ts";
import type { Watchdog } from "./watchdog.ts";

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

/** Why an environment never became ready, for the invocation that waited for it and for events. */
export interface InitFailure {
  errorType: string;
  /** The message without a request id (for logs and events). */
  errorMessage: string;
  /** The answer of the invocation that waited for this environment. */
  failure(requestId: string): FunctionError;
}

/** How an environment tells its scheduler about its life. */
export interface EnvironmentEvents {
  /** The runtime is waiting in `next`: it can take an invocation now. `initialized`: for the first time. */
  onIdle(env: Environment, initialized: boolean): void;
  /**
   * The environment is gone. `initFailure` is set when it never became ready (init error, exit or
   * timeout during init): it builds the error body for the invocation that was waiting for it.
   */
  onStopped(env: Environment, initFailure?: InitFailure): void;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
let environmentCounter = 0;
/** How stale a Max Memory Used reading may be for short invocations, and what counts as short (see #finish). */
const MEMORY_SAMPLE_MS = 1000;
const MEMORY_SAMPLE_ALWAYS_MS = 10;
/**
 * Runs `fn` after the I/O callbacks already due in this turn of the event loop (setImmediate on
 * Node and Bun; a zero timer where the engine has no setImmediate).
 */
const afterPendingIO: (fn: () => void) => void =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === "function"
    ? (fn) => (globalThis as unknown as { setImmediate(fn: () => void): void }).setImmediate(fn)
    : (fn) => setTimeout(fn, 0);

export class Environment implements RuntimeApiHost {
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
  #initTimer: ReturnType<typeof setTimeout> | undefined;
  #deadlineTimer: ReturnType<typeof setTimeout> | undefined;
  /** The runtime's inspector, when the function is debugged (`inspect`). */
  #inspector: Inspector | undefined;
  /** Fails the stream in flight when the environment dies under it. */
  #abortStream: ((error: FunctionError) => void) | undefined;
  #stopping: Promise<void> | undefined;
  /** The last invocation #finish ended: its REPORT comes before the environment's `stopped` event. */
  #lastFinished: Invocation | undefined;
  /** The highest peak RSS measured so far (MB), and when it was read. */
  #peakMemoryMB = 0;
  #memorySampledAt = Number.NEGATIVE_INFINITY;

  constructor(fn: ResolvedFunction, ctx: EnvironmentContext, events: EnvironmentEvents, generation = 1) {
    this.generation = generation;
    this.#fn = fn;
    this.#ctx = ctx;
    this.#events = events;
    this.#arn = functionArnOf(fn.name, ctx.config);
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
    const entrypointProblem =
      this.#fn.runtime === "provided" ? await this.#checkEntrypoint(argv[0]!) : undefined;
    if (entrypointProblem) {
      this.#emitStarted(undefined);
      this.#platformLine(`Runtime.InvalidEntrypoint: ${entrypointProblem}`);
      this.#initFailure = {
        errorType: "Runtime.InvalidEntrypoint",
        errorMessage: entrypointProblem,
        failure: (requestId) => ({
          errorType: "Runtime.InvalidEntrypoint",
          body: encoder.encode(invalidEntrypointErrorBody(requestId, entrypointProblem)),
          platform: "error",
        }),
      };
      void this.stop("init-failed");
      return;
    }
    this.#spawnedAt = performance.now();
    const env = runtimeEnvironment(this.#fn, config, platform, engines, runtimeApi, this.#logStreamName);
    const child = platform.spawn(argv, { cwd: this.#fn.codeDir, env });
    this.#child = child;
    this.#emitStarted(child.pid);
    this.#ctx.watchdog?.track(child.pid);
    // Back-pressure: while the log sink is behind, the runtime's pipes are not read (logs.ts).
    const ready = () => this.#ctx.log.ready?.();
    void readLines(child.stdout, (line) => this.#runtimeLine("stdout", line), ready);
    void readLines(child.stderr, (line) => this.#runtimeLine("stderr", line), ready);
    void child.exited.then((status) => {
      this.#ctx.watchdog?.untrack(child.pid);
      this.#onExit(status);
    });
    this.#initTimer = setTimeout(
      () => this.#unlessDebugged("init", () => this.#onInitTimeout()),
      INIT_TIMEOUT_MS,
    );
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
    this.#deadlineTimer = setTimeout(
      () => this.#unlessDebugged(invocation, () => this.#onTimeout(invocation)),
      timeoutMs,
    );
    this.#platformLine(
      this.#fn.logFormat === "JSON" ? startRecord(invocation.requestId) : startLine(invocation.requestId),
    );
    this.#emitInvocationStarted(invocation);

    const headers: Record<string, string> = {
      "content-type": invocation.contentType,
      [H_REQUEST_ID]: invocation.requestId,
      [H_DEADLINE_MS]: String(invocation.deadlineMs),
      [H_FUNCTION_ARN]: this.#arn,
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
    this.#platformLine(
      this.#fn.logFormat === "JSON" ? startRecord(invocation.requestId) : startLine(invocation.requestId),
      invocation,
    );
    this.#emitInvocationStarted(invocation);
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
        ? (this.#initFailure ?? this.#exitedDuringInit())
        : undefined;
    this.state = "stopped";
    clearTimeout(this.#initTimer);
    clearTimeout(this.#deadlineTimer);
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
    await this.#lastFinished?.whenReported();
    const events = this.#ctx.events;
    if (events.active) {
      const base = {
        time: Date.now(),
        functionName: this.#fn.name,
        environmentId: this.id,
        generation: this.generation,
      };
      if (initFailure) {
        const { errorType, errorMessage } = initFailure;
        events.emit({ type: "environment.init-failed", ...base, errorType, errorMessage });
      }
      events.emit({
        type: "environment.stopped",
        ...base,
        reason,
        ...(detail === undefined ? {} : { detail }),
      });
    }
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
      clearTimeout(this.#initTimer);
      this.#initDurationMs = performance.now() - this.#spawnedAt;
      const events = this.#ctx.events;
      if (events.active) {
        events.emit({
          type: "environment.ready",
          time: Date.now(),
          functionName: this.#fn.name,
          environmentId: this.id,
          generation: this.generation,
          initDurationMs: this.#initDurationMs,
        });
      }
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
    this.#answered = true;
    const contentType = request.headers.get("content-type") ?? "application/json";
    if (streaming) return this.#relayStream(invocation, request, info, contentType);

    const body = await readBody(request, MAX_RESPONSE_BYTES);
    if (this.#lateAnswer(invocation)) return invokeTimedOut();
    if (body === undefined) {
      this.#finish(invocation, {
        errorType: "Function.ResponseSizeTooLarge",
        body: encoder.encode(responseTooLargeErrorBody()),
        platform: "error",
      });
      return entityTooLarge();
    }
    this.#finish(invocation, undefined, () => invocation.settle({ kind: "response", body, contentType }));
    return accepted(this.#ctx.platform.Response);
  }

  async error(requestId: string, request: Request): Promise<Response> {
    const invocation = this.#answerable(requestId);
    if (invocation instanceof Response) return invocation;
    this.#answered = true;
    const body = await readBody(request, MAX_RESPONSE_BYTES);
    if (this.#lateAnswer(invocation)) return invokeTimedOut();
    if (body === undefined) {
      this.#finish(invocation, {
        errorType: "Function.ResponseSizeTooLarge",
        body: encoder.encode(responseTooLargeErrorBody()),
        platform: "error",
      });
      return entityTooLarge();
    }
    const error = functionError(request, body);
    this.#finish(
      invocation,
      undefined,
      () => invocation.settle({ kind: "error", ...error }),
      error.errorType,
    );
    return accepted(this.#ctx.platform.Response);
  }

  async initError(request: Request): Promise<Response> {
    if (this.state !== "starting") {
      return invalidStateTransition("init/error is only allowed before the runtime's first call to next.");
    }
    const body = (await readBody(request, MAX_RESPONSE_BYTES)) ?? encoder.encode(responseTooLargeErrorBody());
    const error = functionError(request, body);
    this.#platformLine(`Init error: ${error.errorType}`);
    this.#initFailure = {
      errorType: error.errorType,
      errorMessage: errorMessageOf(error.body),
      failure: () => ({ ...error, platform: "error" }),
    };
    // Lambda discards an environment whose init failed; the runtime is expected to exit anyway.
    void this.stop("init-failed");
    return accepted(this.#ctx.platform.Response);
  }

  /** The invocation a `/response` or `/error` for `requestId` may answer, or the error reply. */
  #answerable(requestId: string): Invocation | Response {
    const invocation = this.current;
    if (!invocation || invocation.requestId !== requestId) return invalidRequestId(requestId);
    if (this.#timedOut || this.#lateAnswer(invocation)) return invokeTimedOut();
    if (this.#answered || invocation.settled) {
      return invalidStateTransition(`Invocation ${requestId} has already been answered.`);
    }
    return invocation;
  }

  /**
   * Relays a streamed response to the caller as it arrives. The runtime's request ends only after
   * the caller has taken every byte; trailers then say whether the stream failed mid-way.
   */
  #relayStream(
    invocation: Invocation,
    request: Request,
    info: RequestInfo,
    contentType: string,
  ): Promise<Response> {
    let size = 0;
    let resolveCompletion!: (error: FunctionError | undefined) => void;
    const completion = new Promise<FunctionError | undefined>((resolve) => {
      resolveCompletion = resolve;
    });
    const tooLarge: FunctionError = {
      errorType: "Function.ResponseSizeTooLarge",
      body: encoder.encode(responseTooLargeErrorBody()),
      platform: "error",
    };
    const counter = new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        size += chunk.byteLength;
        if (size > MAX_STREAMED_RESPONSE_BYTES) controller.error(tooLarge);
        else controller.enqueue(chunk);
      },
    });
    // Settled by the body's end, or first by the environment dying under it (timeout, crash).
    let abort!: (error: FunctionError) => void;
    const aborted = new Promise<never>((_, reject) => {
      abort = reject;
    });
    this.#abortStream = abort;
    const source = request.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
    const piped = source.pipeTo(counter.writable);
    invocation.settle({ kind: "stream", contentType, body: counter.readable, completion });

    return Promise.race([piped, aborted]).then(
      async () => {
        this.#abortStream = undefined;
        const trailers = await info.trailers();
        const errorType = trailers.get(H_FUNCTION_ERROR_TYPE);
        const errorBody = trailers.get(H_FUNCTION_ERROR_BODY);
        const error =
          errorType !== null || errorBody !== null
            ? { errorType: errorType ?? "Unhandled", body: decodeBase64(errorBody ?? "") }
            : undefined;
        resolveCompletion(error);
        this.#finish(invocation, undefined, undefined, error?.errorType);
        return accepted(this.#ctx.platform.Response);
      },
      (reason: unknown) => {
        this.#abortStream = undefined;
        const error: FunctionError =
          reason && typeof reason === "object" && "errorType" in reason
            ? (reason as FunctionError)
            : // The caller went away or the runtime's connection broke: lambkin's own name for it.
              {
                errorType: "Runtime.StreamInterrupted",
                body: encoder.encode(
                  JSON.stringify({ errorType: "Runtime.StreamInterrupted", errorMessage: String(reason) }),
                ),
                platform: "error",
              };
        resolveCompletion(error);
        this.#finish(invocation, error);
        return error === tooLarge ? entityTooLarge() : accepted(this.#ctx.platform.Response);
      },
    );
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
    clearTimeout(this.#deadlineTimer);
    const durationMs = performance.now() - invocation.startedAt;
    if (failure) invocation.settle({ kind: "error", ...failure });
    else settle?.();
    const initDurationMs = this.#coldStart ? this.#initDurationMs : undefined;
    this.#coldStart = false;
    // The caller is answered now; END and REPORT wait one turn of the event loop. The runtime
    // wrote its output to the pipe before it posted its answer, but the host may read the answer's
    // socket before the pipe in the same poll: this turn lets those lines land in the invocation's
    // log (and Tail) ahead of END. The runtime's next `next` arrives in a later turn.
    this.#lastFinished = invocation;
    afterPendingIO(() => this.#report(invocation, durationMs, initDurationMs, failure, reportedError));
  }

  #report(
    invocation: Invocation,
    durationMs: number,
    initDurationMs: number | undefined,
    failure: FunctionError | undefined,
    reportedError: string | undefined,
  ): void {
    const status = failure?.platform;
    this.#platformLine(
      this.#fn.logFormat === "JSON"
        ? runtimeDoneRecord(
            invocation.requestId,
            status === "timeout" ? "timeout" : status ? "failure" : "success",
          )
        : endLine(invocation.requestId),
      invocation,
    );
    const pid = this.#child?.pid;
    const report = (measuredMB: number | undefined) => {
      // A runtime that died takes its /proc entry along: its last measured peak still stands.
      if (measuredMB !== undefined) this.#peakMemoryMB = Math.max(this.#peakMemoryMB, measuredMB);
      const fields = {
        requestId: invocation.requestId,
        durationMs,
        memorySizeMB: this.#fn.memorySize,
        maxMemoryUsedMB: this.#peakMemoryMB,
        initDurationMs,
        status,
        errorType: status === "error" ? failure?.errorType : undefined,
      };
      this.#platformLine(
        this.#fn.logFormat === "JSON" ? reportRecord(fields) : reportLine(fields),
        invocation,
      );
      invocation.markReported();
      if (this.#ctx.events.active) this.#emitFinished(invocation, fields, failure, reportedError);
    };
    // Reading /proc costs several syscalls per process (~10 µs of host CPU per invoke at
    // concurrency 8). An invocation that ran MEMORY_SAMPLE_ALWAYS_MS or longer is always measured;
    // a hot run of short ones is re-read at most every MEMORY_SAMPLE_MS. VmHWM only grows, and a
    // short invocation can only have grown it by what a few milliseconds of page faults allow.
    const now = performance.now();
    const recent = now - this.#memorySampledAt < MEMORY_SAMPLE_MS;
    if (pid === undefined || (recent && durationMs < MEMORY_SAMPLE_ALWAYS_MS)) report(undefined);
    else {
      this.#memorySampledAt = now;
      void peakMemoryMB(this.#ctx.platform, pid).then(report);
    }
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

  /**
   * Runs a timeout's action, unless a debugger is connected to this environment's inspector: a
   * runtime paused at a breakpoint is not late. The timeout then looks again every half second.
   */
  #unlessDebugged(of: "init" | Invocation, timeout: () => void, announced = false): void {
    const inspector = this.#inspector;
    if (!inspector) {
      timeout();
      return;
    }
    const due = () => (of === "init" ? this.state === "starting" : this.current === of);
    void inspector.attached().then((attached) => {
      if (!due()) return;
      if (!attached) {
        timeout();
        return;
      }
      if (!announced) this.#platformLine("Debugger connected: the timeout waits until it disconnects");
      // An answer that comes while the timeout waits is not late (see #lateAnswer).
      if (of !== "init") of.deadlineAt = Number.POSITIVE_INFINITY;
      const timer = setTimeout(() => this.#unlessDebugged(of, timeout, true), ATTACHED_RECHECK_MS);
      if (of === "init") this.#initTimer = timer;
      else this.#deadlineTimer = timer;
    });
  }

  #onTimeout(invocation: Invocation): void {
    if (this.current !== invocation || this.state === "stopped") return;
    this.#timedOut = true;
    const error: FunctionError = {
      errorType: "Sandbox.Timedout",
      body: encoder.encode(timeoutErrorBody(invocation.requestId, this.#fn.timeout)),
      platform: "timeout",
    };
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
    this.#initFailure = {
      errorType: "Sandbox.Timedout",
      errorMessage: `Init timed out after ${(INIT_TIMEOUT_MS / 1000).toFixed(2)} seconds`,
      failure: (requestId) => ({
        errorType: "Sandbox.Timedout",
        body: encoder.encode(initTimeoutErrorBody(requestId, INIT_TIMEOUT_MS)),
        platform: "timeout",
      }),
    };
    void this.stop("init-failed");
  }

  #exitStatus: ExitStatus | undefined;

  #onExit(status: ExitStatus): void {
    this.#exitStatus = status;
    if (this.state === "stopped") return;
    const invocation = this.current;
    if (this.state === "busy" && invocation) {
      const error: FunctionError = {
        errorType: "Runtime.ExitError",
        body: encoder.encode(exitErrorBody(invocation.requestId, status)),
        platform: "error",
      };
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

  /** The init failure of a runtime that exited (or was stopped) before its first `next`. */
  #exitedDuringInit(): InitFailure {
    const status = this.#exitStatus ?? { code: null, signal: "SIGKILL" };
    return {
      errorType: "Runtime.ExitError",
      errorMessage: exitReason(status),
      failure: (requestId) => ({
        errorType: "Runtime.ExitError",
        body: encoder.encode(exitErrorBody(requestId, status)),
        platform: "error",
      }),
    };
  }

  #emitStarted(pid: number | undefined): void {
    const events = this.#ctx.events;
    if (!events.active) return;
    events.emit({
      type: "environment.started",
      time: Date.now(),
      functionName: this.#fn.name,
      environmentId: this.id,
      generation: this.generation,
      pid,
    });
  }

  #emitInvocationStarted(invocation: Invocation): void {
    const events = this.#ctx.events;
    if (!events.active) return;
    events.emit({
      type: "invocation.started",
      time: Date.now(),
      functionName: this.#fn.name,
      requestId: invocation.requestId,
      environmentId: this.id,
      generation: this.generation,
    });
  }

  #emitFinished(
    invocation: Invocation,
    fields: { durationMs: number; initDurationMs: number | undefined; maxMemoryUsedMB: number },
    failure: FunctionError | undefined,
    reportedError: string | undefined,
  ): void {
    const errorType = failure?.errorType ?? reportedError;
    this.#ctx.events.emit({
      type: "invocation.finished",
      time: Date.now(),
      functionName: this.#fn.name,
      requestId: invocation.requestId,
      environmentId: this.id,
      generation: this.generation,
      outcome:
        failure?.platform === "timeout"
          ? "timeout"
          : errorType === "Runtime.ExitError"
            ? "crash"
            : errorType === undefined
              ? "success"
              : "error",
      durationMs: fields.durationMs,
      ...(fields.initDurationMs === undefined ? {} : { initDurationMs: fields.initDurationMs }),
      ...(fields.maxMemoryUsedMB > 0 ? { maxMemoryMB: fields.maxMemoryUsedMB } : {}),
      ...(errorType === undefined ? {} : { errorType }),
    });
  }

  async #checkEntrypoint(program: string): Promise<string | undefined> {
    if (!program.includes("/")) return undefined; // found on the PATH by the engine, or exit 127
    const info = await this.#ctx.platform.stat(program);
    if (!info?.isFile) return `fork/exec ${program}: no such file or directory`;
    if (info.mode !== 0 && (info.mode & 0o111) === 0) return `fork/exec ${program}: permission denied`;
    return undefined;
  }

  // --- logs ------------------------------------------------------------------------------------

  #runtimeLine(stream: "stdout" | "stderr", line: string): void {
    this.#line(stream, line, this.current);
  }

  #platformLine(line: string, invocation: Invocation | undefined = this.current): void {
    this.#line("platform", line, invocation);
  }

  #line(stream: "stdout" | "stderr" | "platform", line: string, invocation: Invocation | undefined): void {
    invocation?.logTail?.push(line);
    const time = Date.now();
    const functionName = this.#fn.name;
    const requestId = invocation?.requestId;
    this.#ctx.log({ time, functionName, requestId, stream, line });
    const events = this.#ctx.events;
    if (events.active) {
      events.emit({
        type: "invocation.log",
        time,
        functionName,
        requestId,
        environmentId: this.id,
        stream,
        line,
      });
    }
  }
}

/**
 * The error a runtime posted to `/error` or `/init/error`: its bytes go to the caller unchanged,
 * except that a body in the error-cause content type loses its `errorCause` field.
 */
function functionError(request: Request, body: Uint8Array): FunctionError {
  let errorType = request.headers.get(H_FUNCTION_ERROR_TYPE) ?? undefined;
  let out = body;
  const contentType = request.headers.get("content-type") ?? "";
  if (errorType === undefined || contentType.startsWith(ERROR_CAUSE_CONTENT_TYPE)) {
    try {
      const parsed = JSON.parse(decoder.decode(body));
      if (parsed && typeof parsed === "object") {
        if (errorType === undefined && typeof parsed.errorType === "string") errorType = parsed.errorType;
        if (contentType.startsWith(ERROR_CAUSE_CONTENT_TYPE) && "errorCause" in parsed) {
          delete parsed.errorCause;
          out = encoder.encode(JSON.stringify(parsed));
        }
      }
    } catch {
      // Not JSON: forwarded as it is.
    }
  }
  return { errorType: errorType ?? "Unhandled", body: out };
}

function decodeBase64(text: string): Uint8Array {
  try {
    return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
  } catch {
    return encoder.encode(text);
  }
}

/** The `errorMessage` of an error JSON body, or the body as text. */
function errorMessageOf(body: Uint8Array): string {
  const text = decoder.decode(body);
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed.errorMessage === "string") return parsed.errorMessage;
  } catch {
    // Not JSON: the text is the message.
  }
  return text;
}

function describeExit(status: ExitStatus): string {
  return status.signal ? `signal ${status.signal}` : `exit status ${status.code}`;
}

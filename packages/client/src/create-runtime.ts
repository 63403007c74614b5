// The runtime loop, in the spirit of a shell bootstrap: load the handler once, then forever
// `next` → call the handler → post `response` or `error`. Everything AWS's Node.js runtime does
// around that loop is here too: Lambda's console format, `_X_AMZN_TRACE_ID`, callback-style
// handlers, response streaming, init errors, and crash reports for uncaught exceptions.
import { buildContext, type InvocationInfo, parseInvocationHeaders } from "./context.ts";
import { detectEngine, type EngineName } from "./engine.ts";
import {
  formatError,
  JSONStringifyError,
  MalformedHandlerNameError,
  NodeJsExitError,
  RuntimeApiError,
  UnhandledPromiseRejectionError,
} from "./errors.ts";
import { loadHandler } from "./handler-loader.ts";
import { type Host, loadHost } from "./host.ts";
import {
  logFormatFromEnv,
  logLevelFromEnv,
  patchConsole,
  type StructuredLogger,
  setCurrentInvocation,
} from "./logging.ts";
import { type ResponseStreamLike, RuntimeApiClient } from "./runtime-api.ts";
import { installAwsLambdaGlobal, streamingMetadata } from "./streaming.ts";
import { isConnectionRefused } from "./transport.ts";

type AnyHandler = (...args: any[]) => unknown;

export interface RuntimeOptions {
  /**
   * The handler: a `path/to/module.export` string resolved against `taskRoot` (default: the
   * `_HANDLER` variable), or the function itself.
   */
  handler?: string | AnyHandler;
  /** Folder the handler string is relative to (default: `LAMBDA_TASK_ROOT`, else the cwd). */
  taskRoot?: string;
  /** `host:port` of the Runtime API (default: `AWS_LAMBDA_RUNTIME_API`). */
  runtimeApi?: string;
  /** Where Lambda's variables are read from (default: the process environment). */
  env?: Record<string, string | undefined>;
}

export interface Runtime {
  readonly engine: EngineName;
  /**
   * Patches the console, loads the handler (reporting a failure to `/runtime/init/error` and
   * exiting) and serves invocations one after another until the process ends. Exits when the
   * Runtime API goes away.
   */
  start(): Promise<never>;
}

/** Exit codes of AWS's Node.js runtime after reporting an uncaught exception / rejection. */
const EXIT_UNCAUGHT_EXCEPTION = 129;
const EXIT_UNHANDLED_REJECTION = 128;

type Phase =
  | { kind: "init" }
  | { kind: "idle" }
  | { kind: "buffered"; requestId: string }
  | { kind: "streaming"; requestId: string; stream: ResponseStreamLike };

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export function createRuntime(options: RuntimeOptions = {}): Runtime {
  return new LambdaRuntime(options);
}

/** `createRuntime(options).start()`: what `dist/runtime.js` runs. */
export function run(options: RuntimeOptions = {}): Promise<never> {
  return createRuntime(options).start();
}

class LambdaRuntime implements Runtime {
  readonly engine: EngineName = detectEngine();
  readonly #options: RuntimeOptions;
  #host!: Host;
  #env!: Record<string, string | undefined>;
  #api!: RuntimeApiClient;
  #logger!: StructuredLogger;
  #handler!: AnyHandler;
  #streaming = false;
  #highWaterMark: number | undefined;
  #phase: Phase = { kind: "init" };
  #crashing = false;

  constructor(options: RuntimeOptions) {
    this.#options = options;
  }

  async start(): Promise<never> {
    const host = await loadHost(this.engine);
    this.#host = host;
    this.#env = this.#options.env ?? host.env;
    const runtimeApi = this.#options.runtimeApi ?? this.#env.AWS_LAMBDA_RUNTIME_API;
    if (!runtimeApi) {
      return fatal(
        host,
        new Error("AWS_LAMBDA_RUNTIME_API is not set: run this under lambkin or AWS Lambda"),
      );
    }
    try {
      this.#api = RuntimeApiClient.create(runtimeApi, this.engine);
    } catch (error) {
      return fatal(host, error);
    }
    this.#logger = patchConsole({
      format: logFormatFromEnv(this.#env.AWS_LAMBDA_LOG_FORMAT),
      minLevel: logLevelFromEnv(this.#env.AWS_LAMBDA_LOG_LEVEL),
      formatArgs: host.format,
      write: host.writeStdout,
    });
    host.onUncaughtException((error) => {
      void this.#crash("Uncaught Exception", error, EXIT_UNCAUGHT_EXCEPTION);
    });
    host.onUnhandledRejection((reason) => {
      const error = new UnhandledPromiseRejectionError(reason);
      void this.#crash("Unhandled Promise Rejection", error, EXIT_UNHANDLED_REJECTION);
    });

    try {
      await this.#init();
    } catch (error) {
      // Reported like any crash during init: logged, posted to /init/error, then exit.
      return this.#crash("Uncaught Exception", error, EXIT_UNCAUGHT_EXCEPTION);
    }
    this.#phase = { kind: "idle" };
    try {
      for (;;) await this.#invokeOnce();
    } catch (error) {
      return fatal(host, error);
    }
  }

  async #init(): Promise<void> {
    installAwsLambdaGlobal(this.#env);
    const handler = this.#options.handler ?? this.#env._HANDLER;
    if (typeof handler === "function") {
      this.#handler = handler;
    } else if (!handler) {
      throw new MalformedHandlerNameError(
        "_HANDLER is not set: expected path/to/module.export, like index.handler",
      );
    } else {
      this.#handler = await loadHandler({
        host: this.#host,
        taskRoot: this.#options.taskRoot ?? this.#env.LAMBDA_TASK_ROOT ?? this.#host.cwd(),
        handler,
        engine: this.engine,
        forceTsx: this.#env.LAMBKIN_TSX === "1" || this.#env.LAMBKIN_TSX === "true",
      });
    }
    const meta = streamingMetadata(this.#handler);
    this.#streaming = meta.streaming;
    this.#highWaterMark = meta.highWaterMark;
    // Init pays for what streamed responses need, not the first invocation.
    if (meta.streaming) await this.#api.preloadStreaming();
  }

  async #invokeOnce(): Promise<void> {
    const invocation = await this.#next();
    const info = parseInvocationHeaders(invocation.headers);
    // As AWS's runtime: the trace header becomes _X_AMZN_TRACE_ID for the SDKs and X-Ray.
    this.#host.setEnv("_X_AMZN_TRACE_ID", info.traceId || undefined);
    setCurrentInvocation(info.requestId, info.tenantId);
    try {
      if (this.#streaming) await this.#invokeStreaming(info, invocation.body);
      else await this.#invokeBuffered(info, invocation.body);
    } finally {
      setCurrentInvocation(undefined);
      this.#phase = { kind: "idle" };
    }
  }

  /** `next`, retried briefly on transient socket errors; a refused connection means lambkin is gone. */
  async #next() {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#api.next();
      } catch (error) {
        if (error instanceof RuntimeApiError || isConnectionRefused(error) || attempt >= 3) throw error;
        await new Promise((resolve) => setTimeout(resolve, 50 * attempt));
      }
    }
  }

  async #invokeBuffered(info: InvocationInfo, body: string): Promise<void> {
    this.#phase = { kind: "buffered", requestId: info.requestId };
    const outcome = await this.#callBuffered(info, body);
    if (this.#crashing) return hang();
    if (outcome.ok) {
      let json: string | undefined;
      try {
        json = JSON.stringify(outcome.value === undefined ? null : outcome.value);
      } catch {
        return this.#reportError(info.requestId, new JSONStringifyError());
      }
      // JSON.stringify of a function or symbol is undefined: Lambda answers null.
      await this.#api.postResponse(info.requestId, json ?? "null");
    } else {
      await this.#reportError(info.requestId, outcome.error);
    }
  }

  async #reportError(requestId: string, error: unknown): Promise<void> {
    this.#logger.logError("Invoke Error", error);
    await this.#api.postError(requestId, formatError(error));
  }

  /**
   * Calls a buffered handler in any of its styles and settles with the first answer: the returned
   * promise, the callback, context.succeed/fail/done, or (for a plain function) its return value.
   */
  #callBuffered(info: InvocationInfo, body: string): Promise<Outcome> {
    const handler = this.#handler;
    const callbackStyle = handler.length >= 3;
    const isAsync = handler.constructor?.name === "AsyncFunction";
    return new Promise<Outcome>((resolve) => {
      let settled = false;
      let removeBeforeExit = () => {};
      const settle = (outcome: Outcome) => {
        if (settled) return;
        settled = true;
        removeBeforeExit();
        resolve(outcome);
      };
      const callback = (error?: unknown, result?: unknown) =>
        settle(error !== undefined && error !== null ? { ok: false, error } : { ok: true, value: result });
      // Nothing left to run and no answer: AWS answers null for a callback-style handler that
      // never called back, and fails an async one whose promise can no longer settle.
      const onBeforeExit = () =>
        settle(
          callbackStyle && !isAsync ? { ok: true, value: null } : { ok: false, error: new NodeJsExitError() },
        );
      removeBeforeExit = this.#host.onBeforeExit(onBeforeExit);
      try {
        const context = buildContext(info, this.#env, {
          done: callback,
          succeed: (result) => callback(null, result),
          fail: (error) => callback(error ?? "handled"),
        });
        if (info.headerError) throw info.headerError;
        const event = JSON.parse(body);
        const result = handler(event, context, callback);
        if (isPromiseLike(result)) {
          result.then(
            (value) => settle({ ok: true, value }),
            (error) => settle({ ok: false, error }),
          );
        } else if (!callbackStyle) {
          // A plain function's return value is its answer, as in AWS's Node.js 24 runtime.
          settle({ ok: true, value: result });
        }
      } catch (error) {
        settle({ ok: false, error });
      }
    });
  }

  async #invokeStreaming(info: InvocationInfo, body: string): Promise<void> {
    const stream = await this.#api.openResponseStream(info.requestId, this.#highWaterMark);
    this.#phase = { kind: "streaming", requestId: info.requestId, stream };
    // The event loop emptying while the handler or its stream is still pending means neither can
    // ever finish: fail the stream with Runtime.NodeJsExit, as for a buffered async handler.
    let onBeforeExit!: () => void;
    const loopEmptied = new Promise<never>((_resolve, reject) => {
      onBeforeExit = () => reject(new NodeJsExitError());
    });
    loopEmptied.catch(() => {});
    const removeBeforeExit = this.#host.onBeforeExit(onBeforeExit);
    try {
      const context = buildContext(info, this.#env, {
        done: (error) => (error ? void stream.fail(formatError(error)) : stream.end()),
        succeed: () => stream.end(),
        fail: (error) => void stream.fail(formatError(error ?? "handled")),
      });
      if (info.headerError) throw info.headerError;
      const event = JSON.parse(body);
      const result = this.#handler(event, stream, context);
      if (!isPromiseLike(result)) throw new Error("Streaming does not support non-async handlers.");
      if ((await Promise.race([result, loopEmptied])) !== undefined) {
        console.warn("Streaming handlers ignore return values.");
      }
      // AWS waits for the stream to end after the handler resolved, however long that takes.
      await Promise.race([stream.completed(), loopEmptied]);
    } catch (error) {
      if (error instanceof RuntimeApiError) throw error;
      if (this.#crashing) return hang();
      this.#logger.logError("Invoke Error", error);
      await stream.fail(formatError(error)).catch((postError: unknown) => {
        if (postError instanceof RuntimeApiError) throw postError;
      });
    } finally {
      removeBeforeExit();
    }
  }

  /**
   * An uncaught exception or unhandled rejection: log it as AWS does, answer whatever is pending
   * with it (the init, the invocation, or the stream's trailers), then exit.
   */
  async #crash(label: string, error: unknown, exitCode: number): Promise<never> {
    if (this.#crashing) return hang();
    this.#crashing = true;
    this.#logger.logError(label, error);
    const body = formatError(error);
    const phase = this.#phase;
    try {
      if (phase.kind === "init") await this.#api.postInitError(body);
      else if (phase.kind === "buffered") await this.#api.postError(phase.requestId, body);
      else if (phase.kind === "streaming") await phase.stream.fail(body);
    } catch {
      // The Runtime API is unreachable: nothing more to tell it.
    }
    this.#host.exit(exitCode);
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    typeof (value as { then?: unknown }).then === "function"
  );
}

/** Waits for a process.exit already under way. */
function hang(): Promise<never> {
  return new Promise<never>(() => {});
}

/** The Runtime API is gone or broken: say why on stderr and exit. */
function fatal(host: Host, error: unknown): never {
  const reason = isConnectionRefused(error)
    ? "the Runtime API refused the connection (lambkin stopped?)"
    : error instanceof Error
      ? error.message
      : String(error);
  host.writeStderr(`lambkin-runtime: ${reason}; exiting\n`);
  return host.exit(1);
}

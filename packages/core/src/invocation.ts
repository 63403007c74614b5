/**
 * One invocation: what the caller sent, what the runtime sees, and an outcome that settles exactly
 * once — whoever comes first (the runtime's response, a timeout, a crash, shutdown) wins, and every
 * later attempt is a no-op the caller never sees.
 */
import { newRequestId, newTraceId } from "@lambkin/protocol";

/** What the runtime answered, or what lambkin answers on its behalf. */
export type Outcome =
  | {
      kind: "response";
      /** The result bytes (buffered responses). */
      body: Uint8Array;
      contentType: string;
    }
  | {
      kind: "stream";
      contentType: string;
      /** The result bytes as the runtime sends them. */
      body: ReadableStream<Uint8Array>;
      /** Resolves when the stream has ended: undefined on success, the error when it failed mid-stream. */
      completion: Promise<FunctionError | undefined>;
    }
  | ({ kind: "error" } & FunctionError);

export interface FunctionError {
  /** The error type: from the runtime's header or body, or lambkin's own (`Sandbox.Timedout`, …). */
  errorType: string;
  /** The error JSON exactly as the caller receives it. */
  body: Uint8Array;
  /**
   * Set for failures of the environment itself (timeout, crash, init failure, oversize), which
   * REPORT lines show as `Status: timeout|error`; unset for errors the function reported.
   */
  platform?: "timeout" | "error";
}

export interface InvocationInit {
  payload: Uint8Array;
  /** Content type of the payload, passed to the runtime (default `application/json`). */
  contentType?: string;
  /** Decoded client context JSON. */
  clientContext?: string;
  cognitoIdentity?: string;
  tenantId?: string;
  traceId?: string;
  requestId?: string;
  /** The ARN the caller invoked, qualifier included (`Lambda-Runtime-Invoked-Function-Arn`). */
  invokedArn?: string;
}

const encoder = new TextEncoder();

export class Invocation {
  readonly requestId: string;
  readonly traceId: string;
  readonly payload: Uint8Array;
  readonly contentType: string;
  readonly clientContext: string | undefined;
  readonly cognitoIdentity: string | undefined;
  readonly tenantId: string | undefined;
  readonly invokedArn: string | undefined;
  /** When the invoke arrived (epoch ms). */
  readonly receivedAt = Date.now();
  /** Set when the event is handed to a runtime: epoch ms after which it has timed out. */
  deadlineMs = 0;
  /** performance.now() at dispatch, for Duration. */
  startedAt = 0;
  /**
   * performance.now() of the deadline (set at dispatch). The monotonic clock decides, not the
   * deadline timer: a timer may fire late on a busy event loop, and a runtime's post that arrives
   * in between must still lose.
   */
  deadlineAt = Number.POSITIVE_INFINITY;
  /** Log text of this invocation, for `X-Amz-Log-Type: Tail` (filled only when asked for). */
  logTail: string[] | undefined;

  readonly outcome: Promise<Outcome>;
  #resolve!: (outcome: Outcome) => void;
  #settled = false;

  constructor(init: InvocationInit) {
    this.requestId = init.requestId ?? newRequestId();
    this.traceId = init.traceId ?? newTraceId();
    this.payload = init.payload;
    this.contentType = init.contentType ?? "application/json";
    this.clientContext = init.clientContext;
    this.cognitoIdentity = init.cognitoIdentity;
    this.tenantId = init.tenantId;
    this.invokedArn = init.invokedArn;
    this.outcome = new Promise((resolve) => {
      this.#resolve = resolve;
    });
  }

  #reported = false;
  #onReported: (() => void) | undefined;

  /** Marks the REPORT line as written (the log of the invocation is then complete). */
  markReported(): void {
    this.#reported = true;
    this.#onReported?.();
  }

  /** Resolves once the REPORT line has been written: `Tail` waits for it to return whole logs. */
  whenReported(): Promise<void> {
    if (this.#reported) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.#onReported;
      this.#onReported = () => {
        previous?.();
        resolve();
      };
    });
  }

  /** The deadline has passed: no answer from the runtime counts any more. */
  get expired(): boolean {
    return performance.now() >= this.deadlineAt;
  }

  get settled(): boolean {
    return this.#settled;
  }

  /** Settles the outcome; returns false (and changes nothing) when it was already settled. */
  settle(outcome: Outcome): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#resolve(outcome);
    return true;
  }

  /** Settles with an error whose JSON lambkin wrote (timeouts, crashes, …). */
  fail(errorType: string, json: string, platform?: "timeout" | "error"): boolean {
    return this.settle({ kind: "error", errorType, body: encoder.encode(json), platform });
  }
}

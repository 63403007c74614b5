/**
 * Event destinations: when an Event invocation ends — handled, out of retries, or too old — its
 * invocation record goes to the function's `onSuccess` or `onFailure` destination, in the shape
 * Lambda sends (docs/protocol.md, "Event destinations"): another function, invoked asynchronously
 * with the record as its event, or a JSON-lines file, one record per line, appended and fsync'd.
 */
import { MAX_ASYNC_PAYLOAD_BYTES } from "@lambkin/protocol";
import type { AsyncEvent } from "./async-queue.ts";
import type { ResolvedFunction } from "./config.ts";
import type { ResolvedDestination } from "./destination-config.ts";
import { type LogSink, platformLine } from "./logs.ts";
import type { HostFiles } from "./platform.ts";

export type DestinationCondition = "Success" | "RetriesExhausted" | "EventAgeExceeded";

/** What the last attempt answered: the body the caller of a RequestResponse invoke would get. */
export interface AttemptAnswer {
  body: Uint8Array;
  /** The function failed (its error, a crash, a timeout): `functionError: "Unhandled"`. */
  failed: boolean;
}

export interface InvocationRecord {
  version: "1.0";
  timestamp: string;
  requestContext: {
    requestId: string;
    functionArn: string;
    condition: DestinationCondition;
    approximateInvokeCount: number;
  };
  requestPayload: unknown;
  responseContext?: { statusCode: number; executedVersion: string; functionError?: string };
  responsePayload?: unknown;
}

/** Destination invocations in a row (A's record invokes B, B's invokes C, …) before lambkin stops. */
export const MAX_CHAIN = 16;

const decoder = new TextDecoder();
const encoder = new TextEncoder();

/** A payload as the record holds it: the JSON value, or the text when it is not JSON. */
function payloadValue(bytes: Uint8Array): unknown {
  const text = decoder.decode(bytes);
  if (text.trim() === "") return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/**
 * Lambda's invocation record. `functionArn` is qualified with the version that ran ($LATEST);
 * an event that never ran (too old before its first attempt) has no response part.
 */
export function invocationRecord(
  event: AsyncEvent,
  functionArn: string,
  condition: DestinationCondition,
  invokeCount: number,
  answer: AttemptAnswer | undefined,
): InvocationRecord {
  const record: InvocationRecord = {
    version: "1.0",
    timestamp: new Date().toISOString(),
    requestContext: {
      requestId: event.requestId,
      functionArn: `${functionArn}:$LATEST`,
      condition,
      approximateInvokeCount: invokeCount,
    },
    requestPayload: payloadValue(event.payload),
  };
  if (answer) {
    record.responseContext = {
      statusCode: 200,
      executedVersion: "$LATEST",
      ...(answer.failed ? { functionError: "Unhandled" } : {}),
    };
    record.responsePayload = payloadValue(answer.body);
  }
  return record;
}

export interface DestinationContext {
  readonly log: LogSink;
  /** Where file destinations are written; absent on a platform without host files. */
  readonly host: HostFiles | undefined;
  /**
   * Queues the record as an Event invocation of another function, journaled like any event and
   * marked as the record of `recordOf` (so a restart knows that event had ended).
   */
  enqueue(functionName: string, payload: Uint8Array, recordOf: string, chain: number): Promise<void>;
}

export class Destinations {
  readonly #ctx: DestinationContext;
  /** Per file: appends run one after another, so lines never interleave. */
  readonly #tails = new Map<string, Promise<void>>();
  readonly #folders = new Set<string>();

  constructor(ctx: DestinationContext) {
    this.#ctx = ctx;
  }

  /**
   * Sends the record of an ended event to the destination its condition selects, if the function
   * has one. Resolves once it is delivered (on disk, or in the destination function's queue and
   * journal); a delivery that fails is logged, never thrown — the event itself has ended.
   */
  async deliver(
    fn: ResolvedFunction,
    functionArn: string,
    event: AsyncEvent,
    condition: DestinationCondition,
    invokeCount: number,
    answer: AttemptAnswer | undefined,
  ): Promise<void> {
    const when = condition === "Success" ? "onSuccess" : "onFailure";
    const dest = fn.destinations[when];
    if (!dest) return;
    const record = invocationRecord(event, functionArn, condition, invokeCount, answer);
    const note = (line: string) => platformLine(this.#ctx.log, fn.name, event.requestId, line);
    try {
      await this.#send(dest, record, (event.chain ?? 0) + 1);
      if (condition !== "Success") note(`Async event record (${condition}) sent to ${shown(when, dest)}`);
    } catch (error) {
      note(
        `Async event record (${condition}) not delivered to ${shown(when, dest)}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  async #send(dest: ResolvedDestination, record: InvocationRecord, chain: number): Promise<void> {
    const json = JSON.stringify(record);
    if (dest.kind === "function") {
      // Functions that are each other's destinations would invoke each other without end.
      if (chain >= MAX_CHAIN) {
        throw new Error(
          `it would be invocation ${chain + 1} of a chain of destinations; lambkin stops such a loop at ${MAX_CHAIN}, as Lambda stops recursive loops after about 16 invocations`,
        );
      }
      const bytes = encoder.encode(json);
      if (bytes.byteLength > MAX_ASYNC_PAYLOAD_BYTES) {
        throw new Error(
          `the record is ${bytes.byteLength} bytes, over the ${MAX_ASYNC_PAYLOAD_BYTES} an Event invocation takes (AWS counts a DestinationDeliveryFailures)`,
        );
      }
      return this.#ctx.enqueue(dest.functionName, bytes, record.requestContext.requestId, chain);
    }
    const host = this.#ctx.host;
    if (!host) throw new Error("this platform cannot write files");
    const path = dest.path;
    const write = (this.#tails.get(path) ?? Promise.resolve()).then(async () => {
      const folder = path.slice(0, path.lastIndexOf("/"));
      if (!this.#folders.has(folder)) {
        await host.mkdir(folder);
        this.#folders.add(folder);
      }
      await host.appendTextFile(path, `${json}\n`, true);
    });
    const tail = write.catch(() => {});
    this.#tails.set(path, tail);
    void tail.then(() => {
      if (this.#tails.get(path) === tail) this.#tails.delete(path);
    });
    return write;
  }
}

const shown = (when: string, dest: ResolvedDestination) =>
  `${when} ${dest.kind === "function" ? `function ${dest.functionName}` : dest.path}`;

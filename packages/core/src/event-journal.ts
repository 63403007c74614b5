/**
 * Event invocations are never lost: every accepted (202) event is written to a journal — and on
 * disk, fsync'd — before the 202 goes out; each attempt and the end of each event are written too.
 * On the next start, events accepted and not ended run again, with their original request id,
 * receipt time and attempt count. One JSON object per line:
 *
 *   {"op":"accepted","fn":"…","requestId":"…","payload":"<base64>","traceId":"…","receivedAt":…,"recordOf"?:"…"}
 *   {"op":"attempt","requestId":"…","attempt":1}
 *   {"op":"done","requestId":"…"}
 */
import type { AsyncEvent } from "./async-queue.ts";
import type { HostFiles } from "./platform.ts";

export interface PendingEvent {
  functionName: string;
  event: AsyncEvent;
  /** Attempts already started (the next one is attempt + 1). */
  attempts: number;
}

type Record =
  | {
      op: "accepted";
      fn: string;
      requestId: string;
      payload: string;
      traceId?: string;
      invokedArn?: string;
      receivedAt: number;
      /** The event is the invocation record of this request id, for a destination function. */
      recordOf?: string;
      chain?: number;
    }
  | { op: "attempt"; requestId: string; attempt: number }
  | { op: "done"; requestId: string };

function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

const fromBase64 = (text: string) => Uint8Array.from(atob(text), (c) => c.charCodeAt(0));

export class EventJournal {
  readonly file: string;
  readonly #host: HostFiles;
  /** Writes in order, one after another. */
  #tail: Promise<void> = Promise.resolve();

  private constructor(host: HostFiles, file: string) {
    this.#host = host;
    this.file = file;
  }

  /**
   * Opens the journal at `file` (its folder is created): returns it with the events a previous
   * lambkin accepted and did not finish, and rewrites the file to hold only those.
   */
  static async open(
    host: HostFiles,
    file: string,
  ): Promise<{ journal: EventJournal; pending: PendingEvent[] }> {
    await host.mkdir(file.slice(0, file.lastIndexOf("/")));
    const text = (await host.readTextFileIfExists(file)) ?? "";
    const open = new Map<string, PendingEvent>();
    // Events whose record a destination function already has (a crash came before their "done").
    const recorded = new Set<string>();
    for (const line of text.split("\n")) {
      if (line.trim() === "") continue;
      let record: Record;
      try {
        record = JSON.parse(line) as Record;
      } catch {
        continue; // a line cut short by a crash mid-write
      }
      if (record.op === "accepted") {
        if (record.recordOf !== undefined) recorded.add(record.recordOf);
        open.set(record.requestId, {
          functionName: record.fn,
          attempts: 0,
          event: {
            requestId: record.requestId,
            payload: fromBase64(record.payload),
            traceId: record.traceId,
            invokedArn: record.invokedArn,
            receivedAt: record.receivedAt,
            recordOf: record.recordOf,
            chain: record.chain,
          },
        });
      } else if (record.op === "attempt") {
        const pending = open.get(record.requestId);
        if (pending) pending.attempts = Math.max(pending.attempts, record.attempt);
      } else if (record.op === "done") open.delete(record.requestId);
    }
    // An event whose record a destination function has (journaled above) had ended.
    const pending = [...open.values()].filter((p) => !recorded.has(p.event.requestId));
    const journal = new EventJournal(host, file);
    // Compact: only what is still pending stays.
    host.writeTextFileSync(
      file,
      pending
        .flatMap((p) => [
          JSON.stringify(acceptedRecord(p.functionName, p.event)),
          JSON.stringify({ op: "attempt", requestId: p.event.requestId, attempt: p.attempts }),
        ])
        .map((l) => `${l}\n`)
        .join(""),
    );
    return { journal, pending };
  }

  /** Resolves once the event is on disk: only then may the caller get its 202. */
  accepted(functionName: string, event: AsyncEvent): Promise<void> {
    return this.#append(acceptedRecord(functionName, event), true);
  }

  attempt(requestId: string, attempt: number): void {
    void this.#append({ op: "attempt", requestId, attempt }, false);
  }

  /** The event ran to its end (success, last failure, or dropped): it will not run again. */
  done(requestId: string): void {
    void this.#append({ op: "done", requestId }, true);
  }

  #append(record: Record, durable: boolean): Promise<void> {
    const line = `${JSON.stringify(record)}\n`;
    const write = this.#tail.then(() => this.#host.appendTextFile(this.file, line, durable));
    this.#tail = write.catch(() => {});
    return write;
  }
}

function acceptedRecord(fn: string, event: AsyncEvent): Record {
  return {
    op: "accepted",
    fn,
    requestId: event.requestId,
    payload: toBase64(event.payload),
    traceId: event.traceId,
    invokedArn: event.invokedArn,
    receivedAt: event.receivedAt,
    ...(event.recordOf === undefined ? {} : { recordOf: event.recordOf, chain: event.chain }),
  };
}

// Decoding AWS event-stream messages (framing in event-stream-frame.ts): one whole message, or a
// stream of them arriving in arbitrary chunks, both CRCs verified.
import {
  crc32,
  EVENT_STREAM_MAX_HEADERS_BYTES,
  EVENT_STREAM_MAX_MESSAGE_BYTES,
  EventStreamError,
  type EventStreamHeaderValue,
  type EventStreamMessage,
  OVERHEAD_BYTES,
  PRELUDE_BYTES,
} from "./event-stream-frame.ts";

const utf8Decoder = new TextDecoder();

// Checks a 12-byte prelude at `at` and returns the total message length.
function readPrelude(bytes: Uint8Array, at: number): { total: number; headersLength: number } {
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, PRELUDE_BYTES);
  const total = view.getUint32(0);
  const headersLength = view.getUint32(4);
  const expected = view.getUint32(8);
  const actual = crc32(bytes.subarray(at, at + 8));
  if (expected !== actual) {
    throw new EventStreamError(
      `event-stream prelude CRC32 mismatch: message says 0x${hex(expected)}, bytes give 0x${hex(actual)}`,
    );
  }
  if (total < OVERHEAD_BYTES || total > EVENT_STREAM_MAX_MESSAGE_BYTES) {
    throw new EventStreamError(
      `event-stream message length must be ${OVERHEAD_BYTES}–${EVENT_STREAM_MAX_MESSAGE_BYTES} bytes, got ${total}`,
    );
  }
  if (headersLength > EVENT_STREAM_MAX_HEADERS_BYTES || headersLength > total - OVERHEAD_BYTES) {
    throw new EventStreamError(
      `event-stream headers length ${headersLength} does not fit a ${total}-byte message (at most ${Math.min(EVENT_STREAM_MAX_HEADERS_BYTES, total - OVERHEAD_BYTES)})`,
    );
  }
  return { total, headersLength };
}

// Decodes the complete message bytes[at, at + total) whose prelude was already checked. The
// payload is a view into `bytes`, not a copy.
function decodeChecked(
  bytes: Uint8Array,
  at: number,
  total: number,
  headersLength: number,
): EventStreamMessage {
  const view = new DataView(bytes.buffer, bytes.byteOffset + at, total);
  const expected = view.getUint32(total - 4);
  const actual = crc32(bytes.subarray(at, at + total - 4));
  if (expected !== actual) {
    throw new EventStreamError(
      `event-stream message CRC32 mismatch: message says 0x${hex(expected)}, bytes give 0x${hex(actual)}`,
    );
  }
  const headersStart = at + PRELUDE_BYTES;
  return {
    headers: decodeHeaders(bytes.subarray(headersStart, headersStart + headersLength)),
    payload: bytes.subarray(headersStart + headersLength, at + total - 4),
  };
}

function decodeHeaders(bytes: Uint8Array): Record<string, EventStreamHeaderValue> {
  const headers: Record<string, EventStreamHeaderValue> = {};
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const end = bytes.length;
  let at = 0;
  const need = (n: number, what: string) => {
    if (at + n > end) {
      throw new EventStreamError(
        `event-stream headers end inside ${what}: needs ${n} bytes at offset ${at}, only ${end - at} left`,
      );
    }
  };
  while (at < end) {
    const nameLength = bytes[at++]!;
    need(nameLength + 1, "a header name");
    const name = utf8Decoder.decode(bytes.subarray(at, at + nameLength));
    at += nameLength;
    const type = bytes[at++]!;
    let value: EventStreamHeaderValue;
    switch (type) {
      case 0:
      case 1:
        value = type === 0;
        break;
      case 2:
        need(1, `header "${name}"`);
        value = { type: "byte", value: view.getInt8(at) };
        at += 1;
        break;
      case 3:
        need(2, `header "${name}"`);
        value = { type: "short", value: view.getInt16(at) };
        at += 2;
        break;
      case 4:
        need(4, `header "${name}"`);
        value = { type: "integer", value: view.getInt32(at) };
        at += 4;
        break;
      case 5:
        need(8, `header "${name}"`);
        value = { type: "long", value: view.getBigInt64(at) };
        at += 8;
        break;
      case 6:
      case 7: {
        need(2, `header "${name}"`);
        const length = view.getUint16(at);
        at += 2;
        need(length, `header "${name}"`);
        const slice = bytes.subarray(at, at + length);
        value = type === 7 ? utf8Decoder.decode(slice) : { type: "binary", value: slice.slice() };
        at += length;
        break;
      }
      case 8:
        need(8, `header "${name}"`);
        value = { type: "timestamp", value: new Date(Number(view.getBigInt64(at))) };
        at += 8;
        break;
      case 9: {
        need(16, `header "${name}"`);
        let h = "";
        for (let i = 0; i < 16; i++) h += bytes[at + i]!.toString(16).padStart(2, "0");
        value = {
          type: "uuid",
          value: `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`,
        };
        at += 16;
        break;
      }
      default:
        throw new EventStreamError(
          `event-stream header "${name}" has unknown value type ${type}; allowed: 0–9`,
        );
    }
    // A header may be named `__proto__`, which plain assignment would turn into a prototype change.
    if (name === "__proto__") {
      Object.defineProperty(headers, name, { value, enumerable: true, writable: true, configurable: true });
    } else {
      headers[name] = value;
    }
  }
  return headers;
}

/**
 * Decodes exactly one complete message, verifying both CRCs. The payload is a view into `bytes`.
 */
export function decodeEventStreamMessage(bytes: Uint8Array): EventStreamMessage {
  if (bytes.length < OVERHEAD_BYTES) {
    throw new EventStreamError(
      `event-stream message must be at least ${OVERHEAD_BYTES} bytes, got ${bytes.length}`,
    );
  }
  const { total, headersLength } = readPrelude(bytes, 0);
  if (total !== bytes.length) {
    throw new EventStreamError(
      `event-stream prelude says ${total} bytes, but the message has ${bytes.length}`,
    );
  }
  return decodeChecked(bytes, 0, total, headersLength);
}

/**
 * Incremental decoder for a stream of messages arriving in arbitrary chunks: a message may span
 * many chunks, and one chunk may hold many messages. Both CRCs are verified; on corruption `push`
 * throws an {@link EventStreamError} and the decoder refuses further input (a byte stream cannot be
 * resynchronised once framing is lost).
 *
 * Payloads of messages that lie wholly inside one pushed chunk are views into that chunk (no copy);
 * others are assembled into a fresh buffer. Either way they are never overwritten by the decoder.
 */
export class EventStreamDecoder {
  // The 12-byte prelude of the next message, while it is still arriving in pieces.
  #prelude = new Uint8Array(PRELUDE_BYTES);
  #preludeFilled = 0;
  // The message being assembled across chunks, once its prelude is known.
  #message: Uint8Array | null = null;
  #messageFilled = 0;
  #headersLength = 0;
  #failed: EventStreamError | null = null;

  /** Bytes held back waiting for the rest of a message. */
  get bufferedBytes(): number {
    return this.#message ? this.#messageFilled : this.#preludeFilled;
  }

  /** Feeds bytes in; returns every message they complete, in order. */
  push(chunk: Uint8Array): EventStreamMessage[] {
    if (this.#failed) throw this.#failed;
    try {
      return this.#push(chunk);
    } catch (error) {
      this.#failed =
        error instanceof EventStreamError
          ? error
          : new EventStreamError(String((error as Error)?.message ?? error));
      throw this.#failed;
    }
  }

  /** Declares the end of the stream; throws if it stopped part-way through a message. */
  end(): void {
    if (this.#failed) throw this.#failed;
    const held = this.bufferedBytes;
    if (held > 0) {
      const of = this.#message ? ` of a ${this.#message.length}-byte message` : "";
      this.#failed = new EventStreamError(`event-stream ended inside a message: ${held} bytes${of} received`);
      throw this.#failed;
    }
  }

  #push(chunk: Uint8Array): EventStreamMessage[] {
    const out: EventStreamMessage[] = [];
    const n = chunk.length;
    let at = 0;
    while (at < n) {
      if (this.#message) {
        // Continue the message in progress.
        const take = Math.min(this.#message.length - this.#messageFilled, n - at);
        this.#message.set(chunk.subarray(at, at + take), this.#messageFilled);
        this.#messageFilled += take;
        at += take;
        if (this.#messageFilled === this.#message.length) {
          const message = this.#message;
          this.#message = null;
          this.#messageFilled = 0;
          out.push(decodeChecked(message, 0, message.length, this.#headersLength));
        }
      } else if (this.#preludeFilled === 0 && n - at >= PRELUDE_BYTES) {
        // Fast path: the prelude is inside this chunk; decode in place if the message is too.
        const { total, headersLength } = readPrelude(chunk, at);
        if (n - at >= total) {
          out.push(decodeChecked(chunk, at, total, headersLength));
          at += total;
        } else {
          this.#begin(total, headersLength);
          this.#message!.set(chunk.subarray(at), 0);
          this.#messageFilled = n - at;
          at = n;
        }
      } else {
        // The prelude itself is split across chunks: collect its 12 bytes first.
        const take = Math.min(PRELUDE_BYTES - this.#preludeFilled, n - at);
        this.#prelude.set(chunk.subarray(at, at + take), this.#preludeFilled);
        this.#preludeFilled += take;
        at += take;
        if (this.#preludeFilled === PRELUDE_BYTES) {
          const { total, headersLength } = readPrelude(this.#prelude, 0);
          this.#begin(total, headersLength);
          this.#message!.set(this.#prelude, 0);
          this.#messageFilled = PRELUDE_BYTES;
          this.#preludeFilled = 0;
        }
      }
    }
    return out;
  }

  #begin(total: number, headersLength: number): void {
    // The prelude CRC was verified before this allocation, so a corrupt length cannot make us
    // reserve up to 4 GiB; the length is also capped at EVENT_STREAM_MAX_MESSAGE_BYTES.
    this.#message = new Uint8Array(total);
    this.#messageFilled = 0;
    this.#headersLength = headersLength;
  }
}

function hex(n: number): string {
  return n.toString(16).padStart(8, "0");
}

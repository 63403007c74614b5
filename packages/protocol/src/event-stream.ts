// The AWS event-stream binary framing, as InvokeWithResponseStream answers with it
// (docs/protocol.md, "InvokeWithResponseStream"). One message on the wire:
//
//   total length u32 BE | headers length u32 BE | prelude CRC32 (of the 8 bytes before it)
//   | headers | payload | message CRC32 (of every byte before it)
//
// A header is: name length u8, name (UTF-8), value type u8, value. The value types are the ones
// `@smithy/eventstream-codec` and `aws-c-event-stream` know: 0 true, 1 false, 2 byte, 3 short,
// 4 integer, 5 long, 6 byte array (u16 length), 7 string (u16 length), 8 timestamp (i64 ms),
// 9 uuid (16 bytes). lambkin itself only ever writes strings, but decodes them all so tests and
// tools can read any AWS stream.

/** Content type of an InvokeWithResponseStream reply body. */
export const EVENT_STREAM_CONTENT_TYPE = "application/vnd.amazon.eventstream";

/** Largest message `aws-c-event-stream` accepts (16 MiB); bigger lengths mean corrupt framing. */
export const EVENT_STREAM_MAX_MESSAGE_BYTES = 16 * 1024 * 1024;
/** Largest headers section `aws-c-event-stream` accepts (128 KiB). */
export const EVENT_STREAM_MAX_HEADERS_BYTES = 128 * 1024;

// Header names: the format allows 255 bytes, `aws-c-event-stream` only 127. We write at most 127 so
// every AWS decoder reads what we write, and accept up to 255 when reading.
const MAX_HEADER_NAME_BYTES_WRITE = 127;
// String and byte-array values carry a u16 length, but the AWS codecs cap them at a signed short.
const MAX_HEADER_VALUE_BYTES = 32767;

const PRELUDE_BYTES = 12; // total length + headers length + prelude CRC
const OVERHEAD_BYTES = PRELUDE_BYTES + 4; // + message CRC

/** Thrown on a malformed, corrupt or oversized event-stream message. */
export class EventStreamError extends Error {
  override name = "EventStreamError";
}

// ---------------------------------------------------------------------------------------------
// CRC-32 (ISO-HDLC: reflected polynomial 0xEDB88320, init and final XOR 0xFFFFFFFF), the one AWS
// uses for both checksums. Slicing-by-8 tables: every PayloadChunk is checksummed once when we
// write it and once by the SDK, so this runs over every streamed byte.
// ---------------------------------------------------------------------------------------------

const CRC_TABLE = makeCrcTable();

function makeCrcTable(): Int32Array {
  const table = new Int32Array(8 * 256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c;
  }
  // Table k holds the CRC of byte n followed by k zero bytes, so 8 bytes fold in one step.
  for (let n = 0; n < 256; n++) {
    let c = table[n]!;
    for (let k = 1; k < 8; k++) {
      c = table[c & 0xff]! ^ (c >>> 8);
      table[k * 256 + n] = c;
    }
  }
  return table;
}

/**
 * CRC-32/ISO-HDLC of `bytes` (`crc32("123456789") === 0xcbf43926`). Pass an earlier result as
 * `seed` to continue it: `crc32(b, crc32(a))` equals the CRC of `a` followed by `b`.
 */
export function crc32(bytes: Uint8Array, seed = 0): number {
  const t = CRC_TABLE;
  let crc = ~seed;
  let i = 0;
  const n = bytes.length;
  for (const end = n - 7; i < end; i += 8) {
    const lo = crc ^ (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    crc =
      t[1792 + (lo & 0xff)]! ^
      t[1536 + ((lo >>> 8) & 0xff)]! ^
      t[1280 + ((lo >>> 16) & 0xff)]! ^
      t[1024 + (lo >>> 24)]! ^
      t[768 + bytes[i + 4]!]! ^
      t[512 + bytes[i + 5]!]! ^
      t[256 + bytes[i + 6]!]! ^
      t[bytes[i + 7]!]!;
  }
  for (; i < n; i++) crc = t[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

// ---------------------------------------------------------------------------------------------
// Messages
// ---------------------------------------------------------------------------------------------

/**
 * A header value. Strings (type 7) and booleans (types 0/1) are plain values, since they are what
 * AWS streams use; the other wire types are tagged so they round-trip without losing their width.
 */
export type EventStreamHeaderValue =
  | string
  | boolean
  | { type: "byte"; value: number }
  | { type: "short"; value: number }
  | { type: "integer"; value: number }
  | { type: "long"; value: bigint }
  | { type: "binary"; value: Uint8Array }
  | { type: "timestamp"; value: Date }
  | { type: "uuid"; value: string };

export interface EventStreamMessage {
  headers: Record<string, EventStreamHeaderValue>;
  payload: Uint8Array;
}

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Encodes a headers object into its wire bytes (the section between prelude and payload). */
export function encodeEventStreamHeaders(headers: Record<string, EventStreamHeaderValue>): Uint8Array {
  // Two passes: size everything, then write into one buffer. Names and string values are encoded
  // once in the first pass and kept.
  const parts: Array<{ name: Uint8Array; value: EventStreamHeaderValue; bytes: Uint8Array | undefined }> = [];
  let size = 0;
  for (const key of Object.keys(headers)) {
    const value = headers[key]!;
    const name = utf8Encoder.encode(key);
    if (name.length === 0 || name.length > MAX_HEADER_NAME_BYTES_WRITE) {
      throw new EventStreamError(
        `event-stream header name must be 1–${MAX_HEADER_NAME_BYTES_WRITE} bytes, got ${name.length} ("${key}")`,
      );
    }
    let bytes: Uint8Array | undefined;
    size += 1 + name.length + 1;
    if (typeof value === "string" || isBinary(value)) {
      if (typeof value !== "string" && !(value.value instanceof Uint8Array)) {
        throw new EventStreamError(`event-stream header "${key}" of type binary must hold a Uint8Array`);
      }
      bytes = typeof value === "string" ? utf8Encoder.encode(value) : value.value;
      if (bytes.length > MAX_HEADER_VALUE_BYTES) {
        throw new EventStreamError(
          `event-stream header "${key}" value must be at most ${MAX_HEADER_VALUE_BYTES} bytes, got ${bytes.length}`,
        );
      }
      size += 2 + bytes.length;
    } else {
      size += fixedValueSize(key, value);
    }
    parts.push({ name, value, bytes });
  }
  if (size > EVENT_STREAM_MAX_HEADERS_BYTES) {
    throw new EventStreamError(
      `event-stream headers must be at most ${EVENT_STREAM_MAX_HEADERS_BYTES} bytes, got ${size}`,
    );
  }

  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  let at = 0;
  for (const { name, value, bytes } of parts) {
    out[at++] = name.length;
    out.set(name, at);
    at += name.length;
    if (bytes !== undefined) {
      out[at++] = typeof value === "string" ? 7 : 6;
      view.setUint16(at, bytes.length);
      out.set(bytes, at + 2);
      at += 2 + bytes.length;
    } else if (typeof value === "boolean") {
      out[at++] = value ? 0 : 1;
    } else if (typeof value === "object") {
      switch (value.type) {
        case "byte":
          out[at++] = 2;
          view.setInt8(at, value.value);
          at += 1;
          break;
        case "short":
          out[at++] = 3;
          view.setInt16(at, value.value);
          at += 2;
          break;
        case "integer":
          out[at++] = 4;
          view.setInt32(at, value.value);
          at += 4;
          break;
        case "long":
          out[at++] = 5;
          view.setBigInt64(at, value.value);
          at += 8;
          break;
        case "timestamp":
          out[at++] = 8;
          view.setBigInt64(at, BigInt(value.value.getTime()));
          at += 8;
          break;
        case "uuid": {
          out[at++] = 9;
          const hex = value.value.replace(/-/g, "");
          for (let i = 0; i < 16; i++) out[at + i] = Number.parseInt(hex.slice(i * 2, i * 2 + 2), 16);
          at += 16;
          break;
        }
      }
    }
  }
  return out;
}

function isBinary(value: EventStreamHeaderValue): value is { type: "binary"; value: Uint8Array } {
  return typeof value === "object" && value !== null && value.type === "binary";
}

// Size after the type byte of a fixed-width value, validating it on the way.
function fixedValueSize(key: string, value: EventStreamHeaderValue): number {
  if (typeof value === "boolean") return 0;
  if (typeof value !== "object" || value === null) {
    throw new EventStreamError(`event-stream header "${key}" has unsupported value ${String(value)}`);
  }
  const range = (min: number, max: number, bytes: number) => {
    const v = value.value as number;
    if (!Number.isInteger(v) || v < min || v > max) {
      throw new EventStreamError(
        `event-stream header "${key}" of type ${value.type} must be an integer ${min}…${max}, got ${v}`,
      );
    }
    return bytes;
  };
  switch (value.type) {
    case "byte":
      return range(-128, 127, 1);
    case "short":
      return range(-32768, 32767, 2);
    case "integer":
      return range(-2147483648, 2147483647, 4);
    case "long":
      if (value.value < -(2n ** 63n) || value.value >= 2n ** 63n) {
        throw new EventStreamError(
          `event-stream header "${key}" of type long is out of range: ${value.value}`,
        );
      }
      return 8;
    case "timestamp":
      if (Number.isNaN(value.value.getTime())) {
        throw new EventStreamError(`event-stream header "${key}" is an invalid date`);
      }
      return 8;
    case "uuid":
      if (!UUID_PATTERN.test(value.value)) {
        throw new EventStreamError(
          `event-stream header "${key}" must be a uuid like 01234567-89ab-cdef-0123-456789abcdef, got "${value.value}"`,
        );
      }
      return 16;
    default:
      throw new EventStreamError(
        `event-stream header "${key}" has unknown type "${(value as { type: unknown }).type}"; allowed: byte, short, integer, long, binary, timestamp, uuid`,
      );
  }
}

/** Encodes one message: prelude, headers, payload and both CRCs. */
export function encodeEventStreamMessage(message: EventStreamMessage): Uint8Array {
  return frame(encodeEventStreamHeaders(message.headers), message.payload);
}

// Wraps already-encoded header bytes and a payload into one message.
function frame(headerBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  const total = OVERHEAD_BYTES + headerBytes.length + payload.length;
  if (total > EVENT_STREAM_MAX_MESSAGE_BYTES) {
    throw new EventStreamError(
      `event-stream message must be at most ${EVENT_STREAM_MAX_MESSAGE_BYTES} bytes, got ${total}`,
    );
  }
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, total);
  view.setUint32(4, headerBytes.length);
  const preludeCrc = crc32(out.subarray(0, 8));
  view.setUint32(8, preludeCrc);
  out.set(headerBytes, PRELUDE_BYTES);
  out.set(payload, PRELUDE_BYTES + headerBytes.length);
  // The message CRC covers the whole prelude, so it continues from the prelude bytes' CRC rather
  // than rescanning them.
  view.setUint32(total - 4, crc32(out.subarray(8, total - 4), preludeCrc));
  return out;
}

// ---------------------------------------------------------------------------------------------
// The two Lambda events (service model: InvokeWithResponseStreamResponseEvent)
// ---------------------------------------------------------------------------------------------

/** Payload of the closing `InvokeComplete` event. */
export interface InvokeCompleteEvent {
  /** An error code, e.g. `Unhandled`, when the function failed. */
  ErrorCode?: string;
  /** The error JSON or message the function reported. */
  ErrorDetails?: string;
  /** Base64 of the last 4 KB of the log, when the caller asked for `Tail`. */
  LogResult?: string;
}

// The header bytes of every PayloadChunk are the same, so they are encoded once.
const PAYLOAD_CHUNK_HEADERS = encodeEventStreamHeaders({
  ":event-type": "PayloadChunk",
  ":content-type": "application/octet-stream",
  ":message-type": "event",
});
const INVOKE_COMPLETE_HEADERS = encodeEventStreamHeaders({
  ":event-type": "InvokeComplete",
  ":content-type": "application/json",
  ":message-type": "event",
});
const MAX_CHUNK_PAYLOAD = EVENT_STREAM_MAX_MESSAGE_BYTES - OVERHEAD_BYTES - PAYLOAD_CHUNK_HEADERS.length;

/**
 * Encodes response bytes as a `PayloadChunk` event. Bytes beyond one message's 16 MiB limit are
 * split into several consecutive PayloadChunk messages (concatenated in the result), which the SDK
 * reads as one continuous payload.
 */
export function encodePayloadChunk(bytes: Uint8Array): Uint8Array {
  if (bytes.length <= MAX_CHUNK_PAYLOAD) return frame(PAYLOAD_CHUNK_HEADERS, bytes);
  const messages: Uint8Array[] = [];
  let size = 0;
  for (let at = 0; at < bytes.length; at += MAX_CHUNK_PAYLOAD) {
    const message = frame(PAYLOAD_CHUNK_HEADERS, bytes.subarray(at, at + MAX_CHUNK_PAYLOAD));
    messages.push(message);
    size += message.length;
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const message of messages) {
    out.set(message, at);
    at += message.length;
  }
  return out;
}

/** Encodes the closing `InvokeComplete` event; absent fields are left out of its JSON. */
export function encodeInvokeComplete(event: InvokeCompleteEvent = {}): Uint8Array {
  const body: InvokeCompleteEvent = {};
  if (event.ErrorCode !== undefined) body.ErrorCode = event.ErrorCode;
  if (event.ErrorDetails !== undefined) body.ErrorDetails = event.ErrorDetails;
  if (event.LogResult !== undefined) body.LogResult = event.LogResult;
  return frame(INVOKE_COMPLETE_HEADERS, utf8Encoder.encode(JSON.stringify(body)));
}

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

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

// Encoding AWS event-stream messages (framing in event-stream-frame.ts, decoding in
// event-stream-decode.ts), and the two events InvokeWithResponseStream answers with
// (docs/protocol.md, "InvokeWithResponseStream").
import {
  crc32,
  EVENT_STREAM_MAX_HEADERS_BYTES,
  EVENT_STREAM_MAX_MESSAGE_BYTES,
  EventStreamError,
  type EventStreamHeaderValue,
  type EventStreamMessage,
  MAX_HEADER_NAME_BYTES_WRITE,
  MAX_HEADER_VALUE_BYTES,
  OVERHEAD_BYTES,
  PRELUDE_BYTES,
} from "./event-stream-frame.ts";

export { decodeEventStreamMessage, EventStreamDecoder } from "./event-stream-decode.ts";
export {
  crc32,
  EVENT_STREAM_CONTENT_TYPE,
  EVENT_STREAM_MAX_HEADERS_BYTES,
  EVENT_STREAM_MAX_MESSAGE_BYTES,
  EventStreamError,
  type EventStreamHeaderValue,
  type EventStreamMessage,
} from "./event-stream-frame.ts";

const utf8Encoder = new TextEncoder();
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

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
export const MAX_HEADER_NAME_BYTES_WRITE = 127;
// String and byte-array values carry a u16 length, but the AWS codecs cap them at a signed short.
export const MAX_HEADER_VALUE_BYTES = 32767;

export const PRELUDE_BYTES = 12; // total length + headers length + prelude CRC
export const OVERHEAD_BYTES = PRELUDE_BYTES + 4; // + message CRC

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

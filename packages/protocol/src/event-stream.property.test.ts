// Property tests (fast-check) for the event-stream codec: any message round-trips, byte for byte as
// the AWS SDK's own codec writes it, through any chunking of the stream; any corruption or
// truncation is an EventStreamError and never a RangeError or a wrong message.
import { EventStreamCodec, Int64, type MessageHeaders } from "@smithy/eventstream-codec";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  crc32,
  decodeEventStreamMessage,
  EventStreamDecoder,
  EventStreamError,
  type EventStreamHeaderValue,
  type EventStreamMessage,
  encodeEventStreamMessage,
  encodeInvokeComplete,
  encodePayloadChunk,
} from "./event-stream.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const smithy = new EventStreamCodec(
  (bytes) => dec.decode(bytes),
  (text) => enc.encode(text),
);

// Names a decoder that fills a plain object with `obj[name] = value` gets wrong.
const trickyName = fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty", ":event-type");
const headerName = fc.oneof(
  trickyName,
  fc.string({ unit: "grapheme", minLength: 1, maxLength: 24 }).filter((s) => enc.encode(s).length <= 127),
);
const MAX_LONG = 2n ** 63n - 1n;
const headerValue: fc.Arbitrary<EventStreamHeaderValue> = fc.oneof(
  fc.boolean(),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.integer({ min: -128, max: 127 }).map((value) => ({ type: "byte" as const, value })),
  fc.integer({ min: -32768, max: 32767 }).map((value) => ({ type: "short" as const, value })),
  fc.integer().map((value) => ({ type: "integer" as const, value })),
  fc.bigInt({ min: -MAX_LONG - 1n, max: MAX_LONG }).map((value) => ({ type: "long" as const, value })),
  fc.uint8Array({ maxLength: 40 }).map((value) => ({ type: "binary" as const, value })),
  fc
    .integer({ min: -8.64e15, max: 8.64e15 })
    .map((ms) => ({ type: "timestamp" as const, value: new Date(ms) })),
  fc.uuid().map((value) => ({ type: "uuid" as const, value })),
);
// Headers as the wire carries them: a list of distinct names, turned into a record without
// letting `__proto__` touch the prototype.
const headersArb = fc
  .uniqueArray(fc.tuple(headerName, headerValue), { selector: ([name]) => name, maxLength: 8 })
  .map((entries) => {
    const headers: Record<string, EventStreamHeaderValue> = {};
    for (const [name, value] of entries) {
      Object.defineProperty(headers, name, { value, enumerable: true, writable: true, configurable: true });
    }
    return headers;
  });
const messageArb: fc.Arbitrary<EventStreamMessage> = fc.record({
  headers: headersArb,
  payload: fc.uint8Array({ maxLength: 300 }),
});

// The same headers in the SDK codec's shape (long as its Int64, string and boolean tagged).
function toSmithy(headers: Record<string, EventStreamHeaderValue>): MessageHeaders {
  const out: MessageHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    const tagged =
      typeof value === "string"
        ? { type: "string" as const, value }
        : typeof value === "boolean"
          ? { type: "boolean" as const, value }
          : value.type === "long"
            ? { type: "long" as const, value: Int64.fromNumber(Number(value.value)) }
            : value;
    Object.defineProperty(out, name, { value: tagged, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** `bytes` cut at the given offsets (sorted, deduplicated, clamped). */
function cut(bytes: Uint8Array, offsets: number[]): Uint8Array[] {
  const points = [...new Set(offsets.map((o) => o % (bytes.length + 1)))].sort((a, b) => a - b);
  const chunks: Uint8Array[] = [];
  let at = 0;
  for (const p of [...points, bytes.length]) {
    chunks.push(bytes.slice(at, p));
    at = p;
  }
  return chunks;
}

/** Runs `fn`; an EventStreamError is an answer, any other throw fails the test. */
function refusal(fn: () => unknown): EventStreamError | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    if (error instanceof EventStreamError) return error;
    throw error;
  }
}

describe("event-stream codec (properties)", () => {
  it("round-trips any message", () => {
    fc.assert(
      fc.property(messageArb, (message) => {
        const decoded = decodeEventStreamMessage(encodeEventStreamMessage(message));
        expect(Object.keys(decoded.headers)).toStrictEqual(Object.keys(message.headers));
        for (const name of Object.keys(message.headers)) {
          expect(Object.getOwnPropertyDescriptor(decoded.headers, name)?.value).toStrictEqual(
            Object.getOwnPropertyDescriptor(message.headers, name)?.value,
          );
        }
        expect(decoded.payload).toStrictEqual(message.payload);
      }),
    );
  });

  it("writes the very bytes the AWS SDK codec writes for the same message", () => {
    const safeLongs = messageArb.filter((m) =>
      Object.values(m.headers).every(
        (v) => typeof v !== "object" || v.type !== "long" || Number.isSafeInteger(Number(v.value)),
      ),
    );
    fc.assert(
      fc.property(safeLongs, (message) => {
        const theirs = smithy.encode({ headers: toSmithy(message.headers), body: message.payload });
        expect(encodeEventStreamMessage(message)).toStrictEqual(theirs);
      }),
    );
  });

  it("decodes a stream of messages however its bytes are split into chunks", () => {
    fc.assert(
      fc.property(
        fc.array(messageArb, { minLength: 1, maxLength: 4 }),
        fc.array(fc.nat(), { maxLength: 12 }),
        (messages, offsets) => {
          const stream = concat(messages.map(encodeEventStreamMessage));
          const decoder = new EventStreamDecoder();
          const out = cut(stream, offsets).flatMap((chunk) => decoder.push(chunk));
          decoder.end();
          expect(decoder.bufferedBytes).toBe(0);
          expect(out.map((m) => encodeEventStreamMessage(m))).toStrictEqual(
            messages.map(encodeEventStreamMessage),
          );
        },
      ),
    );
  });

  it("refuses any single flipped bit with an EventStreamError", () => {
    fc.assert(
      fc.property(messageArb, fc.nat(), fc.integer({ min: 0, max: 7 }), (message, at, bit) => {
        const bytes = encodeEventStreamMessage(message);
        bytes[at % bytes.length]! ^= 1 << bit;
        expect(refusal(() => decodeEventStreamMessage(bytes))).toBeInstanceOf(EventStreamError);
        const decoder = new EventStreamDecoder();
        expect(
          refusal(() => {
            decoder.push(bytes);
            decoder.end();
          }),
        ).toBeInstanceOf(EventStreamError);
        // Once framing is lost the decoder stays failed.
        expect(refusal(() => decoder.push(new Uint8Array(1)))).toBeInstanceOf(EventStreamError);
      }),
    );
  });

  it("refuses a stream cut short, at any point", () => {
    fc.assert(
      fc.property(messageArb, fc.nat(), (message, at) => {
        const bytes = encodeEventStreamMessage(message);
        // At least one byte: an empty stream is a whole (empty) stream.
        const prefix = bytes.subarray(0, 1 + (at % (bytes.length - 1)));
        expect(refusal(() => decodeEventStreamMessage(prefix))).toBeInstanceOf(EventStreamError);
        const decoder = new EventStreamDecoder();
        expect(decoder.push(prefix)).toStrictEqual([]);
        expect(refusal(() => decoder.end())).toBeInstanceOf(EventStreamError);
      }),
    );
  });

  it("answers any bytes with messages or an EventStreamError, never another error", () => {
    // Random bytes almost never pass the prelude CRC, so half the inputs get a valid prelude.
    const withValidPrelude = fc
      .tuple(fc.nat({ max: 400 }), fc.nat(), fc.uint8Array({ maxLength: 400 }))
      .map(([total, headersLength, rest]) => {
        const prelude = new Uint8Array(12);
        const view = new DataView(prelude.buffer);
        view.setUint32(0, total);
        view.setUint32(4, headersLength % (total + 1));
        view.setUint32(8, crc32(prelude.subarray(0, 8)));
        return concat([prelude, rest]);
      });
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 200 }), withValidPrelude), (bytes) => {
        refusal(() => decodeEventStreamMessage(bytes));
        const decoder = new EventStreamDecoder();
        refusal(() => {
          decoder.push(bytes);
          decoder.end();
        });
      }),
    );
  });

  it("carries any response through PayloadChunk and any outcome through InvokeComplete", () => {
    fc.assert(
      fc.property(
        fc.uint8Array({ maxLength: 2000 }),
        fc.record(
          {
            ErrorCode: fc.string(),
            ErrorDetails: fc.string({ unit: "grapheme" }),
            LogResult: fc.base64String(),
          },
          { requiredKeys: [] },
        ),
        (payload, complete) => {
          const chunk = decodeEventStreamMessage(encodePayloadChunk(payload));
          expect(chunk.headers[":event-type"]).toBe("PayloadChunk");
          expect(chunk.payload).toStrictEqual(payload);
          const done = decodeEventStreamMessage(encodeInvokeComplete(complete));
          expect(done.headers[":event-type"]).toBe("InvokeComplete");
          expect(JSON.parse(dec.decode(done.payload))).toStrictEqual({ ...complete });
        },
      ),
    );
  });

  it("computes a CRC piecewise: crc32(b, crc32(a)) is the CRC of a then b", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), fc.uint8Array({ maxLength: 100 }), (a, b) => {
        expect(crc32(b, crc32(a))).toBe(crc32(concat([a, b])));
      }),
    );
  });
});

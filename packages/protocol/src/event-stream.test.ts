import { Int64 } from "@smithy/eventstream-codec";
import { describe, expect, it } from "vitest";
import { bytesOf, concat, dec, enc, smithy, toHex } from "./_event-stream-bytes.ts";
import {
  crc32,
  decodeEventStreamMessage,
  EVENT_STREAM_MAX_MESSAGE_BYTES,
  EventStreamDecoder,
  EventStreamError,
  type EventStreamMessage,
  encodeEventStreamHeaders,
  encodeEventStreamMessage,
  encodeInvokeComplete,
  encodePayloadChunk,
} from "./event-stream.ts";

// Plain bitwise CRC-32 (one bit at a time), to check the table-driven one on every length.
function referenceCrc32(bytes: Uint8Array): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return (crc ^ 0xffffffff) >>> 0;
}

describe("crc32", () => {
  it("matches the CRC-32/ISO-HDLC check value and other known answers", () => {
    expect(crc32(enc.encode("123456789"))).toBe(0xcbf43926);
    expect(crc32(new Uint8Array(0))).toBe(0);
    expect(crc32(enc.encode("The quick brown fox jumps over the lazy dog"))).toBe(0x414fa339);
    expect(crc32(new Uint8Array(32))).toBe(0x190a55ad);
  });

  it("agrees with a bitwise reference for every length up to 64 and larger inputs", () => {
    for (let length = 0; length <= 64; length++) {
      const bytes = bytesOf(length, length + 7);
      expect(crc32(bytes)).toBe(referenceCrc32(bytes));
    }
    const big = bytesOf(100_003, 99);
    expect(crc32(big)).toBe(referenceCrc32(big));
  });

  it("continues from a seed, so a CRC can be computed piecewise", () => {
    const bytes = bytesOf(1000, 3);
    const whole = crc32(bytes);
    for (const cut of [0, 1, 7, 8, 9, 500, 999, 1000]) {
      expect(crc32(bytes.subarray(cut), crc32(bytes.subarray(0, cut)))).toBe(whole);
    }
  });

  it("reads only the view it is given", () => {
    const backing = bytesOf(50, 5);
    const view = backing.subarray(10, 30);
    expect(crc32(view)).toBe(referenceCrc32(Uint8Array.from(view)));
  });
});

describe("encoding", () => {
  it("encodes the empty message as the AWS test vector", () => {
    // The `empty_message` vector of the AWS event-stream test suite.
    const bytes = encodeEventStreamMessage({ headers: {}, payload: new Uint8Array(0) });
    expect(toHex(bytes)).toBe("000000100000000005c248eb7d98c8ff");
    expect(toHex(smithy.encode({ headers: {}, body: new Uint8Array(0) }))).toBe(toHex(bytes));
  });

  it("produces the same bytes as the AWS SDK codec for string headers", () => {
    const payload = enc.encode('{"hello":"wörld"}');
    const ours = encodeEventStreamMessage({
      headers: { ":event-type": "PayloadChunk", ":message-type": "event", "x-ünicode": "ça va" },
      payload,
    });
    const theirs = smithy.encode({
      headers: {
        ":event-type": { type: "string", value: "PayloadChunk" },
        ":message-type": { type: "string", value: "event" },
        "x-ünicode": { type: "string", value: "ça va" },
      },
      body: payload,
    });
    expect(toHex(ours)).toBe(toHex(theirs));
  });

  it("produces the same bytes as the AWS SDK codec for every header type", () => {
    const when = new Date(1_700_000_000_123);
    const ours = encodeEventStreamMessage({
      headers: {
        t: true,
        f: false,
        b: { type: "byte", value: -5 },
        s: { type: "short", value: -1234 },
        i: { type: "integer", value: 2_000_000_000 },
        l: { type: "long", value: -5_000_000_000n },
        bin: { type: "binary", value: Uint8Array.of(0, 1, 2, 255) },
        str: "text",
        ts: { type: "timestamp", value: when },
        id: { type: "uuid", value: "0123abcd-4567-89ab-cdef-0123456789ab" },
      },
      payload: Uint8Array.of(9, 8, 7),
    });
    const theirs = smithy.encode({
      headers: {
        t: { type: "boolean", value: true },
        f: { type: "boolean", value: false },
        b: { type: "byte", value: -5 },
        s: { type: "short", value: -1234 },
        i: { type: "integer", value: 2_000_000_000 },
        l: { type: "long", value: Int64.fromNumber(-5_000_000_000) },
        bin: { type: "binary", value: Uint8Array.of(0, 1, 2, 255) },
        str: { type: "string", value: "text" },
        ts: { type: "timestamp", value: when },
        id: { type: "uuid", value: "0123abcd-4567-89ab-cdef-0123456789ab" },
      },
      body: Uint8Array.of(9, 8, 7),
    });
    expect(toHex(ours)).toBe(toHex(theirs));
  });

  it("encodes a PayloadChunk event the SDK reads back with the Lambda event headers", () => {
    const payload = bytesOf(300, 11);
    const message = smithy.decode(encodePayloadChunk(payload));
    expect(message.headers).toEqual({
      ":event-type": { type: "string", value: "PayloadChunk" },
      ":content-type": { type: "string", value: "application/octet-stream" },
      ":message-type": { type: "string", value: "event" },
    });
    expect(toHex(message.body)).toBe(toHex(payload));
  });

  it("encodes an empty PayloadChunk", () => {
    const message = decodeEventStreamMessage(encodePayloadChunk(new Uint8Array(0)));
    expect(message.payload.length).toBe(0);
    expect(message.headers[":event-type"]).toBe("PayloadChunk");
  });

  it("encodes InvokeComplete with only the fields given", () => {
    const empty = smithy.decode(encodeInvokeComplete());
    expect(empty.headers).toEqual({
      ":event-type": { type: "string", value: "InvokeComplete" },
      ":content-type": { type: "string", value: "application/json" },
      ":message-type": { type: "string", value: "event" },
    });
    expect(dec.decode(empty.body)).toBe("{}");

    const failed = smithy.decode(
      encodeInvokeComplete({
        ErrorCode: "Unhandled",
        ErrorDetails: '{"errorMessage":"boom"}',
        LogResult: "U1RBUlQ=",
      }),
    );
    expect(JSON.parse(dec.decode(failed.body))).toEqual({
      ErrorCode: "Unhandled",
      ErrorDetails: '{"errorMessage":"boom"}',
      LogResult: "U1RBUlQ=",
    });

    const partial = decodeEventStreamMessage(
      encodeInvokeComplete({ ErrorCode: undefined, LogResult: "eA==" }),
    );
    expect(dec.decode(partial.payload)).toBe('{"LogResult":"eA=="}');
  });

  it("splits a payload too big for one message into consecutive PayloadChunks", () => {
    const payload = bytesOf(EVENT_STREAM_MAX_MESSAGE_BYTES + 1000, 17);
    const stream = encodePayloadChunk(payload);
    const decoder = new EventStreamDecoder();
    const messages = decoder.push(stream);
    decoder.end();
    expect(messages.length).toBe(2);
    for (const m of messages) {
      expect(m.headers[":event-type"]).toBe("PayloadChunk");
      expect(m.payload.length + 16).toBeLessThanOrEqual(EVENT_STREAM_MAX_MESSAGE_BYTES);
    }
    const joined = concat(...messages.map((m) => m.payload));
    expect(joined.length).toBe(payload.length);
    expect(crc32(joined)).toBe(crc32(payload));
  });

  it("rejects headers AWS decoders cannot read, naming the value and the limit", () => {
    const payload = new Uint8Array(0);
    expect(() => encodeEventStreamMessage({ headers: { ["n".repeat(128)]: "x" }, payload })).toThrow(
      /header name must be 1–127 bytes, got 128/,
    );
    expect(() => encodeEventStreamMessage({ headers: { "": "x" }, payload })).toThrow(EventStreamError);
    expect(() => encodeEventStreamMessage({ headers: { big: "v".repeat(32768) }, payload })).toThrow(
      /"big" value must be at most 32767 bytes, got 32768/,
    );
    expect(() =>
      encodeEventStreamMessage({ headers: { id: { type: "uuid", value: "not-a-uuid" } }, payload }),
    ).toThrow(/must be a uuid .* got "not-a-uuid"/);
    expect(() => encodeEventStreamMessage({ headers: { b: { type: "byte", value: 300 } }, payload })).toThrow(
      /byte must be an integer -128…127, got 300/,
    );
    expect(() =>
      encodeEventStreamMessage({
        headers: { x: { type: "float", value: 1 } as unknown as EventStreamMessage["headers"][string] },
        payload,
      }),
    ).toThrow(/unknown type "float"/);
    expect(() =>
      encodeEventStreamMessage({ headers: {}, payload: new Uint8Array(EVENT_STREAM_MAX_MESSAGE_BYTES) }),
    ).toThrow(/at most 16777216 bytes, got 16777232/);
  });

  it("keeps header bytes for reuse stable", () => {
    const a = encodeEventStreamHeaders({ ":event-type": "PayloadChunk" });
    expect(toHex(a)).toBe(`0b${toHex(enc.encode(":event-type"))}07000c${toHex(enc.encode("PayloadChunk"))}`);
  });
});

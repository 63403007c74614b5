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
  encodeEventStreamMessage,
  encodeInvokeComplete,
  encodePayloadChunk,
} from "./event-stream.ts";

describe("decoding", () => {
  it("decodes every header type written by the AWS SDK codec", () => {
    const bytes = smithy.encode({
      headers: {
        t: { type: "boolean", value: true },
        f: { type: "boolean", value: false },
        b: { type: "byte", value: 127 },
        s: { type: "short", value: -32768 },
        i: { type: "integer", value: -1 },
        l: { type: "long", value: Int64.fromNumber(1_234_567_890_123) },
        bin: { type: "binary", value: Uint8Array.of(1, 2, 3) },
        str: { type: "string", value: "snow ☃" },
        ts: { type: "timestamp", value: new Date(86_400_000) },
        id: { type: "uuid", value: "ffffffff-0000-1111-2222-333333333333" },
      },
      body: enc.encode("payload"),
    });
    const message = decodeEventStreamMessage(bytes);
    expect(message.headers).toEqual({
      t: true,
      f: false,
      b: { type: "byte", value: 127 },
      s: { type: "short", value: -32768 },
      i: { type: "integer", value: -1 },
      l: { type: "long", value: 1_234_567_890_123n },
      bin: { type: "binary", value: Uint8Array.of(1, 2, 3) },
      str: "snow ☃",
      ts: { type: "timestamp", value: new Date(86_400_000) },
      id: { type: "uuid", value: "ffffffff-0000-1111-2222-333333333333" },
    });
    expect(dec.decode(message.payload)).toBe("payload");
  });

  it("round-trips its own messages", () => {
    const original: EventStreamMessage = {
      headers: {
        a: "1",
        b: false,
        c: { type: "long", value: 2n ** 62n },
        d: { type: "binary", value: bytesOf(40) },
      },
      payload: bytesOf(1000, 4),
    };
    expect(decodeEventStreamMessage(encodeEventStreamMessage(original))).toEqual(original);
  });

  it("rejects a wrong prelude CRC, a wrong message CRC and a wrong length", () => {
    const good = encodePayloadChunk(enc.encode("hello"));

    const badPrelude = good.slice();
    badPrelude[3] = (badPrelude[3]! + 1) & 0xff; // total length no longer matches its CRC
    expect(() => decodeEventStreamMessage(badPrelude)).toThrow(EventStreamError);
    expect(() => decodeEventStreamMessage(badPrelude)).toThrow(
      /prelude CRC32 mismatch: message says 0x[0-9a-f]{8}/,
    );

    const badPayload = good.slice();
    badPayload[good.length - 6] = (badPayload[good.length - 6]! ^ 0x01) & 0xff;
    expect(() => decodeEventStreamMessage(badPayload)).toThrow(/message CRC32 mismatch/);

    const badChecksum = good.slice();
    badChecksum[good.length - 1] = (badChecksum[good.length - 1]! ^ 0x80) & 0xff;
    expect(() => decodeEventStreamMessage(badChecksum)).toThrow(/message CRC32 mismatch/);

    expect(() => decodeEventStreamMessage(concat(good, Uint8Array.of(0)))).toThrow(
      new RegExp(`prelude says ${good.length} bytes, but the message has ${good.length + 1}`),
    );
    expect(() => decodeEventStreamMessage(good.subarray(0, 10))).toThrow(/at least 16 bytes, got 10/);
  });

  it("rejects headers that are corrupt even though the CRCs match", () => {
    // An unknown value type 10, with valid CRCs around it.
    const headers = Uint8Array.of(1, 0x78, 10);
    const total = 16 + headers.length;
    const bytes = new Uint8Array(total);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, total);
    view.setUint32(4, headers.length);
    view.setUint32(8, crc32(bytes.subarray(0, 8)));
    bytes.set(headers, 12);
    view.setUint32(total - 4, crc32(bytes.subarray(0, total - 4)));
    expect(() => decodeEventStreamMessage(bytes)).toThrow(/header "x" has unknown value type 10/);

    // A string header whose length runs past the headers section.
    const overrun = Uint8Array.of(1, 0x79, 7, 0, 50, 0x61);
    const total2 = 16 + overrun.length;
    const bytes2 = new Uint8Array(total2);
    const view2 = new DataView(bytes2.buffer);
    view2.setUint32(0, total2);
    view2.setUint32(4, overrun.length);
    view2.setUint32(8, crc32(bytes2.subarray(0, 8)));
    bytes2.set(overrun, 12);
    view2.setUint32(total2 - 4, crc32(bytes2.subarray(0, total2 - 4)));
    expect(() => decodeEventStreamMessage(bytes2)).toThrow(/headers end inside header "y"/);
  });

  it("rejects a message length beyond the AWS limit before buffering it", () => {
    const prelude = new Uint8Array(12);
    const view = new DataView(prelude.buffer);
    view.setUint32(0, EVENT_STREAM_MAX_MESSAGE_BYTES + 1);
    view.setUint32(4, 0);
    view.setUint32(8, crc32(prelude.subarray(0, 8)));
    const decoder = new EventStreamDecoder();
    expect(() => decoder.push(prelude)).toThrow(/message length must be 16–16777216 bytes, got 16777217/);
  });
});

describe("EventStreamDecoder", () => {
  const messages = [
    encodePayloadChunk(enc.encode("first chunk")),
    encodePayloadChunk(new Uint8Array(0)),
    encodePayloadChunk(bytesOf(257, 21)),
    encodeInvokeComplete({ LogResult: "bG9n" }),
  ];
  const stream = concat(...messages);
  const expected = messages.map((m) => decodeEventStreamMessage(m.slice()));

  it("decodes several messages pushed in one chunk", () => {
    const decoder = new EventStreamDecoder();
    expect(decoder.push(stream)).toEqual(expected);
    expect(decoder.bufferedBytes).toBe(0);
    decoder.end();
  });

  it("decodes the stream split at every byte position", () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const decoder = new EventStreamDecoder();
      const got = [...decoder.push(stream.subarray(0, cut)), ...decoder.push(stream.subarray(cut))];
      expect(got).toEqual(expected);
      decoder.end();
    }
  });

  it("decodes the stream fed one byte at a time", () => {
    const decoder = new EventStreamDecoder();
    const got: EventStreamMessage[] = [];
    for (let i = 0; i < stream.length; i++) got.push(...decoder.push(stream.subarray(i, i + 1)));
    expect(got).toEqual(expected);
    decoder.end();
  });

  it("decodes the stream cut into three pieces at every pair of positions in the first message", () => {
    // Thousands of cases: compare cheap signatures, and fail with the first differing cut.
    const signature = (list: EventStreamMessage[]) =>
      list.map((m) => `${JSON.stringify(m.headers)}:${toHex(m.payload)}`).join("|");
    const want = signature(expected);
    const first = messages[0]!.length;
    for (let a = 0; a <= first; a++) {
      for (let b = a; b <= first + 4; b++) {
        const decoder = new EventStreamDecoder();
        const got = [
          ...decoder.push(stream.subarray(0, a)),
          ...decoder.push(stream.subarray(a, b)),
          ...decoder.push(stream.subarray(b)),
        ];
        const have = signature(got);
        if (have !== want) expect({ a, b, have }).toEqual({ a, b, have: want });
      }
    }
  });

  it("keeps earlier payloads intact while later chunks arrive", () => {
    const decoder = new EventStreamDecoder();
    const got: EventStreamMessage[] = [];
    for (let i = 0; i < stream.length; i += 5) got.push(...decoder.push(stream.slice(i, i + 5)));
    expect(got.map((m) => toHex(m.payload))).toEqual(expected.map((m) => toHex(m.payload)));
  });

  it("throws on corruption, then refuses further input", () => {
    const corrupt = stream.slice();
    corrupt[messages[0]!.length + 20] = (corrupt[messages[0]!.length + 20]! ^ 0xff) & 0xff;
    const decoder = new EventStreamDecoder();
    const first = decoder.push(corrupt.subarray(0, messages[0]!.length));
    expect(first.length).toBe(1);
    expect(() => decoder.push(corrupt.subarray(messages[0]!.length))).toThrow(EventStreamError);
    expect(() => decoder.push(messages[1]!)).toThrow(EventStreamError);
  });

  it("detects a corrupt prelude split across chunks", () => {
    const corrupt = messages[0]!.slice();
    corrupt[1] = 0x7f;
    const decoder = new EventStreamDecoder();
    expect(decoder.push(corrupt.subarray(0, 5))).toEqual([]);
    expect(() => decoder.push(corrupt.subarray(5))).toThrow(/prelude CRC32 mismatch/);
  });

  it("reports a stream that ends inside a message", () => {
    const decoder = new EventStreamDecoder();
    decoder.push(stream.subarray(0, messages[0]!.length + 3));
    expect(decoder.bufferedBytes).toBe(3);
    expect(() => decoder.end()).toThrow(/ended inside a message: 3 bytes received/);

    const decoder2 = new EventStreamDecoder();
    decoder2.push(stream.subarray(0, 20));
    expect(() => decoder2.end()).toThrow(new RegExp(`20 bytes of a ${messages[0]!.length}-byte message`));
  });

  it("reads a stream the AWS SDK codec wrote", () => {
    const bytes = concat(
      smithy.encode({
        headers: {
          ":event-type": { type: "string", value: "PayloadChunk" },
          ":message-type": { type: "string", value: "event" },
        },
        body: enc.encode("from the sdk"),
      }),
      smithy.encode({
        headers: {
          ":event-type": { type: "string", value: "InvokeComplete" },
          ":message-type": { type: "string", value: "event" },
        },
        body: enc.encode("{}"),
      }),
    );
    const decoder = new EventStreamDecoder();
    const got = [...decoder.push(bytes.subarray(0, 31)), ...decoder.push(bytes.subarray(31))];
    expect(got.map((m) => m.headers[":event-type"])).toEqual(["PayloadChunk", "InvokeComplete"]);
    expect(dec.decode(got[0]!.payload)).toBe("from the sdk");
  });
});

import { describe, expect, it } from "vitest";
import { HttpResultError } from "./http-event.ts";
import {
  encodeHttpPrelude,
  fromHttpPrelude,
  HTTP_INTEGRATION_CONTENT_TYPE,
  type HttpPrelude,
  HttpPreludeParser,
} from "./http-prelude.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const bytesOf = (length: number) => Uint8Array.from({ length }, (_, i) => (i * 131 + 7) & 0xff);
const concat = (parts: Uint8Array[]) => Uint8Array.from(parts.flatMap((part) => [...part]));

describe("http-integration prelude", () => {
  const prelude: HttpPrelude = {
    statusCode: 201,
    headers: { "content-type": "text/plain", "x-custom": "yes" },
    cookies: ["a=1", "b=2; Secure"],
  };
  // The body starts and is interspersed with NULs: they must not be mistaken for the delimiter.
  const body = concat([
    Uint8Array.of(0, 0, 0),
    enc.encode("streamed ☃ body"),
    new Uint8Array(9),
    bytesOf(50),
  ]);
  const stream = concat([encodeHttpPrelude(prelude), body]);

  it("encodes the prelude as JSON followed by 8 NUL bytes", () => {
    const bytes = encodeHttpPrelude({ statusCode: 200 });
    expect(dec.decode(bytes.subarray(0, bytes.length - 8))).toBe('{"statusCode":200}');
    expect(Array.from(bytes.subarray(bytes.length - 8))).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(HTTP_INTEGRATION_CONTENT_TYPE).toBe("application/vnd.awslambda.http-integration-response");
  });

  it("parses a prelude split at every byte position, and passes the body through intact", () => {
    for (let cut = 0; cut <= stream.length; cut++) {
      const parser = new HttpPreludeParser();
      const a = parser.push(stream.subarray(0, cut));
      const b = parser.push(stream.subarray(cut));
      const preludes = [a.prelude, b.prelude].filter((p) => p !== undefined);
      expect(preludes).toEqual([prelude]);
      expect(parser.prelude).toEqual(prelude);
      expect(concat([a.body, b.body])).toEqual(body);
      expect(parser.end()).toEqual(prelude);
    }
  });

  it("parses a prelude fed one byte at a time", () => {
    const parser = new HttpPreludeParser();
    const bodies: Uint8Array[] = [];
    let seen = 0;
    for (let i = 0; i < stream.length; i++) {
      const r = parser.push(stream.subarray(i, i + 1));
      if (r.prelude) seen++;
      bodies.push(r.body);
    }
    expect(seen).toBe(1);
    expect(concat(bodies)).toEqual(body);
  });

  it("returns chunks after the prelude untouched", () => {
    const parser = new HttpPreludeParser();
    const first = parser.push(encodeHttpPrelude({}));
    expect(first.prelude).toEqual({});
    expect(first.body.length).toBe(0);
    const chunk = enc.encode("later");
    expect(parser.push(chunk).body).toBe(chunk);
  });

  it("is not confused when the caller reuses its chunk buffer", () => {
    const parser = new HttpPreludeParser();
    const bytes = encodeHttpPrelude({ statusCode: 202 });
    const buffer = new Uint8Array(4);
    let got: HttpPrelude | undefined;
    for (let i = 0; i < bytes.length; i += 4) {
      const piece = bytes.subarray(i, i + 4);
      buffer.fill(0x7b);
      buffer.set(piece);
      got = parser.push(buffer.subarray(0, piece.length)).prelude ?? got;
    }
    expect(got).toEqual({ statusCode: 202 });
  });

  it("maps a prelude to status and headers, with each cookie as its own set-cookie", () => {
    const { status, headers } = fromHttpPrelude(prelude);
    expect(status).toBe(201);
    expect(headers.get("x-custom")).toBe("yes");
    expect(headers.getSetCookie()).toEqual(["a=1", "b=2; Secure"]);
    expect(fromHttpPrelude({}).status).toBe(200);
  });

  it("throws HttpResultError on a malformed prelude", () => {
    const nul8 = new Uint8Array(8);
    const bad: Array<[Uint8Array, RegExp]> = [
      [concat([enc.encode("not json"), nul8]), /prelude is not JSON: "not json"/],
      [concat([enc.encode("[1,2]"), nul8]), /must be a JSON object, got an array/],
      [concat([enc.encode('{"statusCode":"200"}'), nul8]), /prelude statusCode must be an integer 200–599/],
      [concat([enc.encode('{"cookies":"a=1"}'), nul8]), /cookies must be an array/],
      [concat([enc.encode("{}"), new Uint8Array(3), enc.encode("x")]), /followed by 8 NUL bytes, got 3/],
      [nul8, /prelude is not JSON/],
    ];
    for (const [bytes, message] of bad) {
      const parser = new HttpPreludeParser();
      expect(() => parser.push(bytes)).toThrow(HttpResultError);
      expect(() => new HttpPreludeParser().push(bytes)).toThrow(message);
    }
  });

  it("reports a body that ends before the prelude completes", () => {
    const parser = new HttpPreludeParser();
    parser.push(enc.encode('{"statusCode":200}'));
    parser.push(new Uint8Array(5));
    expect(parser.prelude).toBe(undefined);
    expect(() => parser.end()).toThrow(/ended after 23 bytes, before its prelude/);
    expect(() => new HttpPreludeParser().end()).toThrow(HttpResultError);
  });

  it("gives up on a prelude that never ends", () => {
    const parser = new HttpPreludeParser();
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    expect(() => {
      for (let i = 0; i < 17; i++) parser.push(chunk);
    }).toThrow(/exceeds 1048576 bytes/);
  });
});

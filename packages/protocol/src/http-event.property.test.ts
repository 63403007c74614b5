// Property tests (fast-check) for the Function URL mapping, both ways: any request reaches the
// function with every byte, header, cookie and query parameter intact, and what an echoing function
// returns reaches the caller as the bytes it was sent.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { fromHttpResult, HttpResultError, toHttpEvent } from "./http-event.ts";
import { encodeHttpPrelude, type HttpPrelude, HttpPreludeParser } from "./http-prelude.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const EMPTY = new Uint8Array(0);

const TOKEN_CHARS = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
// Header names, including ones that name Object.prototype members.
const headerNameArb = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "toString", "valueOf", "hasOwnProperty", "X-Custom", "Accept"),
  fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 16 }),
);
// Header values as they survive HTTP: visible ASCII inside, no whitespace at either end.
const headerValueArb = fc
  .string({ unit: fc.constantFrom(...' !"#abcXYZ019=;,./:~'), maxLength: 20 })
  .map((s) => s.trim());
const contentTypeArb = fc.option(
  fc.constantFrom(
    "application/json",
    "text/plain; charset=utf-8",
    "application/octet-stream",
    "application/x-www-form-urlencoded",
    "image/png",
    "APPLICATION/XML",
  ),
  { nil: undefined },
);
const bodyArb = fc.oneof(
  fc.uint8Array({ maxLength: 200 }),
  fc.string({ unit: "grapheme", maxLength: 80 }).map((s) => enc.encode(s)),
);

function fromBase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

/** The bytes a payload 2.0 event's body stands for. */
function eventBodyBytes(event: { body?: string; isBase64Encoded: boolean }): Uint8Array {
  if (event.body === undefined) return EMPTY;
  return event.isBase64Encoded ? fromBase64(event.body) : enc.encode(event.body);
}

function own(record: Record<string, string>, key: string): string | undefined {
  return Object.getOwnPropertyDescriptor(record, key)?.value;
}

describe("toHttpEvent (properties)", () => {
  it("hands the function every byte of any body, as text or base64", () => {
    fc.assert(
      fc.property(bodyArb, contentTypeArb, (body, contentType) => {
        const headers = contentType === undefined ? undefined : { "content-type": contentType };
        const request = new Request("http://u.lambda-url.localhost/p", { method: "POST", headers });
        const event = toHttpEvent(request, { rawPath: "/p", body, requestId: "r" });
        expect(eventBodyBytes(event)).toStrictEqual(body);
        expect("body" in event).toBe(body.length > 0);
      }),
    );
  });

  it("keeps every header line, names lowercased and repeats joined with commas in order", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(headerNameArb, headerValueArb), { maxLength: 10 }), (lines) => {
        const request = new Request("http://u.lambda-url.localhost/");
        const event = toHttpEvent(request, { rawPath: "/", body: EMPTY, requestId: "r", rawHeaders: lines });
        const expected = new Map<string, string[]>();
        for (const [name, value] of lines) {
          const key = name.toLowerCase();
          expected.set(key, [...(expected.get(key) ?? []), value]);
        }
        expect(Object.keys(event.headers).sort()).toStrictEqual([...expected.keys()].sort());
        for (const [key, values] of expected) expect(own(event.headers, key)).toBe(values.join(","));
        expect(JSON.parse(JSON.stringify(event)).headers).toStrictEqual({ ...event.headers });
      }),
    );
  });

  it("reads the same headers from a web Request as the engine joined them", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(headerNameArb, headerValueArb), { maxLength: 10 }), (lines) => {
        const headers = new Headers();
        for (const [name, value] of lines) headers.append(name, value);
        const request = new Request("http://u.lambda-url.localhost/", { headers });
        const event = toHttpEvent(request, { rawPath: "/", body: EMPTY, requestId: "r" });
        expect(Object.keys(event.headers).sort()).toStrictEqual([...request.headers.keys()].sort());
        for (const [key, value] of request.headers) expect(own(event.headers, key)).toBe(value);
      }),
    );
  });

  it("splits every Cookie line into its cookies", () => {
    const cookieArb = fc.tuple(
      fc.string({ unit: fc.constantFrom(..."abcXYZ_-0"), minLength: 1, maxLength: 8 }),
      fc.string({ unit: fc.constantFrom(..."abc=019%"), maxLength: 8 }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(cookieArb, { minLength: 1, maxLength: 4 }), { maxLength: 3 }),
        (lines) => {
          const raw = lines.map(
            (cookies) => ["cookie", cookies.map(([k, v]) => `${k}=${v}`).join("; ")] as const,
          );
          const event = toHttpEvent(new Request("http://u.lambda-url.localhost/"), {
            rawPath: "/",
            body: EMPTY,
            requestId: "r",
            rawHeaders: raw,
          });
          const all = lines.flat().map(([k, v]) => `${k}=${v}`);
          if (all.length === 0) expect("cookies" in event).toBe(false);
          else expect(event.cookies).toStrictEqual(all);
        },
      ),
    );
  });

  it("keeps the raw query string as sent and decodes its parameters as a form would", () => {
    const queryArb = fc
      .array(
        fc.tuple(
          fc.oneof(fc.constantFrom("__proto__", "constructor", "a", "b"), fc.string({ maxLength: 6 })),
          fc.string({ unit: "grapheme", maxLength: 6 }),
        ),
        { minLength: 1, maxLength: 6 },
      )
      .map((pairs) => new URLSearchParams(pairs).toString());
    fc.assert(
      fc.property(queryArb, (query) => {
        const event = toHttpEvent(new Request(`http://u.lambda-url.localhost/x?${query}`), {
          rawPath: "/x",
          body: EMPTY,
          requestId: "r",
        });
        expect(event.rawQueryString).toBe(query);
        const params = new URLSearchParams(query);
        const expected: Record<string, string> = {};
        for (const key of new Set(params.keys())) {
          Object.defineProperty(expected, key, { value: params.getAll(key).join(","), enumerable: true });
        }
        if (query === "") return;
        const got = event.queryStringParameters ?? {};
        expect(Object.keys(got).sort()).toStrictEqual(Object.keys(expected).sort());
        for (const key of Object.keys(expected)) expect(own(got, key)).toBe(own(expected, key));
      }),
    );
  });
});

describe("fromHttpResult (properties)", () => {
  it("gives the caller back the very bytes an echoing function was sent", () => {
    fc.assert(
      fc.property(
        bodyArb,
        contentTypeArb,
        fc.integer({ min: 200, max: 599 }),
        (body, contentType, status) => {
          const headers = contentType === undefined ? undefined : { "content-type": contentType };
          const request = new Request("http://u.lambda-url.localhost/", { method: "PUT", headers });
          const event = toHttpEvent(request, { rawPath: "/", body, requestId: "r" });
          // What an echo handler returns, through the JSON the runtime posts.
          const result = JSON.parse(
            JSON.stringify({ statusCode: status, body: event.body, isBase64Encoded: event.isBase64Encoded }),
          );
          const parts = fromHttpResult(result);
          expect(parts.status).toBe(status);
          expect(parts.body).toStrictEqual(body);
        },
      ),
    );
  });

  it("sends each header and every cookie of a structured result", () => {
    fc.assert(
      fc.property(
        fc.dictionary(
          fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 10 }),
          headerValueArb,
          { maxKeys: 6 },
        ),
        fc.array(
          headerValueArb.filter((v) => v.length > 0 && !v.includes(",")),
          { maxLength: 4 },
        ),
        (headers, cookies) => {
          const parts = fromHttpResult({ statusCode: 200, headers, cookies });
          const lower = new Map<string, string[]>();
          for (const [name, value] of Object.entries(headers)) {
            lower.set(name.toLowerCase(), [...(lower.get(name.toLowerCase()) ?? []), value]);
          }
          for (const [name, values] of lower) {
            if (name === "set-cookie") continue;
            expect(parts.headers.get(name)).toBe(values.join(", "));
          }
          const fromHeaders = lower.get("set-cookie") ?? [];
          expect(parts.headers.getSetCookie()).toStrictEqual([...fromHeaders, ...cookies]);
        },
      ),
    );
  });

  it("answers any returned JSON with a response or an HttpResultError (the 502), never a crash", () => {
    const resultArb = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      fc.record(
        {
          statusCode: fc.oneof(fc.integer({ min: -5, max: 700 }), fc.string(), fc.constant(null)),
          headers: fc.oneof(
            fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 })),
            fc.jsonValue({ maxDepth: 1 }),
          ),
          multiValueHeaders: fc.jsonValue({ maxDepth: 2 }),
          cookies: fc.jsonValue({ maxDepth: 2 }),
          body: fc.jsonValue({ maxDepth: 1 }),
          isBase64Encoded: fc.jsonValue({ maxDepth: 0 }),
        },
        { requiredKeys: ["statusCode"] },
      ),
    );
    fc.assert(
      fc.property(resultArb, (result) => {
        let parts: ReturnType<typeof fromHttpResult>;
        try {
          parts = fromHttpResult(result);
        } catch (error) {
          expect(error).toBeInstanceOf(HttpResultError);
          return;
        }
        expect(parts.status).toBeGreaterThanOrEqual(200);
        expect(parts.status).toBeLessThanOrEqual(599);
        const structured =
          typeof result === "object" && result !== null && !Array.isArray(result) && "statusCode" in result;
        if (!structured) expect(dec.decode(parts.body)).toBe(JSON.stringify(result));
      }),
    );
  });
});

describe("HttpPreludeParser (properties)", () => {
  it("splits any streamed http-integration body into its prelude and body, however it is chunked", () => {
    const preludeArb: fc.Arbitrary<HttpPrelude> = fc.record(
      {
        statusCode: fc.integer({ min: 200, max: 599 }),
        headers: fc.dictionary(
          fc.string({ unit: fc.constantFrom(...TOKEN_CHARS), minLength: 1, maxLength: 8 }),
          headerValueArb,
          {
            maxKeys: 4,
          },
        ),
        cookies: fc.array(
          headerValueArb.filter((v) => v.length > 0),
          { maxLength: 3 },
        ),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        preludeArb,
        fc.uint8Array({ maxLength: 100 }),
        fc.array(fc.nat(), { maxLength: 6 }),
        (prelude, body, offsets) => {
          const prefix = encodeHttpPrelude(prelude);
          const all = new Uint8Array(prefix.length + body.length);
          all.set(prefix);
          all.set(body, prefix.length);
          const points = [...new Set(offsets.map((o) => o % (all.length + 1)))].sort((a, b) => a - b);
          const parser = new HttpPreludeParser();
          const out: number[] = [];
          let seen: HttpPrelude | undefined;
          let at = 0;
          for (const p of [...points, all.length]) {
            const step = parser.push(all.slice(at, p));
            if (step.prelude) {
              expect(seen).toBeUndefined();
              seen = step.prelude;
            }
            out.push(...step.body);
            at = p;
          }
          expect(parser.end()).toStrictEqual(JSON.parse(JSON.stringify(prelude)));
          expect(seen).toBe(parser.prelude);
          expect(Uint8Array.from(out)).toStrictEqual(body);
        },
      ),
    );
  });
});

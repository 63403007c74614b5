import { describe, expect, it } from "vitest";
import {
  BAD_GATEWAY_BODY,
  badGatewayResult,
  formatRequestTime,
  fromHttpResult,
  HttpResultError,
  isTextContentType,
  type ToHttpEventOptions,
  toHttpEvent,
  toHttpResponse,
} from "./http-event.ts";

const enc = new TextEncoder();
const dec = new TextDecoder();
const NOW = Date.UTC(2026, 10, 27, 10, 22, 44, 123);
const EMPTY = new Uint8Array(0);

function event(
  url: string,
  init: RequestInit = {},
  opts: Partial<ToHttpEventOptions> & { body?: Uint8Array } = {},
) {
  const request = new Request(url, init);
  const rawPath = opts.rawPath ?? new URL(request.url).pathname;
  return toHttpEvent(request, { rawPath, body: EMPTY, requestId: "req-1", now: NOW, ...opts });
}

// Decodes base64 independently of the module under test.
function unbase64(text: string): Uint8Array {
  return Uint8Array.from(atob(text), (c) => c.charCodeAt(0));
}

function bytesOf(length: number): Uint8Array {
  return Uint8Array.from({ length }, (_, i) => (i * 131 + 7) & 0xff);
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

describe("toHttpEvent", () => {
  it("builds the full payload 2.0 event, keys in AWS's order", () => {
    const e = event("http://abc123.lambda-url.localhost:3000/hello/world?name=Jane", {
      headers: { "User-Agent": "curl/8.5.0", Accept: "*/*" },
    });
    expect(e).toEqual({
      version: "2.0",
      routeKey: "$default",
      rawPath: "/hello/world",
      rawQueryString: "name=Jane",
      headers: { "user-agent": "curl/8.5.0", accept: "*/*" },
      queryStringParameters: { name: "Jane" },
      requestContext: {
        accountId: "anonymous",
        apiId: "abc123",
        domainName: "abc123.lambda-url.localhost",
        domainPrefix: "abc123",
        http: {
          method: "GET",
          path: "/hello/world",
          protocol: "HTTP/1.1",
          sourceIp: "127.0.0.1",
          userAgent: "curl/8.5.0",
        },
        requestId: "req-1",
        routeKey: "$default",
        stage: "$default",
        time: "27/Nov/2026:10:22:44 +0000",
        timeEpoch: NOW,
      },
      isBase64Encoded: false,
    });
    expect(Object.keys(e)).toEqual([
      "version",
      "routeKey",
      "rawPath",
      "rawQueryString",
      "headers",
      "queryStringParameters",
      "requestContext",
      "isBase64Encoded",
    ]);
  });

  it("takes rawPath from the caller, not from the URL (the router strips the function segment)", () => {
    const e = event("http://localhost:3000/hello/a/b", {}, { rawPath: "/a/b" });
    expect(e.rawPath).toBe("/a/b");
    expect(e.requestContext.http.path).toBe("/a/b");
  });

  it("uses the given context values over the defaults", () => {
    const e = event(
      "http://localhost/",
      { method: "DELETE" },
      {
        sourceIp: "10.1.2.3",
        accountId: "123456789012",
        apiId: "api1",
        domainName: "x.lambda-url.us-east-1.on.aws",
        requestId: "id-9",
      },
    );
    expect(e.requestContext).toMatchObject({
      accountId: "123456789012",
      apiId: "api1",
      domainName: "x.lambda-url.us-east-1.on.aws",
      domainPrefix: "x",
      requestId: "id-9",
      http: { method: "DELETE", sourceIp: "10.1.2.3", userAgent: "" },
    });
  });

  it("lower-cases header names and joins repeated raw headers with a comma, as AWS does", () => {
    const e = event(
      "http://localhost/",
      {},
      {
        rawHeaders: [
          ["Host", "localhost"],
          ["X-Multi", "a"],
          ["x-multi", "b"],
          ["X-MULTI", "c, d"],
        ],
      },
    );
    expect(e.headers).toEqual({ host: "localhost", "x-multi": "a,b,c, d" });
  });

  it("takes the engine's joined value when only the web Headers are available", () => {
    const headers = new Headers();
    headers.append("X-Multi", "a");
    headers.append("X-Multi", "b");
    const e = event("http://localhost/", { headers });
    expect(e.headers["x-multi"]).toBe(headers.get("x-multi"));
    expect(e.headers["x-multi"]).toMatch(/^a, ?b$/);
  });

  it("splits the Cookie header into cookies and keeps the header (Function URLs do both)", () => {
    const e = event("http://localhost/", { headers: { Cookie: "a=1; b=two; ;c=3" } });
    expect(e.cookies).toEqual(["a=1", "b=two", "c=3"]);
    expect(e.headers.cookie).toBe("a=1; b=two; ;c=3");
    expect(Object.keys(e).indexOf("cookies")).toBe(Object.keys(e).indexOf("headers") - 1);

    const repeated = event(
      "http://localhost/",
      {},
      {
        rawHeaders: [
          ["Cookie", "a=1"],
          ["Cookie", "b=2; c=3"],
        ],
      },
    );
    expect(repeated.cookies).toEqual(["a=1", "b=2", "c=3"]);

    expect("cookies" in event("http://localhost/")).toBe(false);
  });

  it("keeps rawQueryString as sent and joins repeated query keys with a comma", () => {
    const e = event("http://localhost/p?a=1&b=x%20y&a=2&c=1+2&flag&d=%26%3D&a=");
    expect(e.rawQueryString).toBe("a=1&b=x%20y&a=2&c=1+2&flag&d=%26%3D&a=");
    expect(e.queryStringParameters).toEqual({ a: "1,2,", b: "x y", c: "1 2", flag: "", d: "&=" });
  });

  it("leaves queryStringParameters out when there is no query", () => {
    for (const url of ["http://localhost/p", "http://localhost/p?"]) {
      const e = event(url);
      expect(e.rawQueryString).toBe("");
      expect("queryStringParameters" in e).toBe(false);
    }
  });

  it("keeps unicode in paths and queries percent-encoded in raw fields and decoded in parameters", () => {
    const e = event("http://localhost/café/☃?q=é&ü=1");
    expect(e.rawPath).toBe("/caf%C3%A9/%E2%98%83");
    expect(e.requestContext.http.path).toBe("/caf%C3%A9/%E2%98%83");
    expect(e.rawQueryString).toBe("q=%C3%A9&%C3%BC=1");
    expect(e.queryStringParameters).toEqual({ q: "é", ü: "1" });
  });

  it("passes a text body as text", () => {
    const json = '{"name":"Zoë ☃"}';
    const e = event(
      "http://localhost/",
      { method: "POST", headers: { "Content-Type": "application/json; charset=utf-8" } },
      { body: enc.encode(json) },
    );
    expect(e.body).toBe(json);
    expect(e.isBase64Encoded).toBe(false);
    expect(Object.keys(e).slice(-2)).toEqual(["body", "isBase64Encoded"]);
  });

  it("keeps a byte order mark in a text body", () => {
    const bytes = concat([Uint8Array.of(0xef, 0xbb, 0xbf), enc.encode("hi")]);
    const e = event(
      "http://localhost/",
      { method: "POST", headers: { "Content-Type": "text/plain" } },
      { body: bytes },
    );
    expect(e.body).toBe("\ufeffhi");
    expect(enc.encode(e.body)).toEqual(bytes);
  });

  it("base64-encodes binary bodies, bodies without a text type, and invalid UTF-8", () => {
    const binary = bytesOf(70_000); // past one 32 KiB slice of the fallback encoder
    const cases: Array<[string | undefined, Uint8Array]> = [
      ["application/octet-stream", binary],
      ["image/png", Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0, 0xff)],
      ["application/x-www-form-urlencoded", enc.encode("a=1&b=2")],
      [undefined, enc.encode("no content type")],
      ["text/plain", Uint8Array.of(0x68, 0x69, 0xc3)], // truncated UTF-8
    ];
    for (const [type, body] of cases) {
      const headers: Record<string, string> = type ? { "content-type": type } : {};
      const e = event("http://localhost/", { method: "POST", headers }, { body });
      expect(e.isBase64Encoded).toBe(true);
      expect(unbase64(e.body!)).toEqual(body);
    }
  });

  it("leaves body out when the request body is empty", () => {
    const e = event("http://localhost/", { method: "POST", headers: { "content-type": "application/json" } });
    expect("body" in e).toBe(false);
    expect(e.isBase64Encoded).toBe(false);
  });

  it("survives a JSON round trip unchanged (what the runtime receives)", () => {
    const e = event(
      "http://localhost/x?y=1",
      { method: "PUT", headers: { cookie: "k=v", "content-type": "text/html" } },
      { body: enc.encode("<p>hi</p>") },
    );
    expect(JSON.parse(JSON.stringify(e))).toEqual(e);
  });
});

describe("isTextContentType", () => {
  it("accepts exactly the types Function URLs pass as text", () => {
    for (const t of [
      "text/plain",
      "TEXT/HTML; charset=utf-8",
      "text/csv",
      "application/json",
      " application/xml ",
    ]) {
      expect(isTextContentType(t)).toBe(true);
    }
    expect(isTextContentType("application/javascript;charset=UTF-8")).toBe(true);
    for (const t of [
      "application/octet-stream",
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "image/svg+xml",
      "application/jsonl",
      "",
      null,
      undefined,
    ]) {
      expect(isTextContentType(t)).toBe(false);
    }
  });
});

describe("formatRequestTime", () => {
  it("formats UTC as dd/Mon/yyyy:HH:mm:ss +0000", () => {
    expect(formatRequestTime(NOW)).toBe("27/Nov/2026:10:22:44 +0000");
    expect(formatRequestTime(Date.UTC(2021, 0, 5, 3, 4, 5))).toBe("05/Jan/2021:03:04:05 +0000");
    expect(formatRequestTime(1583348638390)).toBe("04/Mar/2020:19:03:58 +0000");
  });
});

describe("fromHttpResult", () => {
  it("maps a structured result: status, headers, multiValueHeaders, cookies, body", () => {
    const r = fromHttpResult({
      statusCode: 201,
      headers: { "Content-Type": "text/plain", "X-Count": 3, "X-Flag": true, "X-Skip": null },
      multiValueHeaders: { "X-Many": ["a", "b"] },
      cookies: ["a=1; Path=/", "b=2; Max-Age=60"],
      body: "créé",
    });
    expect(r.status).toBe(201);
    expect(r.headers.get("content-type")).toBe("text/plain");
    expect(r.headers.get("x-count")).toBe("3");
    expect(r.headers.get("x-flag")).toBe("true");
    expect(r.headers.has("x-skip")).toBe(false);
    expect(r.headers.get("x-many")).toMatch(/^a, ?b$/);
    expect(r.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2; Max-Age=60"]);
    expect(dec.decode(r.body)).toBe("créé");
  });

  it("decodes a base64 body to the exact bytes", () => {
    const bytes = bytesOf(1000);
    let binary = "";
    for (const b of bytes) binary += String.fromCharCode(b);
    const r = fromHttpResult({ statusCode: 200, body: btoa(binary), isBase64Encoded: true });
    expect(r.body).toEqual(bytes);
    const wrapped = fromHttpResult({ statusCode: 200, body: "aGVs\r\nbG8=", isBase64Encoded: true });
    expect(dec.decode(wrapped.body)).toBe("hello");
    const unpadded = fromHttpResult({ statusCode: 200, body: "aGk", isBase64Encoded: true });
    expect(dec.decode(unpadded.body)).toBe("hi");
  });

  it("treats a structured result without body as an empty body", () => {
    const r = fromHttpResult({ statusCode: 204 });
    expect(r.status).toBe(204);
    expect(r.body.length).toBe(0);
    expect([...r.headers].length).toBe(0);
  });

  it("sends a string JSON-quoted with 200 and application/json, as AWS documents", () => {
    const r = fromHttpResult("Hello, world!");
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("application/json");
    expect(dec.decode(r.body)).toBe('"Hello, world!"');
  });

  it("sends any other value as JSON with 200", () => {
    const cases: Array<[unknown, string]> = [
      [{ message: "Hello, world!" }, '{"message":"Hello, world!"}'],
      [{ body: "no status code", headers: { a: "b" } }, '{"body":"no status code","headers":{"a":"b"}}'],
      [42, "42"],
      [null, "null"],
      [[1, { statusCode: 500 }], '[1,{"statusCode":500}]'],
      [false, "false"],
      [undefined, ""],
    ];
    for (const [value, body] of cases) {
      const r = fromHttpResult(value);
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toBe("application/json");
      expect(dec.decode(r.body)).toBe(body);
    }
  });

  it("throws HttpResultError (status 502) for malformed structured results, naming the value", () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ statusCode: "200" }, /statusCode must be an integer 200–599, got "200"/],
      [{ statusCode: 99 }, /got 99/],
      [{ statusCode: 600 }, /got 600/],
      [{ statusCode: 200.5 }, /got 200.5/],
      [{ statusCode: null }, /got null/],
      [{ statusCode: 200, body: { a: 1 } }, /body must be a string, got an object/],
      [{ statusCode: 200, headers: ["a"] }, /headers must be an object of strings, got an array/],
      [{ statusCode: 200, headers: { a: { b: 1 } } }, /headers\["a"\] must be a string, number or boolean/],
      [{ statusCode: 200, headers: { "bad name": "x" } }, /not a valid HTTP header/],
      [{ statusCode: 200, headers: { a: "line\nbreak" } }, /not a valid HTTP header/],
      [{ statusCode: 200, multiValueHeaders: { a: "x" } }, /multiValueHeaders\["a"\] must be an array/],
      [{ statusCode: 200, cookies: "a=1" }, /cookies must be an array of strings, got "a=1"/],
      [{ statusCode: 200, cookies: ["a=1", 2] }, /cookies\[1\] must be a string, got 2/],
      [{ statusCode: 200, body: "not base64!", isBase64Encoded: true }, /not valid base64: "not base64!"/],
      [{ statusCode: 200, body: "abcde", isBase64Encoded: true }, /not valid base64/],
      [{ statusCode: 200, body: "ab=c", isBase64Encoded: true }, /not valid base64/],
      [{ statusCode: 200, body: "abc=d===", isBase64Encoded: true }, /not valid base64/],
    ];
    for (const [value, message] of cases) {
      let caught: unknown;
      try {
        fromHttpResult(value);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(HttpResultError);
      expect((caught as HttpResultError).status).toBe(502);
      expect((caught as HttpResultError).name).toBe("HttpResultError");
      expect((caught as Error).message).toMatch(message);
    }
  });
});

describe("badGatewayResult and toHttpResponse", () => {
  it("gives the Function URL 502 body", async () => {
    const r = badGatewayResult();
    expect(r.status).toBe(502);
    expect(r.headers.get("content-type")).toBe("application/json");
    expect(dec.decode(r.body)).toBe('{"message":"Internal Server Error"}');
    expect(BAD_GATEWAY_BODY).toBe('{"message":"Internal Server Error"}');
    const response = toHttpResponse(r);
    expect(response.status).toBe(502);
    expect(await response.text()).toBe(BAD_GATEWAY_BODY);
  });

  it("builds a Response, without a body for statuses that forbid one", async () => {
    const ok = toHttpResponse(fromHttpResult({ statusCode: 200, cookies: ["a=1", "b=2"], body: "yes" }));
    expect(await ok.text()).toBe("yes");
    expect(ok.headers.getSetCookie()).toEqual(["a=1", "b=2"]);
    for (const statusCode of [204, 205, 304]) {
      const r = toHttpResponse(fromHttpResult({ statusCode, body: "ignored" }));
      expect(r.status).toBe(statusCode);
      expect(r.body).toBe(null);
    }
  });
});

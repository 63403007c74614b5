import { describe, expect, it } from "vitest";
import {
  apiGatewayBadGateway,
  fromRestResult,
  matchesMediaType,
  toHttpApiEvent,
  toRestEvent,
} from "./api-gateway-event.ts";
import { HttpResultError } from "./http-event.ts";

const route = {
  path: "/items/{id}",
  routeKey: "GET /items/{id}",
  pathParameters: { id: "7" },
  stage: "dev",
  apiId: "api1",
};
const options = {
  route,
  rawPath: "/items/7",
  body: new Uint8Array(0),
  requestId: "r1",
  accountId: "000000000000",
  now: 0,
};
const decode = (b: Uint8Array) => new TextDecoder().decode(b);

describe("API Gateway events", () => {
  it("payload 1.0: the request's fields, nulls where AWS sends null, the stage in requestContext.path", () => {
    const request = new Request("http://localhost:3000/items/7?a=1&a=2", { headers: { "x-k": "v" } });
    const event = toRestEvent(request, options);
    expect(event).toMatchObject({
      resource: "/items/{id}",
      path: "/items/7",
      httpMethod: "GET",
      queryStringParameters: { a: "2" },
      multiValueQueryStringParameters: { a: ["1", "2"] },
      pathParameters: { id: "7" },
      stageVariables: null,
      body: null,
      isBase64Encoded: false,
    });
    expect(event.multiValueHeaders["x-k"]).toEqual(["v"]);
    expect(event.requestContext).toMatchObject({
      path: "/dev/items/7",
      stage: "dev",
      requestTime: "01/Jan/1970:00:00:00 +0000",
      requestTimeEpoch: 0,
    });
    expect("version" in event).toBe(false);
    expect(toRestEvent(request, { ...options, httpApi: true }).version).toBe("1.0");
  });

  it("payload 1.0: a REST body is base64 only for a binary media type", () => {
    const body = new Uint8Array([1, 2, 3]);
    const request = (type: string) =>
      new Request("http://h/x", { method: "POST", body, headers: { "content-type": type } });
    expect(
      toRestEvent(request("image/png"), { ...options, body, binaryMediaTypes: ["image/*"] }),
    ).toMatchObject({ body: "AQID", isBase64Encoded: true });
    expect(
      toRestEvent(request("text/plain"), { ...options, body, binaryMediaTypes: ["image/*"] }).isBase64Encoded,
    ).toBe(false);
  });

  it("payload 2.0: routeKey, stage and path parameters; cookies only in `cookies`", () => {
    const request = new Request("http://localhost:3000/items/7", { headers: { cookie: "a=1; b=2" } });
    const event = toHttpApiEvent(request, options);
    expect(event).toMatchObject({
      routeKey: "GET /items/{id}",
      cookies: ["a=1", "b=2"],
      pathParameters: { id: "7" },
    });
    expect(event.headers.cookie).toBeUndefined();
    expect(event.requestContext).toMatchObject({
      routeKey: "GET /items/{id}",
      stage: "dev",
      accountId: "000000000000",
      apiId: "api1",
    });
  });
});

describe("payload 1.0 results", () => {
  it("merges headers with multiValueHeaders (the multi-value list wins) and defaults to JSON on REST", () => {
    const parts = fromRestResult(
      {
        statusCode: 201,
        headers: { "X-A": "1", "x-b": "single" },
        multiValueHeaders: { "x-b": ["m1", "m2"] },
        body: "ok",
      },
      { rest: true },
    );
    expect([
      parts.status,
      parts.headers.get("x-a"),
      parts.headers.get("x-b"),
      parts.headers.get("content-type"),
      decode(parts.body),
    ]).toEqual([201, "1", "m1, m2", "application/json", "ok"]);
  });

  it("refuses what a REST API refuses: no statusCode, an unknown key, a non-string body", () => {
    expect(() => fromRestResult("text", { rest: true })).toThrow(HttpResultError);
    expect(() => fromRestResult({ body: "x" }, { rest: true })).toThrow("the result has no statusCode");
    expect(() => fromRestResult({ statusCode: 200, cookies: [] }, { rest: true })).toThrow("it has cookies");
    expect(() => fromRestResult({ statusCode: 200, body: {} }, { rest: true })).toThrow(
      "body must be a string",
    );
    // An HTTP API with payload 1.0 does not check the keys.
    expect(fromRestResult({ statusCode: 200, extra: 1 }, { rest: false }).status).toBe(200);
  });

  it("decodes base64 on REST only when the client accepts a binary media type", () => {
    const result = { statusCode: 200, body: "AQID", isBase64Encoded: true };
    expect(
      fromRestResult(result, { rest: true, binaryMediaTypes: ["image/png"], accept: "image/png" }).body,
    ).toEqual(new Uint8Array([1, 2, 3]));
    expect(
      decode(
        fromRestResult(result, { rest: true, binaryMediaTypes: ["image/png"], accept: "text/html" }).body,
      ),
    ).toBe("AQID");
    expect(fromRestResult(result, { rest: false }).body).toEqual(new Uint8Array([1, 2, 3]));
  });

  it("media types match exactly, by major type, or */*", () => {
    expect(matchesMediaType("image/png; q=1", ["image/*"])).toBe(true);
    expect(matchesMediaType("application/pdf", ["*/*"])).toBe(true);
    expect(matchesMediaType("text/plain", ["image/png"])).toBe(false);
  });

  it("answers each kind of API's own 502 body", () => {
    expect(decode(apiGatewayBadGateway(true).body)).toBe('{"message": "Internal server error"}');
    expect(decode(apiGatewayBadGateway(false).body)).toBe('{"message":"Internal Server Error"}');
  });
});

import { execFileSync } from "node:child_process";

import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { HTTP_CONTEXT_KEYS, IDENTITY_KEYS, REST_CONTEXT_KEYS, REST_EVENT_KEYS } from "./api-gateway-keys.ts";
import { type LambkinCli, startLambkinCliWith } from "./lambkin-cli.ts";

// tests/fixtures/templates/sam-api — a REST API and an HTTP API with path parameters, a greedy
// path, ANY, a payload 1.0 HTTP API route, CORS and a binary media type — started with
// `lambkin start` hosted on each engine and called through its routes with curl and fetch. Events
// are checked field by field against the shapes AWS documents: "Input format of a Lambda function
// for proxy integration" (REST) and "Working with AWS Lambda proxy integrations for HTTP APIs"
// (payload 1.0 and 2.0).

const SAM_API = fileURLToPath(new URL("../../fixtures/templates/sam-api/", import.meta.url));

const REQUEST_TIME = /^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/;
const sorted = (o: object) => Object.keys(o).sort();

function curl(args: string[]): { status: number; headers: Record<string, string>; body: string } {
  const out = execFileSync("curl", ["-sS", "-i", ...args], { encoding: "utf8" });
  const split = out.indexOf("\r\n\r\n");
  const [statusLine, ...lines] = out.slice(0, split).split("\r\n");
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: Number(statusLine!.split(" ")[1]), headers, body: out.slice(split + 4) };
}

for (const engine of ["node", "bun", "deno"] as const) {
  describe(`API Gateway routes, lambkin hosted on ${engine}`, () => {
    let cli: LambkinCli;
    let base: string;
    beforeAll(async () => {
      cli = await startLambkinCliWith([], { cwd: SAM_API, hostEngine: engine, readyTimeoutMs: 40_000 });
      base = cli.functionUrl;
    }, 60_000);
    afterAll(() => cli?.destroy());

    it("lists every route in the ready output and warns once about the authorizer", () => {
      expect(cli.ready.engine).toBe(engine);
      expect(
        (cli.ready.routes as Array<{ method: string; path: string }>).map((r) => `${r.method} ${r.path}`),
      ).toEqual([
        "GET /items/{id}",
        "POST /items",
        "ANY /files/{proxy+}",
        "GET /orders/{orderId}",
        "ANY /v1/{proxy+}",
        "GET /respond",
        "GET /respond2",
        "GET /admin",
      ]);
      const warnings = cli
        .output()
        .split("\n")
        .filter((l) => l.includes("OAuth2Authorizer"));
      expect(warnings).toEqual([
        "lambkin: warning: template.yaml: AdminFunction: route GET /admin has the authorizer OAuth2Authorizer, which lambkin does not enforce: every request reaches the function",
      ]);
    });

    it("REST API (payload 1.0): a path parameter and a repeated query, through curl", () => {
      const r = curl([`${base}/items/42?color=red&size=s&size=m`, "-H", "X-Api-Key: k1"]);
      expect(r.status).toBe(200);
      const event = JSON.parse(r.body);
      expect(sorted(event)).toEqual(REST_EVENT_KEYS);
      expect(sorted(event.requestContext)).toEqual(REST_CONTEXT_KEYS);
      expect(sorted(event.requestContext.identity)).toEqual(IDENTITY_KEYS);
      expect(event).toMatchObject({
        resource: "/items/{id}",
        path: "/items/42",
        httpMethod: "GET",
        queryStringParameters: { color: "red", size: "m" },
        multiValueQueryStringParameters: { color: ["red"], size: ["s", "m"] },
        pathParameters: { id: "42" },
        stageVariables: null,
        body: null,
        isBase64Encoded: false,
      });
      expect(event.headers["x-api-key"]).toBe("k1");
      expect(event.multiValueHeaders["x-api-key"]).toEqual(["k1"]);
      expect(event.requestContext).toMatchObject({
        accountId: "000000000000",
        apiId: "ShopRestApi",
        httpMethod: "GET",
        path: "/dev/items/42",
        protocol: "HTTP/1.1",
        resourcePath: "/items/{id}",
        stage: "dev",
        identity: { sourceIp: "127.0.0.1", userAgent: expect.stringMatching(/^curl\//), caller: null },
      });
      expect(event.requestContext.requestTime).toMatch(REQUEST_TIME);
      expect(r.headers["x-amzn-requestid"]).toBe(event.requestContext.requestId);
    });

    it("REST API: a JSON body as text, a binary media type as base64, a greedy path under ANY", async () => {
      const post = await fetch(`${base}/items`, {
        method: "POST",
        body: '{"name":"lamp"}',
        headers: { "content-type": "application/json" },
      });
      const created = await post.json();
      expect([created.httpMethod, created.resource, created.body, created.isBase64Encoded]).toEqual([
        "POST",
        "/items",
        '{"name":"lamp"}',
        false,
      ]);
      const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 255]);
      const put = await fetch(`${base}/files/a/b/c.png`, {
        method: "PUT",
        body: png,
        headers: { "content-type": "image/png" },
      });
      const file = await put.json();
      expect(file).toMatchObject({
        resource: "/files/{proxy+}",
        path: "/files/a/b/c.png",
        httpMethod: "PUT",
        pathParameters: { proxy: "a/b/c.png" },
        isBase64Encoded: true,
      });
      expect(Buffer.from(file.body, "base64")).toEqual(Buffer.from(png));
      // /files alone is not under {proxy+}: it goes on to the Function URL paths, which have no "files" function.
      expect((await fetch(`${base}/files`)).status).toBe(404);
    });

    it("HTTP API (payload 2.0): routeKey, path parameters, cookies apart from headers", async () => {
      const r = curl([`${base}/orders/7?x=1&x=2`, "-H", "Cookie: session=abc; theme=dark"]);
      expect(r.status).toBe(200);
      const event = JSON.parse(r.body);
      expect(sorted(event)).toEqual(
        [
          "cookies",
          "headers",
          "isBase64Encoded",
          "pathParameters",
          "queryStringParameters",
          "rawPath",
          "rawQueryString",
          "requestContext",
          "routeKey",
          "version",
        ].sort(),
      );
      expect(sorted(event.requestContext)).toEqual(HTTP_CONTEXT_KEYS);
      expect(event).toMatchObject({
        version: "2.0",
        routeKey: "GET /orders/{orderId}",
        rawPath: "/orders/7",
        rawQueryString: "x=1&x=2",
        cookies: ["session=abc", "theme=dark"],
        queryStringParameters: { x: "1,2" },
        pathParameters: { orderId: "7" },
        isBase64Encoded: false,
      });
      expect(event.headers.cookie).toBeUndefined();
      expect(event.requestContext).toMatchObject({
        accountId: "000000000000",
        apiId: "ShopHttpApi",
        routeKey: "GET /orders/{orderId}",
        stage: "$default",
        http: { method: "GET", path: "/orders/7", protocol: "HTTP/1.1", sourceIp: "127.0.0.1" },
      });
      expect(event.requestContext.time).toMatch(REQUEST_TIME);
      expect(r.headers["apigw-requestid"]).toBe(event.requestContext.requestId);
      // The method is part of the route: POST /orders/7 is not it.
      expect((await fetch(`${base}/orders/7`, { method: "POST" })).status).toBe(404);
    });

    it("HTTP API with PayloadFormatVersion 1.0 sends the 1.0 event with its version", async () => {
      const event = await (await fetch(`${base}/v1/deep/path`, { method: "DELETE" })).json();
      expect(sorted(event)).toEqual([...REST_EVENT_KEYS, "version"].sort());
      expect(event).toMatchObject({
        version: "1.0",
        resource: "/v1/{proxy+}",
        path: "/v1/deep/path",
        httpMethod: "DELETE",
        pathParameters: { proxy: "deep/path" },
      });
      expect(event.requestContext).toMatchObject({ stage: "$default", path: "/v1/deep/path" });
    });

    it("maps results as each format does: multiValueHeaders, cookies, inferred 2.0 results, base64", async () => {
      const multi = await fetch(`${base}/respond?mode=multi`);
      expect(multi.status).toBe(201);
      expect([
        multi.headers.get("x-single"),
        multi.headers.get("x-multi"),
        multi.headers.get("x-both"),
      ]).toEqual(["one", "a, b", "from-multi"]);
      expect(multi.headers.get("content-type")).toBe("application/json");
      expect(await multi.text()).toBe("created");

      const cookies = await fetch(`${base}/respond2?mode=cookies`);
      expect(cookies.headers.getSetCookie()).toEqual(["a=1; Path=/", "b=2"]);
      const plain = await fetch(`${base}/respond2?mode=plain`);
      expect([plain.status, plain.headers.get("content-type"), await plain.text()]).toEqual([
        200,
        "application/json",
        '"just a string"',
      ]);
      const object = await fetch(`${base}/respond2?mode=object`);
      expect(await object.text()).toBe('{"message":"no statusCode"}');

      const png = Buffer.from(
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
        "base64",
      );
      // REST: decoded when the client accepts the binary media type; else the base64 text as sent.
      const accepted = await fetch(`${base}/respond?mode=binary`, { headers: { accept: "image/png" } });
      expect(Buffer.from(await accepted.arrayBuffer())).toEqual(png);
      const notAccepted = await fetch(`${base}/respond?mode=binary`, {
        headers: { accept: "application/json" },
      });
      expect(await notAccepted.text()).toBe(png.toString("base64"));
      // HTTP API: always decoded.
      expect(Buffer.from(await (await fetch(`${base}/respond2?mode=binary`)).arrayBuffer())).toEqual(png);
    });

    it("a malformed result or a failure is API Gateway's 502, with the reason in lambkin's log", async () => {
      const cases: Array<[string, string, string]> = [
        [
          "/respond?mode=plain",
          '{"message": "Internal server error"}',
          "malformed REST API proxy result: the result must be an object with statusCode",
        ],
        [
          "/respond?mode=extra-key",
          '{"message": "Internal server error"}',
          "may only have statusCode, headers, multiValueHeaders, body, isBase64Encoded; it has cookies",
        ],
        [
          "/respond?mode=body-object",
          '{"message": "Internal server error"}',
          "body must be a string, got an object",
        ],
        [
          "/respond2?mode=bad-status",
          '{"message":"Internal Server Error"}',
          'malformed HTTP API proxy result: statusCode must be an integer 200–599, got "teapot"',
        ],
        ["/respond2?mode=throw", '{"message":"Internal Server Error"}', "the function failed (Error)"],
      ];
      for (const [path, body, reason] of cases) {
        const from = await cli.mark();
        const r = await fetch(`${base}${path}`);
        expect([r.status, await r.text()], path).toEqual([502, body]);
        const record = await cli.waitForRecord(
          (l) => l.stream === "platform" && l.line.includes("answered 502"),
          10_000,
          from,
        );
        expect(record.line, path).toContain(reason);
        expect(record.functionName).toBe("ResponderFunction");
      }
    });

    it("answers CORS preflights as each API is configured, and an HTTP API adds CORS to answers", async () => {
      const rest = await fetch(`${base}/items/1`, {
        method: "OPTIONS",
        headers: { origin: "https://shop.example.com", "access-control-request-method": "GET" },
      });
      expect(rest.status).toBe(204);
      expect(Object.fromEntries([...rest.headers].filter(([k]) => k.startsWith("access-control")))).toEqual({
        "access-control-allow-origin": "https://shop.example.com",
        "access-control-allow-methods": "GET,OPTIONS",
        "access-control-allow-headers": "Content-Type,X-Api-Key",
        "access-control-max-age": "600",
      });
      const other = await fetch(`${base}/items/1`, {
        method: "OPTIONS",
        headers: { origin: "https://evil.example", "access-control-request-method": "GET" },
      });
      expect([other.status, other.headers.get("access-control-allow-origin")]).toEqual([204, null]);

      const http = curl([
        "-X",
        "OPTIONS",
        `${base}/orders/9`,
        "-H",
        "Origin: https://app.test",
        "-H",
        "Access-Control-Request-Method: POST",
      ]);
      expect(http.status).toBe(204);
      expect(http.headers).toMatchObject({
        "access-control-allow-origin": "*",
        "access-control-allow-methods": "GET,POST",
        "access-control-allow-headers": "content-type",
        "access-control-max-age": "300",
      });
      const get = await fetch(`${base}/orders/9`, { headers: { origin: "https://app.test" } });
      expect([
        get.headers.get("access-control-allow-origin"),
        get.headers.get("access-control-expose-headers"),
      ]).toEqual(["*", "x-order-id"]);
    });

    it("leaves the Function URL paths to what no route takes", async () => {
      const event = await (await fetch(`${base}/EchoFunction/anything?q=1`)).json();
      expect([event.routeKey, event.rawPath, event.requestContext.accountId]).toEqual([
        "$default",
        "/anything",
        "anonymous",
      ]);
    });
  });
}

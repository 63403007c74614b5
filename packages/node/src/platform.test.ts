// What the Platform contract suite (tests/contract/platform) does not reach: node-only settings,
// and the parts of the lazy Request and of response writing that delegate to undici.
import { request as httpRequest } from "node:http";
import type { FetchHandler, Server } from "@lambkin/core";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpServer, nodePlatform } from "./platform.ts";

let server: Server | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function serve(handler: FetchHandler): Promise<string> {
  server = await nodePlatform.serve(handler, { hostname: "127.0.0.1", port: 0 });
  return `http://127.0.0.1:${server.port}`;
}

describe("createHttpServer", () => {
  it("disables node's timeouts that would cut a long-poll or an idle kept-alive connection", () => {
    const http = createHttpServer(() => new Response());
    // Node's defaults: 300 s, 60 s and 5 s.
    expect(http.requestTimeout).toBe(0);
    expect(http.headersTimeout).toBe(0);
    expect(http.keepAliveTimeout).toBe(0);
  });
});

describe("the Request a handler receives", () => {
  it("is a Request, and what the fast paths skip works through undici's own", async () => {
    let seen: Record<string, unknown> = {};
    const url = await serve(async (request) => {
      const clone = request.clone();
      const copy = new Request(request.url, { headers: request.headers });
      seen = {
        isRequest: request instanceof Request,
        tag: Object.prototype.toString.call(request),
        headersAreHeaders: request.headers instanceof Headers,
        entries: Object.fromEntries(request.headers),
        copied: copy.headers.get("x-one"),
        form: Object.fromEntries(await clone.formData()),
        text: await request.text(),
        used: request.bodyUsed,
      };
      return new Response("ok");
    });
    const response = await fetch(`${url}/x?y=1`, {
      method: "POST",
      headers: { "x-one": "1", "content-type": "application/x-www-form-urlencoded" },
      body: "a=1&b=two",
    });
    expect(await response.text()).toBe("ok");
    expect(seen).toMatchObject({
      isRequest: true,
      tag: "[object Request]",
      headersAreHeaders: true,
      copied: "1",
      form: { a: "1", b: "two" },
      text: "a=1&b=two",
      used: true,
    });
    expect(seen.entries).toMatchObject({ "x-one": "1", "content-type": "application/x-www-form-urlencoded" });
  });

  it("refuses to give its body twice", async () => {
    let second: unknown;
    const url = await serve(async (request) => {
      await request.arrayBuffer();
      second = await request.text().catch((error: unknown) => error);
      return new Response("ok");
    });
    await (await fetch(url, { method: "POST", body: "once" })).text();
    expect(second).toBeInstanceOf(TypeError);
  });

  it("aborts its signal when the client goes away before the answer", async () => {
    let aborted!: () => void;
    const abortSeen = new Promise<void>((resolve) => {
      aborted = resolve;
    });
    let arrived!: () => void;
    const arrival = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const url = new URL(
      await serve(async (request) => {
        request.signal.addEventListener("abort", () => aborted());
        arrived();
        await abortSeen;
        return new Response("too late");
      }),
    );
    const client = httpRequest({ host: url.hostname, port: url.port, path: "/" });
    client.on("error", () => {});
    client.end();
    await arrival;
    client.destroy();
    await abortSeen;
  });
});

describe("writing a Response", () => {
  it.each([
    ["Response.json", () => Response.json({ a: 1 }), '{"a":1}', "application/json"],
    ["a Blob", () => new Response(new Blob(["blob!"], { type: "text/x-blob" })), "blob!", "text/x-blob"],
    ["an ArrayBuffer", () => new Response(new TextEncoder().encode("ab").buffer), "ab", null],
    [
      "URLSearchParams",
      () => new Response(new URLSearchParams({ q: "1" })),
      "q=1",
      "application/x-www-form-urlencoded;charset=UTF-8",
    ],
    ["a consumed-then-rebuilt body", () => new Response(new Response("again").body), "again", null],
  ])("sends %s with its bytes and type", async (_, build, body, type) => {
    const url = await serve(() => build());
    const response = await fetch(url);
    expect(await response.text()).toBe(body);
    expect(response.headers.get("content-type")).toBe(type);
  });

  it("answers 500 for a value node cannot write, and goes on", async () => {
    const url = await serve((request) =>
      new URL(request.url).pathname === "/bad"
        ? // undici takes a control character in a field value; node's writeHead does not.
          new Response("x", { headers: { "x-bad": "a\u0001b" } })
        : new Response("fine"),
    );
    expect((await fetch(`${url}/bad`)).status).toBe(500);
    expect(await (await fetch(`${url}/good`)).text()).toBe("fine");
  });
});

import type { Server } from "@lambkin/core";
import { FastResponse, nativeResponse } from "@lambkin/core";
import { afterEach, describe, expect, it } from "vitest";
import { nodePlatform } from "./platform.ts";

describe("FastResponse as a Response", () => {
  it("is a Response with the status, headers and body it was given", async () => {
    const response = new FastResponse("hello", { status: 201, statusText: "Made", headers: { "X-A": "1" } });
    expect(response).toBeInstanceOf(Response);
    expect(Object.prototype.toString.call(response)).toBe("[object Response]");
    expect(response.status).toBe(201);
    expect(response.statusText).toBe("Made");
    expect(response.ok).toBe(true);
    expect(response.headers.get("x-a")).toBe("1");
    expect(response.headers.get("content-type")).toBe("text/plain;charset=UTF-8");
    expect(await response.text()).toBe("hello");
    expect(response.bodyUsed).toBe(true);
    await expect(response.text()).rejects.toThrow(TypeError);
  });

  it("answers json(), clone() and arrayBuffer() through the real Response", async () => {
    const response = FastResponse.json({ a: [1, 2] }, { status: 202 });
    expect(response.headers.get("content-type")).toBe("application/json");
    const clone = response.clone();
    expect(await clone.json()).toEqual({ a: [1, 2] });
    expect(new TextDecoder().decode(await response.arrayBuffer())).toBe('{"a":[1,2]}');
  });

  it("hands a stream body over as it is", async () => {
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode("streamed"));
        controller.close();
      },
    });
    const response = new FastResponse(stream);
    expect(response.body).toBe(stream);
    expect(await new Response(response.body).text()).toBe("streamed");
  });

  it("takes any other body the way Response does", async () => {
    const response = new FastResponse(new Blob(["blob"], { type: "text/x-blob" }));
    expect(response.headers.get("content-type")).toBe("text/x-blob");
    expect(await response.text()).toBe("blob");
  });

  it("gives way to the engine's own Response for servers that take nothing else", async () => {
    const fast = new FastResponse("own", { status: 203, headers: { "x-a": "1" } });
    const own = nativeResponse(fast);
    expect(own).not.toBe(fast);
    expect(Object.getPrototypeOf(own)).toBe(Response.prototype);
    expect(own.status).toBe(203);
    expect(own.headers.get("x-a")).toBe("1");
    expect(await own.text()).toBe("own");
    const plain = new Response("plain");
    expect(nativeResponse(plain)).toBe(plain);
  });

  it("refuses a status Response refuses", () => {
    expect(() => new FastResponse("x", { status: 99 })).toThrow(/200–599, got 99/);
    expect(() => new FastResponse("x", { status: 600 })).toThrow(RangeError);
  });
});

describe("FastResponse on the node:http server", () => {
  let server: Server | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function serve(build: () => Response): Promise<string> {
    server = await nodePlatform.serve(() => build(), { hostname: "127.0.0.1", port: 0 });
    return `http://127.0.0.1:${server.port}`;
  }

  it("is written with its fields, a Content-Length and the default text type", async () => {
    const url = await serve(() => new FastResponse("héllo", { status: 202, headers: [["X-Pair", "p"]] }));
    const response = await fetch(url);
    expect(response.status).toBe(202);
    expect(response.headers.get("x-pair")).toBe("p");
    expect(response.headers.get("content-length")).toBe("6");
    expect(response.headers.get("content-type")).toBe("text/plain;charset=UTF-8");
    expect(await response.text()).toBe("héllo");
  });

  it("keeps a Content-Length or Content-Type given in any case, and bytes untyped", async () => {
    const url = await serve(
      () =>
        new FastResponse(new Uint8Array([1, 2, 3]), {
          headers: { "Content-Length": "3", "Content-Type": "application/x-three" },
        }),
    );
    const response = await fetch(url);
    expect(response.headers.get("content-length")).toBe("3");
    expect(response.headers.get("content-type")).toBe("application/x-three");
    expect([...new Uint8Array(await response.arrayBuffer())]).toEqual([1, 2, 3]);
  });

  it("is written through the real Response once its headers were changed", async () => {
    const url = await serve(() => {
      const response = new FastResponse(null, { status: 204 });
      response.headers.set("x-late", "yes");
      return response;
    });
    const response = await fetch(url);
    expect(response.status).toBe(204);
    expect(response.headers.get("x-late")).toBe("yes");
  });
});

/**
 * Nobody let in: a web page of another site, a DNS-rebinding host name or an oversized header block
 * is refused before any function runs; a Function URL's CORS settings are applied as Lambda does.
 * Requests go out on raw node:http, as curl sends them, so Origin and Host are exactly what the test
 * says. Part of the contract suite: it runs on every host engine.
 */
import { randomUUID } from "node:crypto";
import { existsSync, rmSync } from "node:fs";
import http from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { ContractTarget } from "./suite.ts";

interface RawReply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** One HTTP request with exactly these headers (Host included), as curl -H would send it. */
function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> | [string, string][],
  body?: string,
): Promise<RawReply> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const options: http.RequestOptions = {
      hostname,
      port,
      method,
      path,
      headers: headers as http.OutgoingHttpHeaders,
      setHost: false,
    };
    const req = http.request(options, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          headers: res.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    req.on("error", reject);
    req.end(body);
  });
}

export function gateContract(target: () => ContractTarget): void {
  const files: string[] = [];
  const marker = () => {
    const file = join(tmpdir(), `lambkin-gate-${randomUUID()}`);
    files.push(file);
    return file;
  };
  afterAll(() => {
    for (const f of files) rmSync(f, { force: true });
  });
  const host = (base: string) => new URL(base).host;
  const invokePath = "/2015-03-31/functions/behave/invocations";

  describe("gate", () => {
    it("refuses a cross-origin POST to the Invoke API with 403 before the function runs", async () => {
      const { url } = target();
      const file = marker();
      const reply = await send(
        url,
        "POST",
        invokePath,
        { Host: host(url), Origin: "http://evil.example", "Content-Type": "text/plain" },
        JSON.stringify({ appendTo: file, outcome: "ok" }),
      );
      expect(reply.status).toBe(403);
      expect(reply.headers["x-amzn-errortype"]).toBe("AccessDeniedException");
      expect(JSON.parse(reply.body).message).toMatch(/Origin http:\/\/evil\.example .*allowedOrigins/);
      expect(existsSync(file)).toBe(false);
    });

    it("serves a request from its own origin and from none", async () => {
      const { url } = target();
      const own = await send(
        url,
        "POST",
        invokePath,
        { Host: host(url), Origin: url },
        JSON.stringify({ echo: 1 }),
      );
      expect([own.status, own.body]).toEqual([200, "1"]);
      const none = await send(url, "POST", invokePath, { Host: host(url) }, JSON.stringify({ echo: 2 }));
      expect([none.status, none.body]).toEqual([200, "2"]);
    });

    it("refuses a Host that is not a loopback name (DNS rebinding), on both listeners", async () => {
      const { url, functionUrl } = target();
      const file = marker();
      const port = new URL(url).port;
      const rebound = await send(
        url,
        "POST",
        invokePath,
        { Host: `attacker.example:${port}` },
        JSON.stringify({ appendTo: file, outcome: "ok" }),
      );
      expect(rebound.status).toBe(403);
      expect(JSON.parse(rebound.body).message).toMatch(/Host "attacker\.example:\d+" is not a loopback name/);
      const urlReply = await send(functionUrl, "GET", `/behave/touch?file=${file}`, {
        Host: "attacker.example",
      });
      expect(urlReply.status).toBe(403);
      expect(JSON.parse(urlReply.body).Message).toMatch(/^Forbidden\. Host "attacker\.example"/);
      expect(existsSync(file)).toBe(false);
      for (const name of [`localhost:${port}`, `app.localhost:${port}`, `127.0.0.1:${port}`]) {
        const ok = await send(url, "POST", invokePath, { Host: name }, JSON.stringify({ echo: name }));
        expect([ok.status, ok.body]).toEqual([200, JSON.stringify(name)]);
      }
    });

    it("refuses another site's page embedding a Function URL (no Origin, Sec-Fetch-Site: cross-site)", async () => {
      const { functionUrl } = target();
      const file = marker();
      const embedded = await send(functionUrl, "GET", `/behave/touch?file=${file}`, {
        Host: host(functionUrl),
        "Sec-Fetch-Site": "cross-site",
        "Sec-Fetch-Mode": "no-cors",
      });
      expect(embedded.status).toBe(403);
      expect(existsSync(file)).toBe(false);
      // Following a link is a user opening the URL: served.
      const navigated = await send(functionUrl, "GET", `/behave/touch?file=${file}`, {
        Host: host(functionUrl),
        "Sec-Fetch-Site": "cross-site",
        "Sec-Fetch-Mode": "navigate",
      });
      expect([navigated.status, navigated.body]).toEqual([200, "touched"]);
    });

    it("answers 431 past 100 header fields or 10,240 bytes, and keeps serving", async () => {
      const { url, functionUrl } = target();
      const many: [string, string][] = [["Host", host(url)]];
      for (let i = 0; i < 150; i++) many.push([`x-h${i}`, "1"]);
      const tooMany = await send(url, "POST", invokePath, many, JSON.stringify({ echo: 1 }));
      if (target().engine === "deno") {
        // Deno.serve (hyper) refuses past 100 header fields itself, with a bare 400.
        expect(tooMany.status).toBe(400);
      } else {
        expect(tooMany.status).toBe(431);
        expect(JSON.parse(tooMany.body).message).toMatch(/15\d header fields; at most 100/);
      }
      const big = await send(functionUrl, "GET", "/behave/echo", {
        Host: host(functionUrl),
        "x-big": "b".repeat(11_000),
      });
      expect(big.status).toBe(431);
      const after = await send(
        url,
        "POST",
        invokePath,
        { Host: host(url) },
        JSON.stringify({ echo: "still" }),
      );
      expect([after.status, after.body]).toEqual([200, '"still"']);
    });

    it("applies a Function URL's CORS settings: Lambda answers the preflight, sets the headers", async () => {
      const { functionUrl } = target();
      const file = marker();
      const app = "http://app.example:5173";
      const preflight = await send(functionUrl, "OPTIONS", `/cors/touch?file=${file}`, {
        Host: host(functionUrl),
        Origin: app,
        "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "x-custom",
      });
      expect(preflight.status).toBe(200);
      expect(preflight.headers).toMatchObject({
        "access-control-allow-origin": app,
        "access-control-allow-methods": "GET,POST",
        "access-control-allow-headers": "x-custom",
        "access-control-max-age": "300",
      });
      expect(existsSync(file)).toBe(false);
      const actual = await send(functionUrl, "POST", `/cors/touch?file=${file}`, {
        Host: host(functionUrl),
        Origin: app,
      });
      expect(actual.status).toBe(200);
      // Lambda's CORS headers replace the function's own.
      expect(actual.headers["access-control-allow-origin"]).toBe(app);
      expect(actual.headers["access-control-expose-headers"]).toBe("x-fixture");
      const other = await send(functionUrl, "POST", `/cors/touch?file=${file}`, {
        Host: host(functionUrl),
        Origin: "http://evil.example",
      });
      expect(other.status).toBe(403);
      // A function without CORS settings is not reachable from app's origin either.
      const noCors = await send(functionUrl, "POST", `/behave/touch?file=${file}`, {
        Host: host(functionUrl),
        Origin: app,
      });
      expect(noCors.status).toBe(403);
      expect(existsSync(file) ? (await import("node:fs")).readFileSync(file, "utf8") : "").toBe("ran\n");
    });
  });
}

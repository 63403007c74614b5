// The hand-written HTTP/1.1 of the Deno transport, run on Deno against a raw TCP server that answers
// with exact bytes: every framing an HTTP/1.1 server may use (Content-Length, chunked with and
// without trailers, to the end of the connection, 1xx first), answers split across packets, kept-
// alive sockets (reused, or closed by the server in between), large bodies both ways, and a
// refused connection the runtime recognises as lambkin having gone.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineArgv } from "./_test-runtime-api.ts";

const TIMEOUT = 60_000;
const TRANSPORT = fileURLToPath(new URL("./transport-deno.ts", import.meta.url));
const TRANSPORT_COMMON = fileURLToPath(new URL("./transport.ts", import.meta.url));

interface Request {
  method: "GET" | "POST";
  path: string;
  body?: string;
  headers?: Record<string, string>;
}
type Outcome =
  | { status: number; headers: Record<string, string>; body: string }
  | { error: string; refused: boolean };

let dir: string;
let driver: string;

beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), "lambkin-transport-deno-"));
  driver = path.join(dir, "driver.ts");
  // Runs the requests one after another on one transport; `{repeat: "x", times: n}` bodies are
  // expanded here so a 6 MB body does not travel on the command line.
  writeFileSync(
    driver,
    `import { createDenoTransport } from ${JSON.stringify(TRANSPORT)};
    import { isConnectionRefused } from ${JSON.stringify(TRANSPORT_COMMON)};
    const [port, requests] = [Number(Deno.args[0]), JSON.parse(Deno.args[1])];
    const transport = createDenoTransport("127.0.0.1", port);
    const out = [];
    for (const r of requests) {
      const body = typeof r.body === "object" ? r.body.repeat.repeat(r.body.times) : r.body;
      try {
        out.push(await transport.request(r.method, r.path, body, r.headers));
      } catch (error) {
        out.push({ error: String(error), refused: isConnectionRefused(error) });
      }
    }
    await Deno.stdout.write(new TextEncoder().encode(JSON.stringify(out)));`,
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Received {
  /** Each request as it arrived: head lines and body. */
  head: string[];
  body: Buffer;
  /** Which connection (0, 1, …) it came on. */
  connection: number;
}

/**
 * A TCP server that parses each request (Content-Length bodies) and answers it with
 * `answer(request, index)`: the bytes to write (an array: written with a pause in between), and
 * whether to close the socket after.
 */
async function rawServer(
  answer: (request: Received, index: number) => { bytes: (string | Buffer)[]; close?: boolean },
): Promise<{ server: Server; port: number; received: Received[] }> {
  const received: Received[] = [];
  let connections = 0;
  const server = createServer((socket: Socket) => {
    const connection = connections++;
    let pending = Buffer.alloc(0);
    let busy = false;
    socket.on("data", (data) => {
      pending = Buffer.concat([pending, data]);
      void drain();
    });
    socket.on("error", () => {});
    async function drain(): Promise<void> {
      if (busy) return;
      busy = true;
      for (;;) {
        const end = pending.indexOf("\r\n\r\n");
        if (end < 0) break;
        const head = pending.subarray(0, end).toString("latin1").split("\r\n");
        const lengthLine = head.find((line) => /^content-length:/i.test(line));
        const length = lengthLine ? Number(lengthLine.split(":")[1]) : 0;
        if (pending.length < end + 4 + length) break;
        const request = { head, body: pending.subarray(end + 4, end + 4 + length), connection };
        pending = pending.subarray(end + 4 + length);
        received.push(request);
        const { bytes, close } = answer(request, received.length - 1);
        for (const [i, part] of bytes.entries()) {
          if (i > 0) await new Promise((resolve) => setTimeout(resolve, 20));
          socket.write(part);
        }
        // Closed for good once written, as a server drops a socket: what arrives later is refused.
        if (close) socket.destroySoon();
      }
      busy = false;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as { port: number }).port, received };
}

function runDriver(
  port: number,
  requests: (Request | (Omit<Request, "body"> & { body: { repeat: string; times: number } }))[],
): Promise<Outcome[]> {
  const [program, ...args] = engineArgv("deno", driver);
  return new Promise((resolve, reject) => {
    execFile(
      program!,
      [...args, String(port), JSON.stringify(requests)],
      { maxBuffer: 64 * 1024 * 1024, timeout: TIMEOUT },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`${error.message}\n${stderr}`));
        else resolve(JSON.parse(stdout) as Outcome[]);
      },
    );
  });
}

const ok = (body: string, extra = "") =>
  `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`;

describe("the Deno transport", () => {
  it(
    "sends the request line, Host, headers and a Content-Length body, and reads a Content-Length answer on one kept-alive socket",
    async () => {
      const { server, port, received } = await rawServer((_, i) => ({
        bytes: [
          ok(`{"n":${i},"text":"héllo"}`, "Lambda-Runtime-Aws-Request-Id: r1\r\nX-Two: a\r\nx-two: b\r\n"),
        ],
      }));
      try {
        const out = await runDriver(port, [
          { method: "GET", path: "/2018-06-01/runtime/invocation/next" },
          {
            method: "POST",
            path: "/2018-06-01/runtime/invocation/r1/response",
            body: '{"ünïcode":"✓"}',
            headers: { "Content-Type": "application/json" },
          },
        ]);
        expect(out[0]).toEqual({
          status: 200,
          headers: {
            "content-type": "application/json",
            "content-length": String(Buffer.byteLength(`{"n":0,"text":"héllo"}`)),
            "lambda-runtime-aws-request-id": "r1",
            "x-two": "a, b",
          },
          body: '{"n":0,"text":"héllo"}',
        });
        expect(out[1]).toMatchObject({ status: 200, body: '{"n":1,"text":"héllo"}' });
        expect(received[0]!.head[0]).toBe("GET /2018-06-01/runtime/invocation/next HTTP/1.1");
        expect(received[0]!.head).toContain(`Host: 127.0.0.1:${port}`);
        expect(received[1]!.head[0]).toBe("POST /2018-06-01/runtime/invocation/r1/response HTTP/1.1");
        expect(received[1]!.head).toContain("Content-Type: application/json");
        expect(received[1]!.head).toContain(`Content-Length: ${Buffer.byteLength('{"ünïcode":"✓"}')}`);
        expect(received[1]!.body.toString("utf8")).toBe('{"ünïcode":"✓"}');
        expect(received.map((r) => r.connection)).toEqual([0, 0]);
      } finally {
        server.close();
      }
    },
    TIMEOUT,
  );

  it(
    "reads chunked answers (with trailers, split across packets), skips a 100 Continue, and reads to the end of a connection without a length",
    async () => {
      const { server, port, received } = await rawServer((_, i) => {
        if (i === 0) {
          return {
            bytes: [
              "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
              "lo\r\n6\r\n wor",
              "ld\r\n0\r\nX-Trailer: t\r\n\r\n",
            ],
          };
        }
        if (i === 1)
          return { bytes: ["HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"] };
        return { bytes: ["HTTP/1.0 200 OK\r\n\r\nuntil ", "the end"], close: true };
      });
      try {
        const out = await runDriver(port, [
          { method: "GET", path: "/a" },
          { method: "POST", path: "/b", body: "x" },
          { method: "GET", path: "/c" },
          { method: "GET", path: "/d" },
        ]);
        expect(out[0]).toMatchObject({ status: 200, body: "hello world" });
        expect(out[1]).toMatchObject({ status: 202, body: "" });
        expect(out[2]).toMatchObject({ status: 200, body: "until the end" });
        // The socket that ended with its answer is not reused: the fourth request opens another.
        expect(out[3]).toMatchObject({ status: 200 });
        expect(received.map((r) => r.connection)).toEqual([0, 0, 0, 1]);
      } finally {
        server.close();
      }
    },
    TIMEOUT,
  );

  it(
    "opens a new socket after an answer with Connection: close, and retries once on a new socket when a kept-alive one was closed while idle",
    async () => {
      const { server, port, received } = await rawServer((_, i) => {
        // Answers 0 and 2 close explicitly; after answer 3 the server drops the socket silently,
        // as a server does with a kept-alive connection it times out.
        if (i === 0) return { bytes: [ok('"0"', "Connection: close\r\n")], close: true };
        if (i === 3) return { bytes: [ok('"3"')], close: true };
        return { bytes: [ok(`"${i}"`)] };
      });
      try {
        const out = await runDriver(port, [
          { method: "GET", path: "/0" },
          { method: "GET", path: "/1" },
          { method: "GET", path: "/2" },
          { method: "GET", path: "/3" },
          { method: "POST", path: "/4", body: "after the silent close" },
        ]);
        expect(out.map((o) => ("body" in o ? o.body : o.error))).toEqual(['"0"', '"1"', '"2"', '"3"', '"4"']);
        expect(received.map((r) => r.connection)).toEqual([0, 1, 1, 1, 2]);
        expect(received[4]!.body.toString()).toBe("after the silent close");
      } finally {
        server.close();
      }
    },
    TIMEOUT,
  );

  it(
    "reads a 204 as bodiless on a kept-alive socket, and does not reuse an HTTP/1.0 socket without keep-alive",
    async () => {
      const { server, port, received } = await rawServer((_, i) => {
        if (i === 0) return { bytes: ["HTTP/1.1 204 No Content\r\nX-A: 1\r\n\r\n"] };
        // Left open by the server: only the transport's own rule keeps it from being reused.
        if (i === 1) return { bytes: ["HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok"] };
        return { bytes: [ok('"2"')] };
      });
      try {
        const out = await runDriver(port, [
          { method: "POST", path: "/0", body: "a" },
          { method: "GET", path: "/1" },
          { method: "GET", path: "/2" },
        ]);
        expect(out[0]).toEqual({ status: 204, headers: { "x-a": "1" }, body: "" });
        expect(out[1]).toMatchObject({ status: 200, body: "ok" });
        expect(out[2]).toMatchObject({ status: 200, body: '"2"' });
        expect(received.map((r) => r.connection)).toEqual([0, 0, 1]);
      } finally {
        server.close();
      }
    },
    TIMEOUT,
  );

  it(
    "carries 6 MB bodies both ways, byte for byte, one after another (the kept encode buffer grows and is reused)",
    async () => {
      const big = (n: number) => `{"n":${n},"s":"${"é".repeat(3 * 1024 * 1024 - 8)}"}`;
      const { server, port, received } = await rawServer((_, i) => ({ bytes: [ok(big(i))] }));
      try {
        const out = await runDriver(port, [
          { method: "POST", path: "/one", body: { repeat: "✓", times: 1024 * 1024 } },
          { method: "POST", path: "/two", body: { repeat: "ab", times: 3 * 1024 * 1024 } },
          { method: "POST", path: "/three", body: { repeat: "c", times: 100_000 } },
        ]);
        expect(out.map((o) => ("body" in o ? o.body === big(out.indexOf(o)) : o.error))).toEqual([
          true,
          true,
          true,
        ]);
        expect(received[0]!.body.toString("utf8")).toBe("✓".repeat(1024 * 1024));
        expect(received[1]!.body.toString("utf8")).toBe("ab".repeat(3 * 1024 * 1024));
        expect(received[2]!.body.toString("utf8")).toBe("c".repeat(100_000));
      } finally {
        server.close();
      }
    },
    TIMEOUT,
  );

  it(
    "fails clearly on a socket that hangs up mid-answer and on an answer that is not HTTP, and recognises a refused connection",
    async () => {
      const { server, port } = await rawServer((_, i) =>
        i === 0
          ? { bytes: ["HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhalf"], close: true }
          : { bytes: ["SSH-2.0-OpenSSH\r\n\r\n"], close: true },
      );
      try {
        const out = await runDriver(port, [
          { method: "GET", path: "/half" },
          { method: "GET", path: "/garbage" },
        ]);
        expect(out[0]).toEqual({ error: "Error: socket hang up", refused: false });
        expect(out[1]).toEqual({ error: 'Error: not an HTTP answer: "SSH-2.0-OpenSSH"', refused: false });
      } finally {
        server.close();
      }
      await new Promise((resolve) => server.once("close", resolve));
      const refused = await runDriver(port, [{ method: "GET", path: "/gone" }]);
      expect(refused[0]).toMatchObject({ refused: true });
    },
    TIMEOUT,
  );
});

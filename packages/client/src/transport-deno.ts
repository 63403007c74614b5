// Runtime API requests on Deno: HTTP/1.1 written by hand on a kept-alive `Deno.connect` socket.
// Deno's `fetch` builds its HTTP client on the first request, which cost every cold start here
// ~8 ms before `next` even left (a socket costs a connect), and it costs a warm invoke about twice
// the time this does. The exchanges are the simplest HTTP there is: one request at a time on a
// socket, an answer with a Content-Length (lambkin's, AWS's), a chunked body, or one that runs to
// the end of the connection.
import { type ApiResponse, authority, type Transport } from "./transport.ts";

export interface DenoConn {
  write(bytes: Uint8Array): Promise<number>;
  read(buffer: Uint8Array): Promise<number | null>;
  close(): void;
}
declare const Deno: { connect(options: { hostname: string; port: number }): Promise<DenoConn> };

const encoder = new TextEncoder();
const utf8 = new TextDecoder();
const latin1 = new TextDecoder("latin1");
const READ_SIZE = 64 * 1024;

/** The peer closed the socket before its answer was complete. */
class HangUp extends Error {
  readonly code = "ECONNRESET";
  constructor(readonly beforeAnyByte: boolean) {
    super("socket hang up");
  }
}

/** What a socket sent beyond what was parsed: heads, chunk lines, a body without a length. */
class Bytes {
  data = new Uint8Array(READ_SIZE);
  length = 0;

  append(chunk: Uint8Array): void {
    if (this.length + chunk.length > this.data.length) {
      const grown = new Uint8Array(Math.max(this.data.length * 2, this.length + chunk.length));
      grown.set(this.data.subarray(0, this.length));
      this.data = grown;
    }
    this.data.set(chunk, this.length);
    this.length += chunk.length;
  }

  /** Drops the first `n` bytes. */
  consume(n: number): void {
    this.data.copyWithin(0, n, this.length);
    this.length -= n;
  }

  view(start = 0, end = this.length): Uint8Array {
    return this.data.subarray(start, end);
  }
}

/**
 * One socket and whatever it has sent beyond the last answer read. The streamed response
 * (response-stream-deno.ts) posts on one of these too.
 */
export class Connection {
  readonly #conn: DenoConn;
  readonly #received = new Bytes();
  readonly #scratch = new Uint8Array(READ_SIZE);
  /** Bytes of the current answer seen so far (a reused socket that yields none was stale). */
  #seen = 0;

  constructor(conn: DenoConn) {
    this.#conn = conn;
  }

  static async open(hostname: string, port: number): Promise<Connection> {
    return new Connection(await Deno.connect({ hostname, port }));
  }

  async write(bytes: Uint8Array): Promise<void> {
    while (bytes.length > 0) bytes = bytes.subarray(await this.#conn.write(bytes));
  }

  close(): void {
    try {
      this.#conn.close();
    } catch {
      // Already closed.
    }
  }

  /** Reads more bytes into the buffer; false at the end of the stream. */
  async #fill(): Promise<boolean> {
    const n = await this.#conn.read(this.#scratch);
    if (n === null) return false;
    this.#received.append(this.#scratch.subarray(0, n));
    this.#seen += n;
    return true;
  }

  async #fillOrHangUp(): Promise<void> {
    if (!(await this.#fill())) throw new HangUp(this.#seen === 0);
  }

  /** Reads one whole answer (1xx answers skipped); says whether the socket may be used again. */
  async readAnswer(): Promise<ApiResponse & { keepAlive: boolean }> {
    this.#seen = this.#received.length;
    for (;;) {
      const head = await this.#readHead();
      if (head.status >= 100 && head.status < 200) continue;
      const { status, headers } = head;
      const connection = headers.connection ?? "";
      let keepAlive = head.http11 ? !/\bclose\b/i.test(connection) : /\bkeep-alive\b/i.test(connection);
      let body: Uint8Array;
      if (status === 204 || status === 304) {
        body = new Uint8Array(0);
      } else if (/\bchunked\b/i.test(headers["transfer-encoding"] ?? "")) {
        body = await this.#readChunked();
      } else if (headers["content-length"] !== undefined) {
        const length = Number(headers["content-length"]);
        if (!Number.isSafeInteger(length) || length < 0)
          throw new Error(`bad Content-Length in the Runtime API's answer: ${headers["content-length"]}`);
        body = await this.#readExactly(length);
      } else {
        // No length: the body runs to the end of the connection.
        while (await this.#fill());
        body = this.#received.view().slice();
        this.#received.consume(this.#received.length);
        keepAlive = false;
      }
      return { status, headers, body: utf8.decode(body), keepAlive };
    }
  }

  /** The next `length` bytes, read straight into one array (a 6 MB event is not copied per read). */
  async #readExactly(length: number): Promise<Uint8Array> {
    const out = new Uint8Array(length);
    const buffered = Math.min(this.#received.length, length);
    out.set(this.#received.view(0, buffered));
    this.#received.consume(buffered);
    for (let filled = buffered; filled < length; ) {
      const n = await this.#conn.read(out.subarray(filled));
      if (n === null) throw new HangUp(false);
      filled += n;
    }
    return out;
  }

  async #readHead(): Promise<{ status: number; http11: boolean; headers: Record<string, string> }> {
    let searchFrom = 0;
    let end: number;
    for (;;) {
      end = indexOfBlankLine(this.#received.view(), searchFrom);
      if (end >= 0) break;
      searchFrom = Math.max(0, this.#received.length - 3);
      await this.#fillOrHangUp();
    }
    const lines = latin1.decode(this.#received.view(0, end)).split("\r\n");
    this.#received.consume(end + 4);
    const statusLine = /^HTTP\/1\.([01]) (\d{3})/.exec(lines[0]!);
    if (!statusLine) throw new Error(`not an HTTP answer: ${JSON.stringify(lines[0])}`);
    const status = Number(statusLine[2]);
    const headers: Record<string, string> = {};
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!;
      const colon = line.indexOf(":");
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
    }
    return { status, http11: statusLine[1] === "1", headers };
  }

  async #readChunked(): Promise<Uint8Array> {
    const chunks: Uint8Array[] = [];
    for (;;) {
      const line = await this.#readLine();
      const size = Number.parseInt(line, 16);
      if (Number.isNaN(size) || size < 0) throw new Error("bad chunk size in the Runtime API's answer");
      if (size === 0) {
        // Trailer lines, if any, up to an empty line.
        while ((await this.#readLine()) !== "");
        return concat(chunks);
      }
      chunks.push(await this.#readExactly(size));
      if ((await this.#readLine()) !== "") throw new Error("bad chunk end in the Runtime API's answer");
    }
  }

  async #readLine(): Promise<string> {
    for (;;) {
      const bytes = this.#received.view();
      for (let i = 0; i + 1 < bytes.length; i++) {
        if (bytes[i] === 13 && bytes[i + 1] === 10) {
          const line = latin1.decode(bytes.subarray(0, i));
          this.#received.consume(i + 2);
          return line;
        }
      }
      await this.#fillOrHangUp();
    }
  }
}

export function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, part) => n + part.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function indexOfBlankLine(bytes: Uint8Array, from: number): number {
  for (let i = from; i + 3 < bytes.length; i++) {
    if (bytes[i] === 13 && bytes[i + 1] === 10 && bytes[i + 2] === 13 && bytes[i + 3] === 10) return i;
  }
  return -1;
}

/**
 * The UTF-8 bytes of request bodies. A large one is encoded into an array kept from the last: a
 * new 6 MB array costs Deno ~15 ms here (pages new to the process), `encodeInto` a kept one ~0.3.
 */
class BodyEncoder {
  #kept: Uint8Array | undefined;

  encode(body: string): Uint8Array {
    if (body.length <= READ_SIZE) return encoder.encode(body);
    // Taken while in use: a second request at the same time encodes into an array of its own.
    let buffer = this.#kept;
    this.#kept = undefined;
    if (!buffer || buffer.length < body.length) buffer = new Uint8Array(body.length);
    let { read, written } = encoder.encodeInto(body, buffer);
    if (read < body.length) {
      buffer = new Uint8Array(body.length * 3);
      ({ written } = encoder.encodeInto(body, buffer));
    }
    return buffer.subarray(0, written);
  }

  /** Hands back the bytes of a body once written: the larger array is kept for the next one. */
  release(bytes: Uint8Array): void {
    if (bytes.length > READ_SIZE && bytes.buffer.byteLength > (this.#kept?.length ?? 0))
      this.#kept = new Uint8Array(bytes.buffer);
  }
}

export function createDenoTransport(hostname: string, port: number): Transport {
  const host = authority(hostname, port);
  /** Sockets waiting for their next request; the loop needs one, a crash report a second. */
  const idle: Connection[] = [];
  const bodies = new BodyEncoder();

  async function exchange(conn: Connection, request: Uint8Array[]): Promise<ApiResponse> {
    for (const bytes of request) await conn.write(bytes);
    const { keepAlive, ...answer } = await conn.readAnswer();
    if (keepAlive) idle.push(conn);
    else conn.close();
    return answer;
  }

  return {
    async request(method, path, body, headers = {}): Promise<ApiResponse> {
      const payload = body === undefined ? undefined : bodies.encode(body);
      try {
        return await send(method, path, payload, headers);
      } finally {
        if (payload) bodies.release(payload);
      }
    },
  };

  async function send(
    method: string,
    path: string,
    payload: Uint8Array | undefined,
    headers: Record<string, string>,
  ): Promise<ApiResponse> {
    let head = `${method} ${path} HTTP/1.1\r\nHost: ${host}\r\n`;
    for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
    if (payload !== undefined) head += `Content-Length: ${payload.length}\r\n`;
    const request = framed(encoder.encode(`${head}\r\n`), payload);
    const reused = idle.pop();
    if (reused) {
      try {
        return await exchange(reused, request);
      } catch (error) {
        reused.close();
        // The server may close a kept-alive socket just as it is reused: once more on a new one.
        if (!(error instanceof HangUp && error.beforeAnyByte) && !isBrokenPipe(error)) throw error;
      }
    }
    const conn = await Connection.open(hostname, port);
    try {
      return await exchange(conn, request);
    } catch (error) {
      conn.close();
      throw error;
    }
  }
}

/** Head and body in one write when small (one packet), in two when large (no 6 MB copy). */
function framed(head: Uint8Array, body: Uint8Array | undefined): Uint8Array[] {
  if (body === undefined || body.length === 0) return [head];
  return body.length > READ_SIZE ? [head, body] : [concat([head, body])];
}

function isBrokenPipe(error: unknown): boolean {
  const name = (error as { name?: unknown })?.name;
  return name === "BrokenPipe" || name === "ConnectionReset";
}

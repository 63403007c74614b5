// A bare HTTP/1.1 client over one TCP socket, so tests control exactly what goes on the wire
// (chunked bodies with trailers, several requests on one connection) and see exactly what comes
// back (repeated fields, a spurious extra response, the connection closing).
import { connect, type Socket } from "node:net";

export interface RawResponse {
  status: number;
  /** Field names lower-cased, in wire order, repeats kept apart. */
  headers: [string, string][];
  body: Buffer;
}

export function header(response: RawResponse, name: string): string[] {
  return response.headers.filter(([n]) => n === name).map(([, v]) => v);
}

export class RawConnection {
  readonly socket: Socket;
  #buffer = Buffer.alloc(0);
  #ended = false;
  #wake: (() => void) | undefined;
  /** Resolves when the server closes the connection (or it breaks). */
  readonly closed: Promise<void>;

  private constructor(socket: Socket) {
    this.socket = socket;
    socket.on("data", (chunk: Buffer) => {
      this.#buffer = Buffer.concat([this.#buffer, chunk]);
      this.#wake?.();
    });
    this.closed = new Promise((resolve) => {
      socket.once("close", () => {
        this.#ended = true;
        this.#wake?.();
        resolve();
      });
    });
    socket.on("error", () => {});
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.off("error", reject);
        resolve(new RawConnection(socket));
      });
      socket.once("error", reject);
    });
  }

  get isClosed(): boolean {
    return this.#ended;
  }

  /** Bytes received and not yet parsed into a response. */
  get pending(): Buffer {
    return this.#buffer;
  }

  write(data: string | Uint8Array): void {
    this.socket.write(data);
  }

  close(): void {
    this.socket.destroy();
  }

  /** Waits until `n` bytes are buffered; rejects if the connection closes first. */
  async #need(n: number): Promise<void> {
    while (this.#buffer.length < n) {
      if (this.#ended) throw new Error(`connection closed with ${this.#buffer.length} of ${n} bytes`);
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
      this.#wake = undefined;
    }
  }

  async #line(): Promise<string> {
    for (;;) {
      const at = this.#buffer.indexOf("\r\n");
      if (at >= 0) {
        const line = this.#buffer.subarray(0, at).toString("latin1");
        this.#buffer = this.#buffer.subarray(at + 2);
        return line;
      }
      await this.#need(this.#buffer.length + 1);
    }
  }

  async #take(n: number): Promise<Buffer> {
    await this.#need(n);
    const data = this.#buffer.subarray(0, n);
    this.#buffer = this.#buffer.subarray(n);
    return data;
  }

  /** Reads one response: status line, fields, then a body framed by length or chunks. */
  async readResponse(options: { head?: boolean } = {}): Promise<RawResponse> {
    const statusLine = await this.#line();
    const status = Number(statusLine.split(" ")[1]);
    const headers: [string, string][] = [];
    for (let line = await this.#line(); line !== ""; line = await this.#line()) {
      const colon = line.indexOf(":");
      headers.push([line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim()]);
    }
    const field = (name: string) => headers.find(([n]) => n === name)?.[1];
    if (options.head || status === 204 || status === 304 || status < 200) {
      return { status, headers, body: Buffer.alloc(0) };
    }
    if (field("transfer-encoding")?.toLowerCase() === "chunked") {
      const chunks: Buffer[] = [];
      for (;;) {
        const size = Number.parseInt((await this.#line()).split(";")[0]!, 16);
        if (size === 0) break;
        chunks.push(await this.#take(size));
        await this.#take(2);
      }
      while ((await this.#line()) !== "") {
        // Response trailers: none expected; skipped.
      }
      return { status, headers, body: Buffer.concat(chunks) };
    }
    const length = field("content-length");
    if (length !== undefined) return { status, headers, body: await this.#take(Number(length)) };
    await this.closed;
    return { status, headers, body: await this.#take(this.#buffer.length) };
  }
}

/** One request on a fresh connection. */
export async function rawRequest(port: number, request: string | Uint8Array): Promise<RawResponse> {
  const connection = await RawConnection.open(port);
  try {
    connection.write(request);
    return await connection.readResponse();
  } finally {
    connection.close();
  }
}

/**
 * A web `Request` over a node:http `IncomingMessage`, built lazily.
 *
 * Every Lambda invoke crosses lambkin's listeners twice, and undici's `Request` costs several µs to
 * construct and much more to read a body through its stream. Core mostly asks for the method, the
 * URL, a header or two and the body, so those are answered straight from the `IncomingMessage`;
 * anything else (clone, formData, signal tricks…) builds the real `Request` once and delegates.
 * Both classes put the native prototype behind their own, so `instanceof Request` still holds.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import { RAW_HEADERS } from "@lambkin/core";

const NativeRequest = globalThis.Request;
const NativeHeaders = globalThis.Headers;

/** A body stream closed before its end: the peer went away mid-body. */
export class PrematureCloseError extends Error {
  override name = "PrematureCloseError";
}

/** `Headers` answering `get`/`has` from node's parsed header object, without copying it. */
class NodeHeaders {
  #req: IncomingMessage;
  #real: Headers | undefined;

  constructor(req: IncomingMessage) {
    this.#req = req;
  }

  get _real(): Headers {
    if (!this.#real) {
      const headers = new NativeHeaders();
      const raw = this.#req.rawHeaders;
      for (let i = 0; i < raw.length; i += 2) headers.append(raw[i]!, raw[i + 1]!);
      this.#real = headers;
    }
    return this.#real;
  }

  get(name: string): string | null {
    if (this.#real) return this.#real.get(name);
    // The server joins repeated fields (joinDuplicateHeaders), as `Headers.get` does.
    const value = this.#req.headers[name.toLowerCase()];
    if (value === undefined) return null;
    return typeof value === "string" ? value : value.join(", ");
  }

  has(name: string): boolean {
    if (this.#real) return this.#real.has(name);
    return this.#req.headers[name.toLowerCase()] !== undefined;
  }

  /** The fields as received, for the gate's header limits (core's RAW_HEADERS). */
  get [RAW_HEADERS](): readonly string[] {
    return this.#req.rawHeaders;
  }

  [Symbol.iterator](): HeadersIterator<[string, string]> {
    return this._real.entries();
  }

  forEach(callback: (value: string, name: string, headers: Headers) => void): void {
    this._real.forEach(callback);
  }
}

/** Builds the body stream; pauses the socket while the consumer is not reading (backpressure). */
export function toWebStream(source: Readable): ReadableStream<Uint8Array> {
  let settled = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      source.on("data", (chunk: Buffer) => {
        if (settled) return;
        controller.enqueue(chunk);
        if ((controller.desiredSize ?? 0) <= 0) source.pause();
      });
      source.once("end", () => {
        if (settled) return;
        settled = true;
        controller.close();
      });
      source.once("error", (error) => {
        if (settled) return;
        settled = true;
        controller.error(error);
      });
      // A request whose connection dies mid-body closes without 'end' (and node only emits
      // 'error' when someone listens before it happens); the reader must not hang.
      source.once("close", () => {
        if (settled) return;
        settled = true;
        controller.error(new PrematureCloseError("the stream closed before its end"));
      });
    },
    pull() {
      source.resume();
    },
    cancel() {
      // Discard the rest rather than destroying it: the socket stays usable for keep-alive.
      settled = true;
      source.removeAllListeners("data");
      source.resume();
    },
  });
}

function readAll(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.once("end", () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.once("error", reject);
    req.once("close", () => {
      if (!req.complete) reject(new PrematureCloseError("the connection closed before the body ended"));
    });
  });
}

async function readStream(stream: ReadableStream<Uint8Array>): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream as unknown as AsyncIterable<Uint8Array>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

const utf8 = new TextDecoder();

export class NodeRequest {
  #req: IncomingMessage;
  #res: ServerResponse;
  #url: string | undefined;
  #headers: NodeHeaders | undefined;
  #body: ReadableStream<Uint8Array> | null | undefined;
  #used = false;
  #abort: AbortController | undefined;
  #real: Request | undefined;

  constructor(req: IncomingMessage, res: ServerResponse) {
    this.#req = req;
    this.#res = res;
  }

  #nodeHeaders(): NodeHeaders {
    if (!this.#headers) this.#headers = new NodeHeaders(this.#req);
    return this.#headers;
  }

  get method(): string {
    return this.#req.method ?? "GET";
  }

  get url(): string {
    if (this.#url === undefined) {
      const target = this.#req.url ?? "/";
      const host = this.#req.headers.host ?? "localhost";
      // origin-form ("/path") is what clients send; a valid absolute-form target is kept as is.
      if (target.charCodeAt(0) === 47 /* / */) this.#url = `http://${host}${target}`;
      else this.#url = URL.canParse(target) ? target : `http://${host}/${target}`;
    }
    return this.#url;
  }

  get headers(): Headers {
    if (this.#real) return this.#real.headers;
    return this.#nodeHeaders() as unknown as Headers;
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (this.#real) return this.#real.body;
    if (this.#body === undefined) {
      const method = this.method;
      this.#body = method === "GET" || method === "HEAD" ? null : toWebStream(this.#req);
    }
    return this.#body;
  }

  get bodyUsed(): boolean {
    if (this.#real) return this.#real.bodyUsed;
    return this.#used || (this.#body?.locked ?? false);
  }

  get signal(): AbortSignal {
    if (this.#real) return this.#real.signal;
    if (!this.#abort) {
      const abort = new AbortController();
      const res = this.#res;
      // The caller went away before we answered: the response closed without finishing.
      res.once("close", () => {
        if (!res.writableFinished)
          abort.abort(new PrematureCloseError("the client closed the connection before the response ended"));
      });
      this.#abort = abort;
    }
    return this.#abort.signal;
  }

  /** The whole body; read straight from the socket unless a stream was already handed out. */
  #bytes(): Promise<Buffer> {
    if (this.bodyUsed) return Promise.reject(new TypeError("Body is unusable: Body has already been read"));
    this.#used = true;
    if (this.#body) return readStream(this.#body);
    if (this.#body === null || this.method === "GET" || this.method === "HEAD") {
      return Promise.resolve(Buffer.alloc(0));
    }
    return readAll(this.#req);
  }

  arrayBuffer(): Promise<ArrayBuffer> {
    if (this.#real) return this.#real.arrayBuffer();
    return this.#bytes().then(
      (b) => b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer,
    );
  }

  bytes(): Promise<Uint8Array> {
    if (this.#real) return this.#real.bytes();
    return this.#bytes().then((b) => new Uint8Array(b.buffer, b.byteOffset, b.byteLength));
  }

  text(): Promise<string> {
    if (this.#real) return this.#real.text();
    return this.#bytes().then((b) => utf8.decode(b));
  }

  json(): Promise<unknown> {
    return this.text().then((text) => JSON.parse(text));
  }

  /** The real undici `Request`, for everything the fast paths above do not cover. */
  get _real(): Request {
    if (!this.#real) {
      const body = this.bodyUsed ? null : this.body;
      this.#real = new NativeRequest(this.url, {
        method: this.method,
        headers: this.#nodeHeaders()._real,
        body,
        signal: this.signal,
        // @ts-expect-error undici needs `duplex` for a stream body; the DOM types do not know it.
        duplex: body ? "half" : undefined,
      });
    }
    return this.#real;
  }
}

/** Gives `target` every member of `native.prototype` it lacks, delegating to `this._real`. */
function delegateRest(target: object, native: object): void {
  for (const key of Reflect.ownKeys(native)) {
    if (key === "constructor" || Object.hasOwn(target, key)) continue;
    const descriptor = Object.getOwnPropertyDescriptor(native, key)!;
    if (descriptor.get) {
      Object.defineProperty(target, key, {
        configurable: true,
        get(this: { _real: Record<PropertyKey, unknown> }) {
          return this._real[key];
        },
      });
    } else if (typeof descriptor.value === "function") {
      Object.defineProperty(target, key, {
        configurable: true,
        writable: true,
        value(this: { _real: Record<PropertyKey, (...args: unknown[]) => unknown> }, ...args: unknown[]) {
          return this._real[key]!(...args);
        },
      });
    } else {
      Object.defineProperty(target, key, descriptor);
    }
  }
  Object.setPrototypeOf(target, native);
}

delegateRest(NodeHeaders.prototype, NativeHeaders.prototype);
delegateRest(NodeRequest.prototype, NativeRequest.prototype);

/**
 * A `Response` that costs next to nothing to build on Node.
 *
 * undici's `Response` wraps every body in a `ReadableStream` as it is constructed, and on Node 20
 * that alone costs 11–20 µs, several times per invoke. `FastResponse` only remembers its body and
 * init; lambkin's node:http server writes those directly, and any other use (`clone()`,
 * `formData()`, handing it to code that wants undici's own object) builds the real `Response` once
 * and delegates to it. It passes `instanceof Response`. lambkin's node:http server writes it without
 * a stream (on Bun's and Deno's node:http layers too); servers that take only their engine's own
 * `Response` get it through `nativeResponse`.
 */

type FastBody = string | Uint8Array | ReadableStream<Uint8Array>;

/** What the node:http server writes: everything known without building undici's objects. */
export interface FastParts {
  status: number;
  statusText: string;
  /** Flat name/value list, as `ServerResponse.writeHead` takes it. */
  headers: string[];
  hasContentLength: boolean;
  body: FastBody | null;
}

const NativeResponse = globalThis.Response;
const TEXT_PLAIN = "text/plain;charset=UTF-8";

function isFastBody(body: unknown): body is FastBody | null | undefined {
  return (
    body === null ||
    body === undefined ||
    typeof body === "string" ||
    body instanceof Uint8Array ||
    body instanceof ReadableStream
  );
}

class LightResponse {
  #body: FastBody | null;
  #init: ResponseInit | undefined;
  #real: Response | undefined;
  #used = false;

  constructor(body?: BodyInit | null, init?: ResponseInit) {
    if (init?.status !== undefined && (init.status < 200 || init.status > 599)) {
      throw new RangeError(`Response status must be 200–599, got ${init.status}`);
    }
    if (isFastBody(body)) {
      this.#body = body ?? null;
    } else {
      // Blob, FormData, ArrayBuffer…: let undici do what the spec says, then never look back.
      this.#real = new NativeResponse(body, init);
      this.#body = null;
    }
    this.#init = init;
  }

  static json(data: unknown, init?: ResponseInit): LightResponse {
    const headers = new Headers(init?.headers);
    if (!headers.has("content-type")) headers.set("content-type", "application/json");
    return new LightResponse(JSON.stringify(data), { ...init, headers });
  }

  static error(): Response {
    return NativeResponse.error();
  }

  static redirect(url: string | URL, status?: number): Response {
    return NativeResponse.redirect(url, status);
  }

  /** The parts to write, or undefined once the real `Response` exists (then write that). */
  static parts(response: unknown): FastParts | undefined {
    if (typeof response !== "object" || response === null || !(#body in response)) return undefined;
    if (response.#real || response.#used) return undefined;
    const init = response.#init;
    const body = response.#body;
    const headers: string[] = [];
    let hasContentLength = false;
    let hasContentType = false;
    const add = (name: string, value: string) => {
      const lower = name.toLowerCase();
      if (lower === "content-length") hasContentLength = true;
      else if (lower === "content-type") hasContentType = true;
      headers.push(name, value);
    };
    const given = init?.headers;
    if (given instanceof Headers || Array.isArray(given)) {
      for (const [name, value] of given as Iterable<[string, string]>) add(name, value);
    } else if (given) {
      for (const name of Object.keys(given)) add(name, (given as Record<string, string>)[name]!);
    }
    if (typeof body === "string" && !hasContentType) headers.push("content-type", TEXT_PLAIN);
    response.#used = true;
    return {
      status: init?.status ?? 200,
      statusText: init?.statusText ?? "",
      headers,
      hasContentLength,
      body,
    };
  }

  /** The engine's own `Response` for `response`: for servers that take nothing else. */
  static native(response: Response): Response {
    if (typeof response !== "object" || response === null || !(#body in response)) return response;
    return response._real;
  }

  get _real(): Response {
    if (!this.#real) {
      this.#real = new NativeResponse(this.#body as BodyInit | null, this.#init);
      // A body already handed out by text() is gone, as from a real Response: reading it again
      // must fail the same way.
      if (this.#used) void this.#real.arrayBuffer().catch(() => {});
    }
    return this.#real;
  }

  get status(): number {
    return this.#real ? this.#real.status : (this.#init?.status ?? 200);
  }

  get statusText(): string {
    return this.#real ? this.#real.statusText : (this.#init?.statusText ?? "");
  }

  get ok(): boolean {
    const status = this.status;
    return status >= 200 && status < 300;
  }

  get headers(): Headers {
    return this._real.headers;
  }

  get body(): ReadableStream<Uint8Array> | null {
    if (!this.#real && !this.#used && (this.#body === null || this.#body instanceof ReadableStream)) {
      return this.#body;
    }
    return this._real.body;
  }

  get bodyUsed(): boolean {
    return this.#real ? this.#real.bodyUsed : this.#used;
  }

  text(): Promise<string> {
    if (this.#real || typeof this.#body !== "string" || this.#used) return this._real.text();
    this.#used = true;
    return Promise.resolve(this.#body);
  }

  json(): Promise<unknown> {
    return this.text().then((text) => JSON.parse(text));
  }
}

/** Gives `LightResponse` every other member of `Response`, delegating to the real one. */
for (const key of Reflect.ownKeys(NativeResponse.prototype)) {
  if (key === "constructor" || Object.hasOwn(LightResponse.prototype, key)) continue;
  const descriptor = Object.getOwnPropertyDescriptor(NativeResponse.prototype, key)!;
  if (descriptor.get) {
    Object.defineProperty(LightResponse.prototype, key, {
      configurable: true,
      get(this: LightResponse) {
        return (this._real as unknown as Record<PropertyKey, unknown>)[key];
      },
    });
  } else if (typeof descriptor.value === "function") {
    Object.defineProperty(LightResponse.prototype, key, {
      configurable: true,
      writable: true,
      value(this: LightResponse, ...args: unknown[]) {
        return (this._real as unknown as Record<PropertyKey, (...a: unknown[]) => unknown>)[key]!(...args);
      },
    });
  } else {
    Object.defineProperty(LightResponse.prototype, key, descriptor);
  }
}
Object.setPrototypeOf(LightResponse.prototype, NativeResponse.prototype);

/**
 * Use it wherever a `Response` is built for lambkin's Node server: `new FastResponse(body, init)`,
 * `FastResponse.json(data)`. It is a `Response` in every way but its cost.
 */
export const FastResponse = LightResponse as unknown as typeof Response;

/**
 * The engine's own `Response` behind a `FastResponse` (built now if need be), or `response` itself:
 * for servers such as `Bun.serve` and `Deno.serve` that take nothing else.
 */
export const nativeResponse: (response: Response) => Response = LightResponse.native;

/** `nativeResponse` for a fetch handler's answer, which may still be on its way. */
export function nativeAnswer(response: Response | Promise<Response>): Response | Promise<Response> {
  return response instanceof Promise ? response.then(nativeResponse) : nativeResponse(response);
}

/** The parts of a `FastResponse` still untouched, or undefined for anything else. */
export const fastParts: (response: unknown) => FastParts | undefined = LightResponse.parts;

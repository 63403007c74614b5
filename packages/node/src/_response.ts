/**
 * Writes a web `Response` to a node:http `ServerResponse`.
 *
 * A `FastResponse` hands over its parts directly. Reading a buffered undici `Response` through its
 * body stream costs tens of µs, a large share of a node:http round trip; but undici keeps the original string or bytes of a
 * buffered body as `state.body.source`, so when that is there (and nobody has touched the stream)
 * it is written in one `end()` with a Content-Length. Anything else — a streamed body, another
 * engine's `Response`, an undici version that hides its state differently — goes through the
 * stream, chunk by chunk, each chunk flushed as soon as the stream yields it.
 */
import type { ServerResponse } from "node:http";
import { fastParts } from "@lambkin/core";

interface UndiciBody {
  source?: unknown;
  stream?: ReadableStream;
}

/** undici's private state symbol, found by probing once; undefined where it is not there. */
const kState: symbol | undefined = (() => {
  try {
    const probe = new Response("probe");
    for (const symbol of Object.getOwnPropertySymbols(probe)) {
      const body = (probe as unknown as Record<symbol, { body?: UndiciBody }>)[symbol]?.body;
      if (body?.source === "probe" && body.stream instanceof ReadableStream) return symbol;
    }
  } catch {
    // Not undici, or not as we know it: every body goes through its stream.
  }
  return undefined;
})();

/**
 * The response's whole body when it is known without reading a stream: a string or bytes, `null`
 * for no body, `undefined` when it must be streamed.
 */
function bufferedBody(response: Response): string | Uint8Array | null | undefined {
  if (kState === undefined) return undefined;
  const state = (response as unknown as Record<symbol, { body?: UndiciBody | null } | undefined>)[kState];
  if (state === undefined) return undefined;
  const body = state.body;
  if (body === null) return null;
  if (body === undefined || body.stream?.locked !== false || response.bodyUsed) return undefined;
  const source = body.source;
  return typeof source === "string" || source instanceof Uint8Array ? source : undefined;
}

function hasNoBody(status: number): boolean {
  return status === 204 || status === 304 || status < 200;
}

/** Sends `response`; throws (before anything is written) when node rejects its status or headers. */
export function writeResponse(res: ServerResponse, response: Response): void {
  const parts = fastParts(response);
  if (parts) {
    const { status, headers, body } = parts;
    if (body instanceof ReadableStream) {
      writeStreamed(res, status, parts.statusText, headers, body);
    } else {
      writeBuffered(res, status, parts.statusText, headers, parts.hasContentLength, body);
    }
    return;
  }
  const status = response.status;
  const headers: string[] = [];
  let hasLength = false;
  for (const [name, value] of response.headers) {
    if (name === "content-length") hasLength = true;
    headers.push(name, value);
  }
  const body = bufferedBody(response);
  const stream = body === undefined ? response.body : null;
  if (stream) writeStreamed(res, status, response.statusText, headers, stream);
  else writeBuffered(res, status, response.statusText, headers, hasLength, body ?? null);
}

function writeBuffered(
  res: ServerResponse,
  status: number,
  statusText: string,
  headers: string[],
  hasLength: boolean,
  body: string | Uint8Array | null,
): void {
  if (!hasLength && !hasNoBody(status)) {
    const length = body === null ? 0 : typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
    headers.push("content-length", String(length));
  }
  writeHead(res, status, statusText, headers);
  if (body === null) res.end();
  else res.end(body);
}

function writeStreamed(
  res: ServerResponse,
  status: number,
  statusText: string,
  headers: string[],
  stream: ReadableStream<Uint8Array>,
): void {
  writeHead(res, status, statusText, headers);
  // The caller of a streamed response (an InvokeWithResponseStream, a long body) should see the
  // status before the first chunk, which may be a long time coming.
  res.flushHeaders();
  void pump(res, stream);
}

function writeHead(res: ServerResponse, status: number, statusText: string, headers: string[]): void {
  if (statusText) res.writeHead(status, statusText, headers);
  else res.writeHead(status, headers);
}

async function pump(res: ServerResponse, stream: ReadableStream<Uint8Array>): Promise<void> {
  const reader = stream.getReader();
  // The client went away: stop the producer (lambkin relays a runtime's stream through here).
  const onClose = () => {
    reader.cancel().catch(() => {});
  };
  res.once("close", onClose);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) return;
      if (!res.write(value)) await drained(res);
    }
    res.end();
  } catch {
    // The body failed mid-way: cut the connection so the client sees a truncated message rather
    // than a clean end of a wrong body.
    res.destroy();
  } finally {
    res.off("close", onClose);
  }
}

function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

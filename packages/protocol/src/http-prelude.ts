// A streamed response to a Function URL (docs/protocol.md, "Function URLs"): the runtime posts
// `application/vnd.awslambda.http-integration-response`, a JSON prelude with status, headers and
// cookies, 8 NUL bytes, then the body.
import {
  appendCookies,
  appendHeaders,
  checkStatus,
  describe,
  HttpResultError,
} from "./http-result-fields.ts";

const textDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const textEncoder = new TextEncoder();

/** The JSON prelude of a streamed http-integration response. */
export interface HttpPrelude {
  statusCode?: number;
  headers?: Record<string, string>;
  cookies?: string[];
}

/** Content-Type a streaming runtime posts when its body starts with an {@link HttpPrelude}. */
export const HTTP_INTEGRATION_CONTENT_TYPE = "application/vnd.awslambda.http-integration-response";

/** Bytes between the prelude JSON and the response body. */
export const HTTP_PRELUDE_DELIMITER_BYTES = 8;

// lambkin's own bound (AWS documents none): a prelude is status, headers and cookies, so 1 MiB
// without the delimiter means the runtime is not sending one.
const MAX_PRELUDE_BYTES = 1024 * 1024;

/** Encodes a prelude as the runtime sends it: its JSON, then 8 NUL bytes. */
export function encodeHttpPrelude(prelude: HttpPrelude): Uint8Array {
  const json = textEncoder.encode(JSON.stringify(prelude));
  const out = new Uint8Array(json.length + HTTP_PRELUDE_DELIMITER_BYTES);
  out.set(json, 0);
  return out;
}

/** Status and headers of a streamed response from its prelude (status defaults to 200). */
export function fromHttpPrelude(prelude: HttpPrelude): { status: number; headers: Headers } {
  const status =
    prelude.statusCode === undefined ? 200 : checkStatus(prelude.statusCode, "prelude statusCode");
  const headers = new Headers();
  appendHeaders(headers, prelude.headers, "prelude headers");
  appendCookies(headers, prelude.cookies);
  return { status, headers };
}

/**
 * Splits a streamed http-integration body into its prelude and the response body. Feed it the
 * body chunks as they arrive; the push that completes the prelude returns it (once), and every byte
 * after the delimiter is returned as body, later chunks untouched (the same `Uint8Array`).
 *
 * JSON never contains a raw NUL byte, so the first NUL starts the delimiter; NULs after the eighth
 * belong to the body. Throws {@link HttpResultError} on a malformed prelude.
 */
export class HttpPreludeParser {
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #zeros = 0;
  #prelude: HttpPrelude | undefined;

  /** The prelude, once it has arrived. */
  get prelude(): HttpPrelude | undefined {
    return this.#prelude;
  }

  push(chunk: Uint8Array): { prelude?: HttpPrelude; body: Uint8Array } {
    if (this.#prelude !== undefined) return { body: chunk };
    let at = 0;
    if (this.#zeros === 0) {
      const nul = chunk.indexOf(0);
      const jsonEnd = nul < 0 ? chunk.length : nul;
      if (jsonEnd > 0) {
        this.#pendingBytes += jsonEnd;
        if (this.#pendingBytes > MAX_PRELUDE_BYTES) {
          throw new HttpResultError(
            `http-integration prelude exceeds ${MAX_PRELUDE_BYTES} bytes without its 8-NUL delimiter`,
          );
        }
        // Copy: the caller may reuse its chunk buffer before the prelude completes.
        this.#pending.push(chunk.slice(0, jsonEnd));
      }
      if (nul < 0) return { body: chunk.subarray(chunk.length) };
      at = nul;
    }
    while (at < chunk.length && this.#zeros < HTTP_PRELUDE_DELIMITER_BYTES) {
      if (chunk[at] !== 0) {
        throw new HttpResultError(
          `http-integration prelude must be followed by ${HTTP_PRELUDE_DELIMITER_BYTES} NUL bytes, got ${this.#zeros}`,
        );
      }
      this.#zeros++;
      at++;
    }
    if (this.#zeros < HTTP_PRELUDE_DELIMITER_BYTES) return { body: chunk.subarray(chunk.length) };
    const prelude = parsePrelude(this.#pending, this.#pendingBytes);
    this.#prelude = prelude;
    this.#pending = [];
    return { prelude, body: chunk.subarray(at) };
  }

  /** Declares the end of the body; throws if the prelude never completed. */
  end(): HttpPrelude {
    if (this.#prelude === undefined) {
      throw new HttpResultError(
        `http-integration response ended after ${this.#pendingBytes + this.#zeros} bytes, before its prelude and 8-NUL delimiter`,
      );
    }
    return this.#prelude;
  }
}

function parsePrelude(parts: Uint8Array[], size: number): HttpPrelude {
  const bytes = parts.length === 1 ? parts[0]! : new Uint8Array(size);
  if (parts.length > 1) {
    let at = 0;
    for (const part of parts) {
      bytes.set(part, at);
      at += part.length;
    }
  }
  let value: unknown;
  try {
    value = JSON.parse(textDecoder.decode(bytes));
  } catch {
    throw new HttpResultError(`http-integration prelude is not JSON: ${describe(safeText(bytes))}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new HttpResultError(`http-integration prelude must be a JSON object, got ${describe(value)}`);
  }
  const prelude = value as HttpPrelude;
  // Validate now, so a bad prelude fails before any response is started.
  fromHttpPrelude(prelude);
  return prelude;
}

function safeText(bytes: Uint8Array): string {
  return new TextDecoder().decode(bytes.subarray(0, 80));
}

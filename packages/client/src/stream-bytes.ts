// The bytes of the Deno response stream (response-stream-deno.ts): what a written chunk becomes,
// and how it goes into a chunked HTTP/1.1 body and its trailers.
import { concat } from "./transport-deno.ts";

export const encoder = new TextEncoder();
const CRLF = encoder.encode("\r\n");

/** What `HttpResponseStream.from`'s prelude hook is handed to write with. */
export type RawWrite = (chunk: string | Uint8Array) => void;

/** One chunk of a chunked body: size in hex, the bytes, CRLF. */
export function chunked(bytes: Uint8Array): Uint8Array {
  return concat([encoder.encode(`${bytes.length.toString(16)}\r\n`), bytes, CRLF]);
}

/**
 * What Buffer.from(chunk, encoding) gives: UTF-8 text, bytes as they are, anything else as JSON.
 * Other text encodings (latin1, base64, hex…) are rare enough to leave to Buffer itself, loaded then.
 */
export function toBytes(chunk: unknown, encoding: string): Uint8Array {
  if (typeof chunk === "string") {
    if (/^utf-?8$/i.test(encoding)) return encoder.encode(chunk);
    const { Buffer } = globalThis as unknown as {
      Buffer: { from(text: string, encoding: string): Uint8Array };
    };
    return Buffer.from(chunk, encoding);
  }
  if (chunk instanceof Uint8Array) return chunk;
  return encoder.encode(JSON.stringify(chunk) ?? "");
}

export function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

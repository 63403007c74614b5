// What a streamed response is on the wire, shared by the two response streams (response-stream.ts
// on Node and Bun, response-stream-deno.ts on Deno): where it is posted, its headers, and the
// trailers that report a failure (PROTOCOL.md §1).
import type { Agent } from "node:http";

export const ERROR_TYPE_TRAILER = "Lambda-Runtime-Function-Error-Type";
export const ERROR_BODY_TRAILER = "Lambda-Runtime-Function-Error-Body";
export const DEFAULT_CONTENT_TYPE = "application/octet-stream";

/** The request headers of the post, besides Content-Type. */
export const STREAMING_HEADERS = {
  "Lambda-Runtime-Function-Response-Mode": "streaming",
  "Transfer-Encoding": "chunked",
  Trailer: `${ERROR_TYPE_TRAILER}, ${ERROR_BODY_TRAILER}`,
} as const;

export interface ResponseStreamTarget {
  hostname: string;
  port: number;
  path: string;
  /** Node's keep-alive agent of the loop's own requests (Node only). */
  agent?: Agent;
  highWaterMark?: number;
}

/** Header values cannot carry control characters; an odd error name must not break the trailer. */
export function trailerSafe(value: string): string {
  return value.replace(/[^\t\x20-\x7e]/g, "?");
}

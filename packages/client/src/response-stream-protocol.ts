// What a streamed response is on the wire, shared by the two response streams (response-stream.ts
// on Node and Bun, response-stream-deno.ts on Deno): where it is posted, its headers, and the
// trailers that report a failure (docs/protocol.md, "Streamed responses").
import type { Agent } from "node:http";
import {
  canonicalHeaderName,
  H_FUNCTION_ERROR_BODY,
  H_FUNCTION_ERROR_TYPE,
  H_RESPONSE_MODE,
} from "@lambkin/protocol/runtime-wire";

export const ERROR_TYPE_TRAILER = canonicalHeaderName(H_FUNCTION_ERROR_TYPE);
export const ERROR_BODY_TRAILER = canonicalHeaderName(H_FUNCTION_ERROR_BODY);
export const DEFAULT_CONTENT_TYPE = "application/octet-stream";

/** The request headers of the post, besides Content-Type. */
export const STREAMING_HEADERS = {
  [canonicalHeaderName(H_RESPONSE_MODE)]: "streaming",
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

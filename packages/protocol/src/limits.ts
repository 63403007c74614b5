/** Size and time limits of Lambda that lambkin enforces the same way (docs/protocol.md). */

/** Largest buffered response a runtime may post: 6 MiB + 100 bytes (AWS's own figure). */
export const MAX_RESPONSE_BYTES = 6_291_556;
/** Largest payload of a synchronous invoke (6 MiB). */
export const MAX_SYNC_PAYLOAD_BYTES = 6_291_456;
/** Largest payload of an asynchronous (`Event`) invoke: 1 MB (Lambda's documented 1,048,576 bytes). */
export const MAX_ASYNC_PAYLOAD_BYTES = 1_048_576;
/** `X-Amz-Log-Result` carries the last 4 KB of the invocation's log. */
export const LOG_TAIL_BYTES = 4096;
/** Largest `X-Amz-Client-Context` header value (base64 text). */
export const MAX_CLIENT_CONTEXT_BYTES = 3583;
/** Time a runtime has from process start to its first `next` before init counts as timed out. */
export const INIT_TIMEOUT_MS = 10_000;
/** Function timeout bounds, in seconds. */
export const DEFAULT_TIMEOUT_S = 3;
export const MIN_TIMEOUT_S = 1;
export const MAX_TIMEOUT_S = 900;
/** Memory size bounds, in MB. */
export const DEFAULT_MEMORY_MB = 128;
export const MIN_MEMORY_MB = 128;
export const MAX_MEMORY_MB = 10_240;
/** Streamed responses: total cap, and the size after which AWS throttles to 2 MB/s. */
export const MAX_STREAMED_RESPONSE_BYTES = 200 * 1024 * 1024;
export const STREAM_UNTHROTTLED_BYTES = 6 * 1024 * 1024;
/** Grace between SIGTERM and SIGKILL on shutdown (AWS allows at most 2 s). */
export const SHUTDOWN_GRACE_MS = 2000;

import { describe, expect, it } from "vitest";
import * as limits from "./limits.ts";

describe("limits", () => {
  it("allow a buffered response of 6 MiB + 100 bytes, as the Runtime API does", () => {
    expect(limits.MAX_RESPONSE_BYTES).toBe(6 * 1024 * 1024 + 100);
    expect(limits.MAX_RESPONSE_BYTES).toBe(6_291_556);
  });

  it("allow 6 MiB sync and 1 MB async invoke payloads", () => {
    expect(limits.MAX_SYNC_PAYLOAD_BYTES).toBe(6 * 1024 * 1024);
    expect(limits.MAX_ASYNC_PAYLOAD_BYTES).toBe(1024 * 1024);
    expect(limits.MAX_ASYNC_PAYLOAD_BYTES).toBeLessThan(limits.MAX_SYNC_PAYLOAD_BYTES);
    // A response may be slightly bigger than a request: the 100 bytes are AWS's own margin.
    expect(limits.MAX_RESPONSE_BYTES - limits.MAX_SYNC_PAYLOAD_BYTES).toBe(100);
  });

  it("keep a 4 KB log tail and a 3,583 byte client context", () => {
    expect(limits.LOG_TAIL_BYTES).toBe(4096);
    expect(limits.MAX_CLIENT_CONTEXT_BYTES).toBe(3583);
  });

  it("give init 10 s and a function 3 s by default, 1–900 s allowed", () => {
    expect(limits.INIT_TIMEOUT_MS).toBe(10_000);
    expect(limits.DEFAULT_TIMEOUT_S).toBe(3);
    expect(limits.MIN_TIMEOUT_S).toBe(1);
    expect(limits.MAX_TIMEOUT_S).toBe(900);
  });

  it("give 128 MB by default, 128–10,240 MB allowed", () => {
    expect(limits.DEFAULT_MEMORY_MB).toBe(128);
    expect(limits.MIN_MEMORY_MB).toBe(128);
    expect(limits.MAX_MEMORY_MB).toBe(10_240);
  });

  it("cap streamed responses at 200 MiB, unthrottled for the first 6 MiB", () => {
    expect(limits.MAX_STREAMED_RESPONSE_BYTES).toBe(200 * 1024 * 1024);
    expect(limits.STREAM_UNTHROTTLED_BYTES).toBe(6 * 1024 * 1024);
  });

  it("wait at most 2 s between SIGTERM and SIGKILL", () => {
    expect(limits.SHUTDOWN_GRACE_MS).toBe(2000);
  });
});

// Test helpers shared by the event-stream codec's tests: the AWS SDK's own codec (to check our
// bytes against what real clients parse) and deterministic bytes.
import { EventStreamCodec } from "@smithy/eventstream-codec";

export const enc = new TextEncoder();
export const dec = new TextDecoder();
// The AWS SDK's own codec, used only here, to check our bytes against what real clients parse.
export const smithy = new EventStreamCodec(
  (bytes) => dec.decode(bytes),
  (text) => enc.encode(text),
);

// Deterministic pseudo-random bytes, so a failure reproduces.
export function bytesOf(length: number, seed = 1): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

export function toHex(bytes: Uint8Array): string {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

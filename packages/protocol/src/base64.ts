// Base64 without Node's Buffer (this package runs on every engine).
import { describe, HttpResultError } from "./http-result-fields.ts";

type WithBase64 = { toBase64?: () => string };

/** Base64 of `bytes` (also for other event shapes of this package). */
export function bytesToBase64(bytes: Uint8Array): string {
  // Newer engines have a native encoder; the fallback goes through btoa in 32 KiB slices to stay
  // under argument-count limits.
  const native = (bytes as Uint8Array & WithBase64).toBase64;
  if (typeof native === "function") return native.call(bytes);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode.apply(null, bytes.subarray(i, i + 0x8000) as unknown as number[]);
  }
  return btoa(binary);
}

// Standard alphabet; padding optional, as most decoders accept. ASCII whitespace is ignored (MIME
// encoders wrap lines).
const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;

export function base64ToBytes(text: string, what: string): Uint8Array {
  const clean = text.replace(/[\t\n\f\r ]+/g, "");
  if (
    !BASE64_PATTERN.test(clean) ||
    clean.length % 4 === 1 ||
    (clean.includes("=") && clean.length % 4 !== 0)
  ) {
    throw new HttpResultError(`${what} is marked isBase64Encoded but is not valid base64: ${describe(text)}`);
  }
  const binary = atob(clean);
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

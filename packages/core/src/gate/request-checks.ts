/**
 * Checks every request passes before anything runs: that a browser page of another site is not
 * the one asking (Origin, Sec-Fetch-Site), that the Host is one this machine answers to while
 * lambkin listens on loopback (DNS rebinding), and that its headers stay within the limits of
 * AWS's front. Each returns undefined to let the request through, or why it was refused.
 */
import { RAW_HEADERS } from "../platform-kit.ts";

/**
 * Header limits. AWS documents 10,240 bytes for "the request line and header values" of an API
 * Gateway HTTP API; Function URLs and the Invoke API document none, so lambkin applies the same
 * figure (counting names too) and caps the number of fields at 100, which no SDK, CLI or browser
 * request comes near (they send 5–25). Unsure: AWS's exact count limit is not documented.
 */
export const MAX_HEADER_FIELDS = 100;
export const MAX_HEADER_BYTES = 10_240;

export interface Refusal {
  status: number;
  /** What was wrong and what to do about it, for the caller. */
  reason: string;
}

/** Counts the header fields and their bytes (request line included); refuses past the limits. */
export function checkHeaderLimits(request: Request, pathAndQuery: string): Refusal | undefined {
  let count = 0;
  let bytes = request.method.length + pathAndQuery.length + 10; // "GET /x HTTP/1.1"
  const raw = (request.headers as { [RAW_HEADERS]?: readonly string[] })[RAW_HEADERS];
  if (raw) {
    count = raw.length / 2;
    for (let i = 0; i < raw.length; i++) bytes += raw[i]!.length;
  } else {
    // forEach, not for…of: Deno's Headers iterator costs ~15 µs for ten fields, forEach ~2 µs.
    request.headers.forEach((value, name) => {
      count++;
      bytes += name.length + value.length;
    });
  }
  if (count > MAX_HEADER_FIELDS) {
    return {
      status: 431,
      reason: `The request has ${count} header fields; at most ${MAX_HEADER_FIELDS} are accepted, as AWS's front refuses requests with many more.`,
    };
  }
  if (bytes > MAX_HEADER_BYTES) {
    return {
      status: 431,
      reason: `The request line and headers are ${bytes} bytes; at most ${MAX_HEADER_BYTES} are accepted, as on AWS (API Gateway's documented limit).`,
    };
  }
  return undefined;
}

/** The host name of a Host header value, without port or IPv6 brackets, lower-cased. */
export function hostnameOf(host: string): string {
  const h = host.trim().toLowerCase();
  if (h.startsWith("[")) {
    const end = h.indexOf("]");
    return end < 0 ? h : h.slice(1, end);
  }
  const colon = h.lastIndexOf(":");
  return colon < 0 ? h : h.slice(0, colon);
}

/** A name only this machine answers to: `localhost`, `*.localhost` (RFC 6761), 127/8, ::1. */
export function isLoopbackName(hostname: string): boolean {
  return (
    hostname === "localhost" ||
    hostname.endsWith(".localhost") ||
    hostname === "::1" ||
    /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
  );
}

/**
 * While lambkin listens on loopback, a request naming another host came through a name that
 * resolved to 127.0.0.1 — the DNS rebinding a hostile page uses to reach local servers.
 */
export function checkHost(request: Request, allowedHosts: readonly string[]): Refusal | undefined {
  const host = request.headers.get("host");
  if (host === null) return undefined;
  const name = hostnameOf(host);
  if (isLoopbackName(name) || allowedHosts.includes(name)) return undefined;
  return {
    status: 403,
    reason: `Host "${host}" is not a loopback name: lambkin listens on loopback and answers only localhost, *.localhost, 127.0.0.1 and [::1] (protection against DNS rebinding). To reach it by another name, add it to "allowedHosts" in the config.`,
  };
}

/** Whether `origin` may call: lambkin's own origin (the Host it was addressed to) or listed. */
export function originAllowed(origin: string, request: Request, allowed: readonly string[]): boolean {
  const o = origin.toLowerCase();
  if (allowed.includes("*") || allowed.includes(o)) return true;
  const host = request.headers.get("host");
  return host !== null && (o === `http://${host.toLowerCase()}` || o === `https://${host.toLowerCase()}`);
}

/**
 * A browser request from another site's page. Browsers send `Origin` on every cross-origin request
 * but a plain GET (an `<img>`, a `<script>`); those carry `Sec-Fetch-Site` instead. A top-level
 * navigation (following a link, typing the URL) is let through: that is a user opening the URL.
 */
export function checkOrigin(request: Request, allowed: readonly string[]): Refusal | undefined {
  const origin = request.headers.get("origin");
  if (origin !== null) {
    if (originAllowed(origin, request, allowed)) return undefined;
    return {
      status: 403,
      reason: `Origin ${origin} may not call lambkin: a web page of another site cannot invoke local functions. To allow this origin, add it to "allowedOrigins" in the config (or to the function's url.cors.allowOrigins for its Function URL).`,
    };
  }
  const site = request.headers.get("sec-fetch-site");
  if (
    (site === "cross-site" || site === "same-site") &&
    request.headers.get("sec-fetch-mode") !== "navigate"
  ) {
    return {
      status: 403,
      reason: `A ${site} browser request without an Origin may not call lambkin (a page of another site embedding this URL). Call it with fetch from an allowed origin ("allowedOrigins" in the config) instead.`,
    };
  }
  return undefined;
}

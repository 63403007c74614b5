/**
 * The caller's side of the Invoke API for `lambkin invoke` and `lambkin list`: which endpoint, one
 * request, and errors a user can act on (nothing listening, a call lost midway, an AWS error type
 * and message).
 */
import { H_AMZN_ERROR_TYPE } from "@lambkin/protocol";
import { CliError, UsageError } from "./args.ts";

export const DEFAULT_ENDPOINT = "http://127.0.0.1:3001";

/** `--endpoint`, else `$LAMBKIN_ENDPOINT`, else the default; must be an http(s) URL. */
export function endpointOf(
  flag: string | undefined,
  env: Record<string, string | undefined>,
  command: string,
): URL {
  const value = flag ?? (env.LAMBKIN_ENDPOINT || DEFAULT_ENDPOINT);
  const source =
    flag === undefined ? (env.LAMBKIN_ENDPOINT ? "LAMBKIN_ENDPOINT" : "the default endpoint") : "--endpoint";
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${source} must be a URL like http://127.0.0.1:3001, got "${value}"`, command);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`${source} must be an http:// or https:// URL, got "${value}"`, command);
  }
  return url;
}

/**
 * `fetch`, with a failure turned into what the user can do about it (callFailed); `source` says
 * where the endpoint came from (a config's port, `--endpoint`, …).
 */
export async function request(url: URL, init: RequestInit, source?: string): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    throw callFailed(url, error, { source });
  }
}

export interface FailedCall {
  /** Where the endpoint came from, shown when nothing answered. */
  source?: string | undefined;
  /** The function invoked, when the request was an invoke (it may have run). */
  functionName?: string | undefined;
}

/**
 * The CliError for a `fetch` of `url` that failed with `error`. Nothing listening there is one
 * thing (is lambkin running?); a lambkin that took the request and closed the connection before
 * answering is another: it stopped or crashed during the call, and an invoked function may have
 * run, so the user is told to look before invoking again rather than to start lambkin.
 */
export function callFailed(url: URL, error: unknown, call: FailedCall = {}): CliError {
  const { cause } = error as { cause?: { code?: string; message?: string } };
  if (neverReached(error)) {
    const reason = cause?.code ?? cause?.message ?? (error as Error).message;
    const from = call.source ? `; endpoint from ${call.source}` : "";
    return new CliError(
      `nothing answered at ${url.origin} (${reason}${from}): is \`lambkin start\` running?`,
    );
  }
  const reason = lossReason(error);
  const name = call.functionName;
  const what = name ? `the call to ${name}` : "the request";
  const next = name
    ? `${name} may have run — lambkin start's output shows how the call ended; invoke again only if running ${name} twice is safe`
    : "lambkin start's output shows why it stopped; try again once it runs";
  return new CliError(
    `${url.origin} took ${what}, then closed the connection before answering (${reason}): ${next}`,
  );
}

/** The CliError for an answer whose body was cut off (the status and headers had arrived). */
export function answerCut(url: URL, error: unknown, functionName: string): CliError {
  return new CliError(
    `${url.origin} closed the connection while sending ${functionName}'s answer (${lossReason(error)}): ${functionName} ran, but its answer is incomplete; lambkin start's output shows how the call ended`,
  );
}

/** Why a connection was lost, in a few words: Bun and Deno wrap it in long text. */
function lossReason(error: unknown): string {
  const { cause, message } = error as { cause?: { message?: string }; message?: string };
  const text = (cause?.message ?? message ?? String(error)).replace(/\s*For more information.*$/s, "");
  // Deno: "error sending request from A for URL (B): client error (SendRequest): connection closed …"
  return text.startsWith("error sending request") ? text.slice(text.lastIndexOf("): ") + 3) : text;
}

/**
 * Whether a `fetch` failed because nothing listens there (the request never reached anyone), as
 * Node (cause ECONNREFUSED), Bun (code ConnectionRefused) and Deno (the OS message) report it.
 */
export function connectionRefused(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  const code = e?.cause?.code ?? e?.code;
  if (code === "ECONNREFUSED" || code === "ConnectionRefused") return true;
  return /connection refused/i.test(`${e?.message} ${e?.cause?.message}`);
}

// Failures before any byte of the request left: no such host, no route, no connection in time.
const NOT_SENT_CODES = new Set([
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "EADDRNOTAVAIL",
  "UND_ERR_CONNECT_TIMEOUT",
  "ConnectionRefused",
  "FailedToOpenSocket",
]);

/** Whether a `fetch` failed before the request reached a server (so nothing can have run). */
export function neverReached(error: unknown): boolean {
  if (connectionRefused(error)) return true;
  const e = error as { code?: unknown; message?: unknown; cause?: { code?: unknown; message?: unknown } };
  const code = e?.cause?.code ?? e?.code;
  if (typeof code === "string" && NOT_SENT_CODES.has(code)) return true;
  return /dns error|failed to lookup|no route to host|network is unreachable/i.test(
    `${e?.message} ${e?.cause?.message}`,
  );
}

// The Invoke API's answers to a request without the signature a lambkin with auth requires.
const SIGNATURE_ERRORS = new Set([
  "MissingAuthenticationTokenException",
  "UnrecognizedClientException",
  "InvalidSignatureException",
]);

/**
 * An Invoke API error reply as `Type: message` (status, `x-amzn-ErrorType`, the JSON body's
 * message); a refused signature also says which credentials to sign with. `signedWith` names where
 * the credentials used came from, when the request was signed.
 */
export async function apiError(response: Response, signedWith?: string): Promise<CliError> {
  const text = await response.text();
  let message: string | undefined;
  try {
    const body = JSON.parse(text) as { message?: string; Message?: string };
    message = body.message ?? body.Message;
  } catch {
    // not JSON: the text itself is shown
  }
  const type = response.headers.get(H_AMZN_ERROR_TYPE)?.split(":")[0] ?? `HTTP ${response.status}`;
  let hint = "";
  if (SIGNATURE_ERRORS.has(type)) {
    const how =
      "pass --auth KEY_ID:SECRET as given to lambkin start, or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
    hint = signedWith
      ? ` — signed with the credentials from ${signedWith}, which this lambkin does not take: ${how}`
      : ` — this lambkin takes only signed requests: ${how}`;
  }
  return new CliError(`${type}: ${message ?? (text || response.statusText)}${hint}`);
}

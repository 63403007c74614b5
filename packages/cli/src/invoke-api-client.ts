/**
 * The caller's side of the Invoke API for `lambkin invoke` and `lambkin list`: which endpoint, one
 * request, and errors a user can act on (nothing listening, an AWS error type and message).
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
 * `fetch`, with a connection failure turned into a hint that lambkin is not running there;
 * `source` says where the endpoint came from (a config's port, `--endpoint`, …).
 */
export async function request(url: URL, init: RequestInit, source?: string): Promise<Response> {
  try {
    return await fetch(url, init);
  } catch (error) {
    throw unreachable(url, error, source);
  }
}

/** The CliError for a `fetch` of `url` that failed with `error`. */
export function unreachable(url: URL, error: unknown, source?: string): CliError {
  const e = error as Error & { cause?: { code?: string; message?: string } };
  const reason = e.cause?.code ?? e.cause?.message ?? e.message;
  const from = source ? `; endpoint from ${source}` : "";
  return new CliError(`nothing answered at ${url.origin} (${reason}${from}): is \`lambkin start\` running?`);
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

/** An Invoke API error reply as `Type: message` (status, `x-amzn-ErrorType`, the JSON body's message). */
export async function apiError(response: Response): Promise<CliError> {
  const text = await response.text();
  let message: string | undefined;
  try {
    const body = JSON.parse(text) as { message?: string; Message?: string };
    message = body.message ?? body.Message;
  } catch {
    // not JSON: the text itself is shown
  }
  const type = response.headers.get(H_AMZN_ERROR_TYPE)?.split(":")[0] ?? `HTTP ${response.status}`;
  return new CliError(`${type}: ${message ?? (text || response.statusText)}`);
}

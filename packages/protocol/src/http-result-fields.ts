// The fields of a function's HTTP result (status, headers, cookies), checked as Function URLs check
// them, for a whole result (http-event.ts) and a streamed prelude (http-prelude.ts).

/**
 * The function's response cannot be mapped to HTTP. Function URLs then answer
 * 502 `{"message":"Internal Server Error"}`: see {@link badGatewayResult}.
 */
export class HttpResultError extends Error {
  override name = "HttpResultError";
  /** The HTTP status the caller answers with. */
  readonly status = 502;
}

export function checkStatus(value: unknown, what: string): number {
  // `new Response` only accepts 200–599, and AWS has no way to send an interim 1xx answer.
  if (typeof value !== "number" || !Number.isInteger(value) || value < 200 || value > 599) {
    throw new HttpResultError(`${what} must be an integer 200–599, got ${describe(value)}`);
  }
  return value;
}

export function appendHeaders(headers: Headers, source: unknown, what: string): void {
  if (source === undefined || source === null) return;
  if (typeof source !== "object" || Array.isArray(source)) {
    throw new HttpResultError(`${what} must be an object of strings, got ${describe(source)}`);
  }
  for (const [name, value] of Object.entries(source)) {
    if (value === null || value === undefined) continue;
    appendHeader(headers, name, value, `${what}["${name}"]`);
  }
}

export function appendHeader(headers: Headers, name: string, value: unknown, what: string): void {
  if (typeof value !== "string" && typeof value !== "number" && typeof value !== "boolean") {
    throw new HttpResultError(`${what} must be a string, number or boolean, got ${describe(value)}`);
  }
  try {
    headers.append(name, String(value));
  } catch {
    throw new HttpResultError(
      `${what} is not a valid HTTP header: ${JSON.stringify(name)}: ${JSON.stringify(value)}`,
    );
  }
}

export function appendCookies(headers: Headers, cookies: unknown): void {
  if (cookies === undefined || cookies === null) return;
  if (!Array.isArray(cookies)) {
    throw new HttpResultError(`cookies must be an array of strings, got ${describe(cookies)}`);
  }
  cookies.forEach((cookie, i) => {
    if (typeof cookie !== "string") {
      throw new HttpResultError(`cookies[${i}] must be a string, got ${describe(cookie)}`);
    }
    appendHeader(headers, "set-cookie", cookie, `cookies[${i}]`);
  });
}

export function describe(value: unknown): string {
  if (value === undefined) return "undefined";
  if (typeof value === "string") return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (Array.isArray(value)) return "an array";
  if (typeof value === "object" && value !== null) return "an object";
  return String(value);
}

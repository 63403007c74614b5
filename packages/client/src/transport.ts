// The one thing the loop needs from HTTP: send a small request to the Runtime API and read the
// whole answer. Node uses node:http (transport-node.ts), Bun its native fetch (transport-fetch.ts),
// Deno a socket of its own (transport-deno.ts). Each is the cheapest client on its engine for this
// keep-alive ping-pong.

export interface ApiResponse {
  status: number;
  /** Header names in lower case. */
  headers: Record<string, string>;
  body: string;
}

export interface Transport {
  request(
    method: "GET" | "POST",
    path: string,
    body?: string,
    headers?: Record<string, string>,
  ): Promise<ApiResponse>;
}

/** `AWS_LAMBDA_RUNTIME_API` is `host:port` (no scheme, no path); IPv6 hosts come in brackets. */
export function parseRuntimeApi(value: string): { hostname: string; port: number } {
  const match = /^(\[[^\]]+\]|[^:/]+):(\d+)$/.exec(value.trim());
  if (!match) {
    throw new Error(
      `AWS_LAMBDA_RUNTIME_API must be host:port (like 127.0.0.1:9001), got ${JSON.stringify(value)}`,
    );
  }
  const host = match[1]!;
  return { hostname: host.startsWith("[") ? host.slice(1, -1) : host, port: Number(match[2]) };
}

/** `host:port` as a URL or Host header writes it: an IPv6 host in brackets. */
export function authority(hostname: string, port: number): string {
  return `${hostname.includes(":") ? `[${hostname}]` : hostname}:${port}`;
}

/** The peer is gone (lambkin stopped): the runtime should exit rather than retry forever. */
export function isConnectionRefused(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 4; e = (e as { cause?: unknown }).cause, depth++) {
    const { code, message } = e as { code?: unknown; message?: unknown };
    if (code === "ECONNREFUSED" || code === "ConnectionRefused") return true;
    if (typeof message === "string" && /connection refused|ECONNREFUSED/i.test(message)) return true;
  }
  return false;
}

// Runtime API requests on Bun: its native fetch, which keeps connections alive and involves no
// Node-compatibility layer. (Measured here against a node:http server, Bun's node:http client was
// no slower, even faster in a microbenchmark; the README has the numbers.)
import { type ApiResponse, authority, type Transport } from "./transport.ts";

export function createFetchTransport(hostname: string, port: number): Transport {
  const origin = `http://${authority(hostname, port)}`;
  // Bun opens the connection (and starts its HTTP thread) now, while the handler loads, rather
  // than when `next` is first called: ~1 ms off every cold start.
  (fetch as { preconnect?: (url: string) => void }).preconnect?.(origin);
  return {
    async request(method, path, body, headers = {}): Promise<ApiResponse> {
      const res = await fetch(origin + path, {
        method,
        headers,
        body,
        // Bun's own option: `next` is a long poll that may sit idle for hours,
        // longer than Bun's default 5-minute idle timeout.
        timeout: false,
      } as RequestInit);
      const text = await res.text();
      const flat: Record<string, string> = {};
      res.headers.forEach((value, name) => {
        flat[name] = value;
      });
      return { status: res.status, headers: flat, body: text };
    },
  };
}

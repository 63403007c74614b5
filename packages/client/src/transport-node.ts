// Runtime API requests on Node: node:http over one keep-alive socket. Node's fetch costs several
// times more per round trip (≈0.8 ms against ≈0.2 ms measured here), and the loop makes two round
// trips per invocation, so this is the hot path on Node. node:http is taken with
// `process.getBuiltinModule` when the transport is made (~0.5 ms less than an ES import on Node),
// so this module loads nothing by itself and can be bundled with the rest.
import type http from "node:http";
import type { ApiResponse, Transport } from "./transport.ts";

export interface NodeTransport extends Transport {
  /** Shared with the streaming response post, which then reuses the same connection. */
  readonly agent: http.Agent;
}

export function createNodeTransport(hostname: string, port: number): NodeTransport {
  const http = process.getBuiltinModule("node:http");
  // One socket is enough: the loop never has two requests in flight (next, then the answer, then
  // next again), and AWS's own client does the same.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  function send(
    method: string,
    path: string,
    body: string | undefined,
    headers: Record<string, string>,
  ): Promise<ApiResponse> {
    return new Promise((resolve, reject) => {
      const outgoing: Record<string, string | number> = { ...headers };
      if (body !== undefined) outgoing["Content-Length"] = Buffer.byteLength(body);
      const req = http.request({ hostname, port, method, path, agent, headers: outgoing }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const flat: Record<string, string> = {};
          for (const [name, value] of Object.entries(res.headers)) {
            if (value !== undefined) flat[name] = Array.isArray(value) ? value.join(", ") : value;
          }
          resolve({
            status: res.statusCode ?? 0,
            headers: flat,
            body: Buffer.concat(chunks).toString("utf8"),
          });
        });
      });
      req.on("error", (error: Error & { reusedSocket?: boolean }) => {
        error.reusedSocket = req.reusedSocket;
        reject(error);
      });
      req.end(body);
    });
  }

  return {
    agent,
    async request(method, path, body, headers = {}) {
      try {
        return await send(method, path, body, headers);
      } catch (error) {
        // A kept-alive socket the server closed while it sat idle fails on reuse with ECONNRESET;
        // the request never reached the server, so sending it once more on a new socket is safe
        // (this is the retry Node's documentation recommends for `reusedSocket`).
        const e = error as { code?: string; reusedSocket?: boolean };
        if (e.reusedSocket && e.code === "ECONNRESET") return send(method, path, body, headers);
        throw error;
      }
    },
  };
}

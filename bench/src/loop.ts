/**
 * The bare runtime loop: the least a Lambda runtime can do. `next`, then post the event back as the
 * response, forever, over one node:http keep-alive socket. No handler, no context, no logging. Run
 * as a `provided` runtime, it shows what lambkin's client costs next to nothing at all.
 *
 *   AWS_LAMBDA_RUNTIME_API=host:port node loop.js
 */
import http from "node:http";

const api = process.env.AWS_LAMBDA_RUNTIME_API;
if (!api) {
  console.error("loop: AWS_LAMBDA_RUNTIME_API is not set");
  process.exit(1);
}
const colon = api.lastIndexOf(":");
const hostname = api.slice(0, colon);
const port = Number(api.slice(colon + 1));
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const BASE = "/2018-06-01/runtime/invocation/";

function call(method: string, path: string, body?: Buffer): Promise<{ id: string; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const headers = body ? { "content-length": body.byteLength } : undefined;
    const req = http.request({ hostname, port, method, path, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () =>
        resolve({
          id: String(res.headers["lambda-runtime-aws-request-id"] ?? ""),
          body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks),
        }),
      );
    });
    req.on("error", reject);
    req.end(body);
  });
}

try {
  for (;;) {
    const event = await call("GET", `${BASE}next`);
    await call("POST", `${BASE}${event.id}/response`, event.body);
  }
} catch (error) {
  // The Runtime API went away (lambkin or the relay stopped): nothing left to serve.
  console.error(`loop: ${(error as Error).message}`);
  process.exit(1);
}

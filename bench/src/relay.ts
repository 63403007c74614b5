/**
 * The floor: a null relay. It does exactly the HTTP exchanges of one Lambda invoke and nothing
 * else: it parks each runtime's long-poll `next`, hands it the caller's body (with the four
 * headers every runtime needs), and answers the caller with whatever the runtime posts back. No
 * validation, scheduling, logs, timeouts or ids beyond a counter. `lambkin ÷ floor` is therefore
 * lambkin's own cost.
 *
 * Each side uses the server lambkin's adapter uses on this engine, so the floor is the best that
 * engine's servers allow for lambkin's design: the caller's side is node:http on Node, `Bun.serve`
 * on Bun, `Deno.serve` on Deno; the runtime side is node:http everywhere (on Bun and Deno, their
 * node:http layer), because a Runtime API must read HTTP trailers, which neither `Bun.serve` nor
 * `Deno.serve` exposes (DESIGN.md, engine facts).
 *
 *   node|bun|deno relay.js     Ready: `@@bench {"port":…,"runtimePort":…}` on stderr.
 *   GET /bench/waiting on the caller's port → {"waiting": runtimes parked in `next`}.
 */
import http from "node:http";
import { announce, onShutdown } from "./announce.ts";

interface Pending {
  n: number;
  id: string;
  body: Uint8Array;
  answer(body: Uint8Array): void;
}

const NEXT = "/2018-06-01/runtime/invocation/next";
const INVOCATION = "/2018-06-01/runtime/invocation/";
const RESPONSE = "/response";
const ARN = "arn:aws:lambda:us-east-1:000000000000:function:relay";
/**
 * A trace id of its own per invoke, as every Lambda platform sends (made from the counter, so it
 * costs the relay nothing). The runtime does the same work either way, then: AWS's Node runtime and
 * @lambkin/client put it in `process.env._X_AMZN_TRACE_ID`, and setenv(3) costs more for a value
 * it has not seen before (measured: ~10 µs of runtime CPU per invoke with one fixed id against new
 * ones).
 */
const traceId = (n: number) =>
  `Root=1-00000000-${n.toString(16).padStart(24, "0")};Parent=0000000000000000;Sampled=0`;
const ACCEPTED = Buffer.from('{"status":"OK"}');
const JSON_TYPE = "application/json";

/** Runtimes waiting in `next`, oldest first. */
const parked: http.ServerResponse[] = [];
/** Invokes no runtime has taken yet. */
const queued: Pending[] = [];
const inFlight = new Map<string, Pending>();
let sequence = 0;

function deliver(res: http.ServerResponse, invoke: Pending): void {
  inFlight.set(invoke.id, invoke);
  res.writeHead(200, {
    "Lambda-Runtime-Aws-Request-Id": invoke.id,
    "Lambda-Runtime-Deadline-Ms": String(Date.now() + 3000),
    "Lambda-Runtime-Invoked-Function-Arn": ARN,
    "Lambda-Runtime-Trace-Id": traceId(invoke.n),
    "Content-Type": JSON_TYPE,
    "Content-Length": invoke.body.byteLength,
  });
  res.end(invoke.body);
}

function submit(body: Uint8Array, answer: (body: Uint8Array) => void): void {
  const n = ++sequence;
  const invoke = { n, id: String(n), body, answer };
  const res = parked.shift();
  if (res) deliver(res, invoke);
  else queued.push(invoke);
}

function readBody(req: http.IncomingMessage, done: (body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => done(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
}

// As lambkin's Node listener: no timeouts (a parked `next` may wait for as long as it likes).
const NO_TIMEOUTS = { requestTimeout: 0, headersTimeout: 0, keepAliveTimeout: 0 };

const runtimeSide = http.createServer(NO_TIMEOUTS, (req, res) => {
  const url = req.url ?? "";
  if (req.method === "GET" && url === NEXT) {
    const invoke = queued.shift();
    if (invoke) return deliver(res, invoke);
    parked.push(res);
    // A runtime that goes away while parked must not be handed an invoke.
    res.once("close", () => {
      const at = parked.indexOf(res);
      if (at >= 0) parked.splice(at, 1);
    });
    return;
  }
  if (req.method === "POST" && url.startsWith(INVOCATION) && url.endsWith(RESPONSE)) {
    const id = url.slice(INVOCATION.length, -RESPONSE.length);
    return readBody(req, (body) => {
      const invoke = inFlight.get(id);
      inFlight.delete(id);
      // The caller first: its answer is what the floor's latency measures.
      invoke?.answer(body);
      res.writeHead(invoke ? 202 : 400, { "Content-Type": JSON_TYPE, "Content-Length": ACCEPTED.byteLength });
      res.end(ACCEPTED);
    });
  }
  res.writeHead(404).end();
});

const waiting = () => JSON.stringify({ waiting: parked.length });

// --- the caller's side, one per engine ---

interface Front {
  port: number;
  close(): Promise<void>;
}

declare const Bun: {
  serve(options: {
    hostname: string;
    port: number;
    idleTimeout: number;
    fetch(request: Request): Response | Promise<Response>;
  }): { port: number; stop(force?: boolean): Promise<void> };
};
declare const Deno: {
  serve(
    options: { hostname: string; port: number; onListen(addr: { port: number }): void },
    handler: (request: Request) => Response | Promise<Response>,
  ): { addr: { port: number }; shutdown(): Promise<void> };
};

/** `Bun.serve` and `Deno.serve` take the same web handler. */
async function webHandler(request: Request): Promise<Response> {
  if (request.method === "GET") return new Response(waiting(), { headers: { "content-type": JSON_TYPE } });
  const body = new Uint8Array(await request.arrayBuffer());
  return new Promise((resolve) => {
    submit(body, (answer) =>
      resolve(new Response(answer as Uint8Array<ArrayBuffer>, { headers: { "content-type": JSON_TYPE } })),
    );
  });
}

async function startFront(): Promise<Front> {
  if ("Bun" in globalThis) {
    // idleTimeout 0, as lambkin's Bun adapter: kept-alive sockets are not dropped between runs.
    const server = Bun.serve({ hostname: "127.0.0.1", port: 0, idleTimeout: 0, fetch: webHandler });
    return { port: server.port, close: () => server.stop(true) };
  }
  if ("Deno" in globalThis) {
    const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, webHandler);
    return { port: server.addr.port, close: () => server.shutdown() };
  }
  const server = http.createServer(NO_TIMEOUTS, (req, res) => {
    if (req.method === "GET") {
      res.writeHead(200, { "Content-Type": JSON_TYPE }).end(waiting());
      return;
    }
    readBody(req, (body) =>
      submit(body, (answer) => {
        res.writeHead(200, { "Content-Type": JSON_TYPE, "Content-Length": answer.byteLength });
        res.end(answer);
      }),
    );
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as { port: number }).port,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const front = await startFront();
await new Promise<void>((resolve) => runtimeSide.listen(0, "127.0.0.1", resolve));
onShutdown(async () => {
  runtimeSide.closeAllConnections();
  await front.close();
});
announce({
  port: front.port,
  runtimePort: (runtimeSide.address() as { port: number }).port,
  pid: process.pid,
});

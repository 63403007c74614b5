/**
 * The load the caller generates: invokes posted with node:http over keep-alive sockets (Node's
 * fetch costs ~1 ms per request: never on a hot path), each timed from the request to the end of
 * its answer, in a closed loop of `concurrency` workers.
 */
import { Agent, request } from "node:http";
import { quantile } from "./stats.ts";

export interface RunRequest {
  port: number;
  path: string;
  /** The request body as text; or `bodyBytes`: a JSON string literal of exactly that many bytes. */
  body?: string;
  bodyBytes?: number;
  /** Invokes in flight at once (closed loop: each worker sends its next when its last is answered). */
  concurrency: number;
  /** Invokes sent first and not recorded. */
  warmup: number;
  /** Invokes measured, at most… */
  count: number;
  /** …and for at most this long (the run stops early and reports what it measured). */
  maxMs: number;
  /** `echo`: every answer must be the request body byte for byte. `any`: any 200 without a function error. */
  expect: "echo" | "any";
}

export type RunResult =
  | {
      ok: true;
      n: number;
      elapsed_ms: number;
      p50_ms: number;
      p90_ms: number;
      p99_ms: number;
      max_ms: number;
      invokes_per_s: number;
    }
  | { ok: false; error: string };

class InvokeFailed extends Error {
  override readonly name = "InvokeFailed";
}

export const agents = new Map<number, Agent>();
function agentFor(port: number): Agent {
  let agent = agents.get(port);
  if (!agent) {
    // Sockets stay open between runs, as an SDK client's would: a run measures invokes, not connects.
    agent = new Agent({ keepAlive: true, maxSockets: 256 });
    agents.set(port, agent);
  }
  return agent;
}

export function bodyOf(req: Pick<RunRequest, "body" | "bodyBytes">): Buffer {
  if (req.bodyBytes !== undefined) {
    if (req.bodyBytes < 2)
      throw new RangeError(`bodyBytes must be at least 2 (a JSON string), got ${req.bodyBytes}`);
    const body = Buffer.alloc(req.bodyBytes, "x");
    body[0] = 0x22;
    body[req.bodyBytes - 1] = 0x22;
    return body;
  }
  return Buffer.from(req.body ?? "{}");
}

function invokeOnce(agent: Agent, req: RunRequest, body: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const out = request(
      {
        agent,
        host: "127.0.0.1",
        port: req.port,
        method: "POST",
        path: req.path,
        headers: { "content-type": "application/json", "content-length": body.byteLength },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("error", reject);
        res.on("end", () => {
          const elapsed = performance.now() - started;
          const answer = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
          if (res.statusCode !== 200 || res.headers["x-amz-function-error"] !== undefined) {
            const error = res.headers["x-amz-function-error"] ? ` (function error)` : "";
            reject(
              new InvokeFailed(
                `POST :${req.port}${req.path} answered ${res.statusCode}${error}: ${answer.subarray(0, 300)}`,
              ),
            );
          } else if (req.expect === "echo" && !answer.equals(body)) {
            reject(
              new InvokeFailed(
                `POST :${req.port}${req.path} answered ${answer.byteLength} bytes that are not the ${body.byteLength} sent: ${answer.subarray(0, 120)}`,
              ),
            );
          } else {
            resolve(elapsed);
          }
        });
      },
    );
    out.on("error", reject);
    out.end(body);
  });
}

/** Runs `count` invokes (after `warmup` unrecorded ones) with `concurrency` workers. */
export async function run(req: RunRequest): Promise<RunResult> {
  const agent = agentFor(req.port);
  const body = bodyOf(req);
  const phase = async (count: number, record: Float64Array | undefined) => {
    let issued = 0;
    let done = 0;
    const deadline = performance.now() + req.maxMs;
    const worker = async () => {
      while (issued < count && performance.now() < deadline) {
        issued++;
        const ms = await invokeOnce(agent, req, body);
        if (record) record[done] = ms;
        done++;
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: Math.max(1, req.concurrency) }, worker));
    return { done, elapsed: performance.now() - started };
  };
  try {
    if (req.warmup > 0) await phase(req.warmup, undefined);
    const latencies = new Float64Array(req.count);
    const { done, elapsed } = await phase(req.count, latencies);
    if (done === 0) return { ok: false, error: `no invoke finished within ${req.maxMs} ms` };
    const sorted = latencies.subarray(0, done).sort();
    return {
      ok: true,
      n: done,
      elapsed_ms: elapsed,
      p50_ms: quantile(sorted, 0.5),
      p90_ms: quantile(sorted, 0.9),
      p99_ms: quantile(sorted, 0.99),
      max_ms: sorted[done - 1]!,
      invokes_per_s: (done / elapsed) * 1000,
    };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

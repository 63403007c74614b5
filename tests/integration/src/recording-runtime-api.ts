import { randomUUID } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";

// A minimal Lambda Runtime API on node:http that serves events it is given and records every
// request a runtime makes, byte for byte. It is not lambkin: it exists so the fixtures' tests
// can show what real third-party runtimes send, independent of lambkin's code.

export interface RecordedRequest {
  method: string;
  /** The request target as sent, e.g. `/2018-06-01/runtime/invocation/next`. */
  path: string;
  /** Name/value pairs exactly as received: original case, order and repeats. */
  rawHeaders: string[];
  /** HTTP trailers as name/value pairs (a streaming response reports errors in them). */
  rawTrailers: string[];
  body: Buffer;
}

export interface QueuedEvent {
  /** Raw event bytes, as the Invoke API would pass them on. */
  body: string;
  requestId?: string;
  /** Sent as Lambda-Runtime-Client-Context (the decoded JSON, as AWS does). */
  clientContext?: string;
  /** Milliseconds from now to the deadline; default 30 s. */
  deadlineInMs?: number;
}

export interface RecordingRuntimeApi {
  /** `host:port`, the value for AWS_LAMBDA_RUNTIME_API. */
  readonly address: string;
  readonly requests: readonly RecordedRequest[];
  readonly functionArn: string;
  readonly traceId: string;
  /** Queues an event for the next (or a pending) `next`; returns its request id. */
  enqueue(event: QueuedEvent): string;
  /** Resolves with the first request, at or after index `from`, that matches. */
  waitForRequest(match: (req: RecordedRequest) => boolean, from?: number): Promise<RecordedRequest>;
  /** Stops listening and drops open connections, as a dying emulator would. */
  close(): Promise<void>;
}

/** The header value of `name` (case-insensitive) in a raw name/value list; every value when repeated. */
export function headerValues(raw: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i + 1 < raw.length; i += 2) {
    if (raw[i]!.toLowerCase() === name.toLowerCase()) values.push(raw[i + 1]!);
  }
  return values;
}

/** Header names in the order they were sent. */
export function headerNames(raw: readonly string[]): string[] {
  return raw.filter((_, i) => i % 2 === 0);
}

const WAIT_LIMIT_MS = 20_000;

export async function startRecordingRuntimeApi(functionName = "fixture"): Promise<RecordingRuntimeApi> {
  const functionArn = `arn:aws:lambda:us-east-1:123456789012:function:${functionName}`;
  const traceId = "Root=1-5bef4de7-ad49b0e87f6ef6c87fc2e700;Parent=9a9197af755a6419;Sampled=1";
  const requests: RecordedRequest[] = [];
  const events: QueuedEvent[] = [];
  const pendingNext: http.ServerResponse[] = [];
  const listeners = new Set<() => void>();

  const serveEvent = (res: http.ServerResponse, event: QueuedEvent): void => {
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      "Lambda-Runtime-Aws-Request-Id": event.requestId!,
      "Lambda-Runtime-Deadline-Ms": String(Date.now() + (event.deadlineInMs ?? 30_000)),
      "Lambda-Runtime-Invoked-Function-Arn": functionArn,
      "Lambda-Runtime-Trace-Id": traceId,
    };
    if (event.clientContext !== undefined) headers["Lambda-Runtime-Client-Context"] = event.clientContext;
    res.writeHead(200, headers);
    res.end(event.body);
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      requests.push({
        method: req.method ?? "",
        path: req.url ?? "",
        rawHeaders: req.rawHeaders,
        rawTrailers: req.rawTrailers,
        body: Buffer.concat(chunks),
      });
      for (const notify of listeners) notify();

      if (req.method === "GET" && req.url === "/2018-06-01/runtime/invocation/next") {
        const event = events.shift();
        // Long poll: with nothing queued, the reply waits for enqueue(), as Lambda's does.
        if (event) serveEvent(res, event);
        else pendingNext.push(res);
        return;
      }
      res.writeHead(202, { "Content-Type": "application/json" });
      res.end('{"status":"OK"}');
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    address: `127.0.0.1:${port}`,
    requests,
    functionArn,
    traceId,
    enqueue(event) {
      const queued = { ...event, requestId: event.requestId ?? randomUUID() };
      const waiting = pendingNext.shift();
      if (waiting) serveEvent(waiting, queued);
      else events.push(queued);
      return queued.requestId;
    },
    waitForRequest(match, from = 0) {
      return new Promise((resolve, reject) => {
        const check = (): boolean => {
          const found = requests.slice(from).find(match);
          if (!found) return false;
          listeners.delete(listener);
          clearTimeout(timer);
          resolve(found);
          return true;
        };
        const listener = (): void => void check();
        const timer = setTimeout(() => {
          listeners.delete(listener);
          const seen = requests.map((r) => `${r.method} ${r.path}`).join(", ") || "none";
          reject(new Error(`no matching request within ${WAIT_LIMIT_MS} ms; requests so far: ${seen}`));
        }, WAIT_LIMIT_MS);
        listeners.add(listener);
        check();
      });
    },
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

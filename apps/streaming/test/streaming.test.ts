// The streaming function through InvokeWithResponseStream (an AWS event stream of PayloadChunk
// events, decoded with @lambkin/protocol) and through the Function URL (a chunked HTTP body), on a
// real Node runtime process.
import { fileURLToPath } from "node:url";
import { type StartedLambkin, start } from "@lambkin/node";
import { EventStreamDecoder } from "@lambkin/protocol";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const appDir = fileURLToPath(new URL("..", import.meta.url));
let lk: StartedLambkin;
const decoder = new TextDecoder();

beforeAll(async () => {
  lk = await start(
    {
      port: 0,
      urlPort: 0,
      functions: { streaming: { runtime: "node", codeDir: ".", handler: "index.handler", timeout: 30 } },
    },
    { baseDir: appDir, log: () => {} },
  );
}, 60_000);
afterAll(() => lk?.close());

const expectedText = (requestId: string, steps: number) =>
  `report ${requestId}: ${steps} steps\n${Array.from({ length: steps }, (_, i) => `step ${i + 1}/${steps} done\n`).join("")}finished\n`;

describe("streaming", () => {
  it("streams its report as PayloadChunk events, then InvokeComplete", async () => {
    const res = await fetch(`${lk.url}/2021-11-15/functions/streaming/response-streaming-invocations`, {
      method: "POST",
      body: JSON.stringify({ steps: 3, delayMs: 100 }),
    });
    expect(res.status).toBe(200);
    const events = new EventStreamDecoder();
    const messages = [];
    for await (const bytes of res.body as unknown as AsyncIterable<Uint8Array>)
      messages.push(...events.push(bytes));
    const chunks = messages.filter((m) => m.headers[":event-type"] === "PayloadChunk");
    const complete = messages.filter((m) => m.headers[":event-type"] === "InvokeComplete");
    // The steps are written 100 ms apart, so they cannot all have been one chunk.
    expect(chunks.length).toBeGreaterThan(1);
    expect(complete).toHaveLength(1);
    expect(JSON.parse(decoder.decode(complete[0]!.payload))).not.toHaveProperty("ErrorCode");
    const text = chunks.map((m) => decoder.decode(m.payload)).join("");
    const requestId = res.headers.get("x-amzn-requestid")!;
    expect(text).toBe(expectedText(requestId, 3));
  });

  it("streams plain text through the Function URL with its own status and headers", async () => {
    const res = await fetch(`${lk.functionUrl}/streaming/?steps=2&delayMs=50`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const text = await res.text();
    expect(text).toMatch(/^report [0-9a-f-]{36}: 2 steps\nstep 1\/2 done\nstep 2\/2 done\nfinished\n$/);
  });

  it("gives the whole report to a buffered Invoke", async () => {
    const r = await lk.invoke("streaming", { steps: 2, delayMs: 0 });
    expect(r.functionError).toBeUndefined();
    expect(new TextDecoder().decode(r.body)).toBe(expectedText(r.requestId, 2));
  });
});

// Runs the sample as Lambda would: lambkin starts a real Node runtime process on index.handler and
// the test invokes it through the Invoke API.
import { fileURLToPath } from "node:url";
import type { LogRecord } from "@lambkin/core";
import { type StartedLambkin, start } from "@lambkin/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const appDir = fileURLToPath(new URL("..", import.meta.url));
const logs: LogRecord[] = [];
let lk: StartedLambkin;

beforeAll(async () => {
  lk = await start(
    {
      port: 0,
      urlPort: 0,
      functions: {
        "hello-node": {
          runtime: "node",
          codeDir: ".",
          handler: "index.handler",
          environment: { GREETING: "Hi" },
        },
      },
    },
    { baseDir: appDir, log: (r) => logs.push(r) },
  );
}, 60_000);
afterAll(() => lk?.close());

describe("hello-node", () => {
  it("greets the event's name with the configured GREETING", async () => {
    const r = await lk.invoke("hello-node", { name: "you" });
    expect(r.functionError).toBeUndefined();
    expect(r.payload).toMatchObject({
      message: "Hi, you!",
      runtime: `node ${process.versions.node}`,
      functionName: "hello-node",
      requestId: r.requestId,
      coldStart: true,
    });
    // Output is read from the runtime's stdout pipe, so it may arrive just after the response.
    await expect
      .poll(() => logs.find((l) => l.requestId === r.requestId && l.stream === "stdout")?.line, {
        timeout: 10_000,
      })
      .toContain("INFO\tgreeting you (invocation 1 of this environment)");
  });

  it("keeps its module state in a warm environment", async () => {
    const r = await lk.invoke("hello-node", {});
    expect(r.payload).toMatchObject({ message: "Hi, world!", coldStart: false });
    expect((r.payload as { remainingMs: number }).remainingMs).toBeGreaterThan(0);
  });

  it("reports a bad name as a function error", async () => {
    const r = await lk.invoke("hello-node", { name: 42 });
    expect(r.functionError).toBe("Unhandled");
    expect(r.payload).toMatchObject({
      errorType: "TypeError",
      errorMessage: "name must be a non-empty string, got 42",
    });
  });
});

// lambkin starts a real Node runtime process on index.ts (tsx, no build step): the answer comes
// from the TypeScript code, and a thrown error's stack trace names index.ts at the line of the throw.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { type StartedLambkin, start } from "@lambkin/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const appDir = fileURLToPath(new URL("..", import.meta.url));
const throwLine =
  readFileSync(`${appDir}/index.ts`, "utf8")
    .split("\n")
    .findIndex((line) => line.includes("throw new InvalidOrder")) + 1;
let lk: StartedLambkin;

beforeAll(async () => {
  lk = await start(
    {
      port: 0,
      urlPort: 0,
      functions: { "hello-ts": { runtime: "node", codeDir: ".", handler: "index.handler" } },
    },
    { baseDir: appDir, log: () => {} },
  );
}, 60_000);
afterAll(() => lk?.close());

describe("hello-ts", () => {
  it("runs index.ts on Node with no build step", async () => {
    const r = await lk.invoke("hello-ts", {
      lines: [
        { item: "tea", price: 3, quantity: 2 },
        { item: "cake", price: 4, quantity: 1 },
      ],
    });
    expect(r.functionError).toBeUndefined();
    expect(r.payload).toMatchObject({ items: 2, total: 10, node: process.version, requestId: r.requestId });
  });

  it("reports a thrown error with the .ts file and line in its stack trace", async () => {
    const r = await lk.invoke("hello-ts", { lines: [] });
    expect(r.functionError).toBe("Unhandled");
    const error = r.payload as { errorType: string; errorMessage: string; stackTrace: string[] };
    expect(error.errorType).toBe("InvalidOrder");
    expect(error.errorMessage).toBe("an order needs at least one line");
    expect(error.stackTrace[1]).toContain(`index.ts:${throwLine}:`);
  });
});

// lambkin starts a real Bun runtime process on index.ts; the signature is checked with Node's own
// crypto, so the test fails unless Bun's CryptoHasher really ran.
import { createHmac } from "node:crypto";
import { fileURLToPath } from "node:url";
import { type StartedLambkin, start } from "@lambkin/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const appDir = fileURLToPath(new URL("..", import.meta.url));
let lk: StartedLambkin;

beforeAll(async () => {
  lk = await start(
    {
      port: 0,
      urlPort: 0,
      functions: {
        "hello-bun": {
          runtime: "bun",
          codeDir: ".",
          handler: "index.handler",
          environment: { SIGNING_KEY: "k1" },
        },
      },
    },
    { baseDir: appDir, log: () => {} },
  );
}, 60_000);
afterAll(() => lk?.close());

describe("hello-bun", () => {
  it("runs on Bun and signs the greeting with Bun.CryptoHasher", async () => {
    const r = await lk.invoke("hello-bun", { name: "you" });
    expect(r.functionError).toBeUndefined();
    const out = r.payload as { message: string; signature: string; runtime: string; requestId: string };
    expect(out.message).toBe("Hello from Bun, you!");
    expect(out.runtime).toMatch(/^bun \d+\.\d+\.\d+$/);
    expect(out.requestId).toBe(r.requestId);
    expect(out.signature).toBe(createHmac("sha256", "k1").update("Hello from Bun, you!").digest("hex"));
  });

  it("greets the world when no name is given", async () => {
    const r = await lk.invoke("hello-bun", {});
    expect((r.payload as { message: string }).message).toBe("Hello from Bun, world!");
  });
});

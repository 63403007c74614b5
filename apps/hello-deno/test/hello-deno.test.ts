// lambkin starts a real Deno runtime process on index.ts and the test invokes it through the
// Invoke API: the greeting file is read with Deno.readTextFile, the default from Deno.env.
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
        "hello-deno": {
          runtime: "deno",
          codeDir: ".",
          handler: "index.handler",
          environment: { DEFAULT_LANG: "fr" },
        },
      },
    },
    { baseDir: appDir, log: () => {} },
  );
}, 60_000);
afterAll(() => lk?.close());

describe("hello-deno", () => {
  it("runs on Deno and greets in the default language from the environment", async () => {
    const r = await lk.invoke("hello-deno", { name: "you" });
    expect(r.functionError).toBeUndefined();
    expect(r.payload).toEqual({
      message: "Bonjour, you!",
      lang: "fr",
      runtime: expect.stringMatching(/^deno \d+\.\d+\.\d+$/),
      requestId: r.requestId,
    });
  });

  it("greets in the language the event asks for", async () => {
    const r = await lk.invoke("hello-deno", { name: "Yuki", lang: "ja" });
    expect((r.payload as { message: string }).message).toBe("こんにちは, Yuki!");
  });

  it("reports an unknown language as a function error", async () => {
    const r = await lk.invoke("hello-deno", { lang: "xx" });
    expect(r.functionError).toBe("Unhandled");
    expect(r.payload).toMatchObject({
      errorType: "RangeError",
      errorMessage: expect.stringContaining('no greeting for lang "xx"'),
    });
  });
});

// lambkin runs ./bootstrap as a custom runtime (a real sh process polling the Runtime API with
// curl) and the test invokes it through the Invoke API.
import { execFileSync } from "node:child_process";
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
      functions: { "hello-bash": { runtime: "provided", codeDir: ".", handler: "function.handler" } },
    },
    { baseDir: appDir, log: () => {} },
  );
}, 60_000);
afterAll(() => lk?.close());

describe("hello-bash", () => {
  it("answers from the shell handler", async () => {
    const r = await lk.invoke("hello-bash", { name: "you" });
    expect(r.functionError).toBeUndefined();
    expect(r.payload).toEqual({
      message: "Hello, you!",
      kernel: execFileSync("uname", ["-sr"], { encoding: "utf8" }).trim(),
      requestId: r.requestId,
    });
  });

  it("greets the world without a name, and logs to stderr", async () => {
    const r = await lk.invoke("hello-bash", {}, { tail: true });
    expect((r.payload as { message: string }).message).toBe("Hello, world!");
    expect(r.log).toContain(`greeting world (request ${r.requestId})`);
  });

  it("turns a non-zero status into a function error with the last stderr line", async () => {
    const r = await lk.invoke("hello-bash", { name: "x; rm -rf /" });
    expect(r.functionError).toBe("Unhandled");
    expect(r.payload).toEqual({
      errorType: "HandlerError",
      errorMessage: "name may hold letters, digits, spaces, '_', '.' and '-' only, got: x; rm -rf /",
    });
  });
});

// The same sample as a Lambda custom runtime: runtime "provided", whose `bootstrap` starts
// @lambkin/client exactly as it would on AWS Lambda (provided.al2023). lambkin's Runtime API
// plays the part of AWS's, so this is the client running as it would on real Lambda.
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
        "hello-custom": {
          runtime: "provided",
          codeDir: ".",
          command: ["./bootstrap"],
          handler: "index.handler",
          environment: { GREETING: "Howdy" },
        },
      },
    },
    { baseDir: appDir, log: () => {} },
  );
}, 60_000);
afterAll(() => lk?.close());

describe("hello-node as a custom runtime (bootstrap → @lambkin/client)", () => {
  it("answers like the managed runtime does", async () => {
    const r = await lk.invoke("hello-custom", { name: "custom" }, { tail: true });
    expect(r.functionError).toBeUndefined();
    expect(r.payload).toMatchObject({
      message: "Howdy, custom!",
      functionName: "hello-custom",
      requestId: r.requestId,
      coldStart: true,
    });
    expect(r.log).toMatch(
      new RegExp(`\\t${r.requestId}\\tINFO\\tgreeting custom \\(invocation 1 of this environment\\)`),
    );
    expect(r.log).toMatch(/REPORT RequestId: \S+\tDuration: [\d.]+ ms\t.*\tInit Duration: [\d.]+ ms\n$/);
  });

  it("reports thrown errors as function errors", async () => {
    const r = await lk.invoke("hello-custom", { name: "" });
    expect(r.functionError).toBe("Unhandled");
    expect(r.payload).toMatchObject({
      errorType: "TypeError",
      errorMessage: 'name must be a non-empty string, got ""',
    });
  });
});

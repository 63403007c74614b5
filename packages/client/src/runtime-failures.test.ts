// The built runtime under node, bun and deno (see runtime.test.ts): init errors and crashes during
// an invocation — what is posted, what is logged, and that the process exits.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { ESM, json, TIMEOUT, withRuntime } from "./_runtime-process.ts";
import { ENGINES, recordsOf } from "./_test-runtime-api.ts";

describe.each(ENGINES)("runtime on %s", (engine) => {
  describe("init errors", () => {
    const initError = (handler: string, cwd = ESM) =>
      withRuntime(engine, cwd, handler, async (api, runtime) => {
        const post = await api.initError();
        const exit = await runtime.exited;
        return { post, exit, stdout: runtime.stdout() };
      });

    it(
      "a missing file: Runtime.ImportModuleError, then the process exits",
      async () => {
        const { post, exit, stdout } = await initError("missing.handler");
        expect(post.kind).toBe("init-error");
        expect(post.headers["lambda-runtime-function-error-type"]).toBe("Runtime.ImportModuleError");
        const body = json(post);
        expect(body.errorType).toBe("Runtime.ImportModuleError");
        expect(body.errorMessage).toMatch(/^Error: Cannot find module 'missing'/);
        expect(Array.isArray(body.stackTrace)).toBe(true);
        expect(exit.code).not.toBe(0);
        // Logged as AWS logs it, with no request id yet.
        expect(stdout).toMatch(
          /\tundefined\tERROR\tUncaught Exception \t\{"errorType":"Runtime.ImportModuleError"/,
        );
      },
      TIMEOUT,
    );

    it(
      "a missing export: Runtime.HandlerNotFound",
      async () => {
        const { post, exit } = await initError("index.nope");
        expect(post.headers["lambda-runtime-function-error-type"]).toBe("Runtime.HandlerNotFound");
        expect(json(post)).toMatchObject({
          errorType: "Runtime.HandlerNotFound",
          errorMessage: "index.nope is undefined or not exported",
        });
        expect(exit.code).not.toBe(0);
      },
      TIMEOUT,
    );

    it(
      "an export that is not a function: Runtime.HandlerNotFound",
      async () => {
        const { post } = await initError("index.notAFunction");
        expect(json(post)).toMatchObject({
          errorType: "Runtime.HandlerNotFound",
          errorMessage: "index.notAFunction is not a function",
        });
      },
      TIMEOUT,
    );

    it(
      "a handler string leaving the task root: Runtime.MalformedHandlerName",
      async () => {
        const { post } = await initError("../esm/index.handler");
        expect(json(post).errorType).toBe("Runtime.MalformedHandlerName");
      },
      TIMEOUT,
    );

    it(
      "a module that throws while loading: its own error",
      async () => {
        const { post } = await initError("throws-at-init.handler");
        expect(json(post)).toMatchObject({
          errorType: "RangeError",
          errorMessage: "the module failed while loading",
        });
      },
      TIMEOUT,
    );

    it(
      "a syntax error: Runtime.UserCodeSyntaxError",
      async () => {
        const dir = mkdtempSync(path.join(tmpdir(), "lambkin-client-syntax-"));
        try {
          writeFileSync(path.join(dir, "package.json"), '{"type":"module"}');
          writeFileSync(
            path.join(dir, "index.js"),
            "export const handler = async () => {\n  return {;\n};\n",
          );
          const { post } = await initError("index.handler", dir);
          expect(json(post).errorType).toBe("Runtime.UserCodeSyntaxError");
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      },
      TIMEOUT,
    );
  });

  describe("crashes during an invocation", () => {
    it(
      "an uncaught exception fails the invocation, then the process exits",
      async () => {
        await withRuntime(engine, ESM, "index.handler", async (api, runtime) => {
          const post = await api.invoke({ action: "uncaught" }, { requestId: `${engine}-uncaught` });
          expect(post.kind).toBe("error");
          expect(json(post)).toMatchObject({
            errorType: "FixtureError",
            errorMessage: "thrown from a timer",
          });
          expect((await runtime.exited).code).toBe(129);
          expect(recordsOf(runtime.stdout(), `${engine}-uncaught\tERROR\tUncaught Exception`)).toHaveLength(
            1,
          );
        });
      },
      TIMEOUT,
    );

    it(
      "an unhandled rejection fails the invocation as Runtime.UnhandledPromiseRejection",
      async () => {
        await withRuntime(engine, ESM, "index.handler", async (api, runtime) => {
          const post = await api.invoke({ action: "unhandled" });
          expect(json(post)).toMatchObject({
            errorType: "Runtime.UnhandledPromiseRejection",
            errorMessage: "FixtureError: nobody listens",
          });
          expect((await runtime.exited).code).toBe(128);
        });
      },
      TIMEOUT,
    );

    it(
      "an async handler whose promise can never settle fails with Runtime.NodeJsExit",
      async () => {
        await withRuntime(engine, ESM, "index.handler", async (api) => {
          const post = await api.invoke({ action: "never" });
          expect(json(post).errorType).toBe("Runtime.NodeJsExit");
          // The runtime goes on serving.
          expect(json(await api.invoke({ action: "echo" })).imports).toBe(1);
        });
      },
      TIMEOUT,
    );
  });
});

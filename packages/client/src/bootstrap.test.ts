// bootstrap.sh (POSIX sh + curl) against the same real Runtime API server as the JS runtime.
import { existsSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  FakeRuntimeApi,
  FIXTURES,
  lambdaEnv,
  PACKAGE_ROOT,
  type RecordedPost,
  type RuntimeProcess,
  startProcess,
} from "./_test-runtime-api.ts";

const BOOTSTRAP = path.join(PACKAGE_ROOT, "bootstrap.sh");
const SHELL_CODE = path.join(FIXTURES, "shell");
const TIMEOUT = 60_000;
const SHELLS = ["/bin/sh", "/bin/bash"].filter((shell) => existsSync(shell));

const json = (post: RecordedPost): any => JSON.parse(post.body.toString("utf8"));

async function withBootstrap(
  shell: string,
  handler: string,
  body: (api: FakeRuntimeApi, runtime: RuntimeProcess) => Promise<void>,
): Promise<void> {
  const api = await FakeRuntimeApi.start();
  const runtime = startProcess(shell, [BOOTSTRAP], {
    cwd: SHELL_CODE,
    env: lambdaEnv(api, SHELL_CODE, handler),
  });
  void runtime.exited.then(({ code, signal }) => api.runtimeExited(code, signal, runtime.stderr()));
  try {
    await body(api, runtime);
  } finally {
    await runtime.kill();
    await api.close();
  }
}

describe.each(SHELLS)("bootstrap.sh under %s", (shell) => {
  it(
    "calls the shell function with the event and posts its stdout, invocation after invocation",
    async () => {
      await withBootstrap(shell, "function.handler", async (api, runtime) => {
        const traceId = "Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=1";
        const first = await api.invoke({ n: 1 }, { requestId: "sh-req-1", traceId });
        expect(first.kind).toBe("response");
        // Trailing newline removed, as with $(…) in AWS's tutorial bootstrap.
        expect(first.body.toString()).toBe(`{"echo":{"n":1},"requestId":"sh-req-1","trace":"${traceId}"}`);
        const second = await api.invoke({ n: 2 }, { requestId: "sh-req-2" });
        expect(json(second)).toMatchObject({ echo: { n: 2 }, requestId: "sh-req-2" });
        // The function's stderr is the log.
        expect(runtime.stderr()).toContain("log line from the function");
      });
    },
    TIMEOUT,
  );

  it(
    "posts a non-zero status to /error with the last stderr line as the message",
    async () => {
      await withBootstrap(shell, "function.handler", async (api, runtime) => {
        const post = await api.invoke({ action: "fail" }, { requestId: "sh-fail" });
        expect(post.kind).toBe("error");
        expect(post.requestId).toBe("sh-fail");
        expect(post.headers["lambda-runtime-function-error-type"]).toBe("HandlerError");
        expect(json(post)).toEqual({ errorType: "HandlerError", errorMessage: 'something went "wrong"' });
        // The runtime survives a failed invocation.
        expect(json(await api.invoke({ ok: true }))).toMatchObject({ echo: { ok: true } });
        expect(runtime.stderr()).toContain("about to fail");
      });
    },
    TIMEOUT,
  );

  it(
    "reports a missing handler script to /init/error and exits",
    async () => {
      await withBootstrap(shell, "nothing.handler", async (api, runtime) => {
        const post = await api.initError();
        expect(post.headers["lambda-runtime-function-error-type"]).toBe("Runtime.ImportModuleError");
        expect(json(post).errorType).toBe("Runtime.ImportModuleError");
        expect(json(post).errorMessage).toContain("nothing.sh");
        expect((await runtime.exited).code).toBe(1);
      });
    },
    TIMEOUT,
  );

  it(
    "reports a missing shell function as Runtime.HandlerNotFound",
    async () => {
      await withBootstrap(shell, "function.nope", async (api) => {
        const post = await api.initError();
        expect(json(post)).toEqual({
          errorType: "Runtime.HandlerNotFound",
          errorMessage: `function.nope is undefined or not exported: ${SHELL_CODE}/function.sh defines no function 'nope'`,
        });
      });
    },
    TIMEOUT,
  );

  it(
    "exits when the Runtime API goes away",
    async () => {
      await withBootstrap(shell, "function.handler", async (api, runtime) => {
        await api.invoke({ n: 1 });
        await api.close();
        expect((await runtime.exited).code).toBe(1);
      });
    },
    TIMEOUT,
  );
});

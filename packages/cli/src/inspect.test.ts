// `lambkin start --inspect FUNCTION` on each host engine, debugging a function on that engine: the
// inspector is reachable on the printed port, a real debugger (test-fixtures/cdp-pause.mjs, over
// the inspector's WebSocket) stops the handler at `debugger` for longer than the function's
// timeout and the invocation still succeeds; once the debugger is gone, the timeout applies again.
import { type ChildProcess, spawn } from "node:child_process";
import { cpSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  ENGINES,
  type Engine,
  packageDir,
  type RunningLambkin,
  startCli,
  tempConfig,
} from "./_cli-process.ts";

const debugDir = join(packageDir, "test-fixtures/debug");
const debuggerScript = join(packageDir, "test-fixtures/cdp-pause.mjs");
const HOLD_MS = 2500;
const running: RunningLambkin[] = [];
/** Debuggers still attached when a test failed before detaching: they would outlive the run. */
const debuggers: ChildProcess[] = [];
afterAll(async () => {
  for (const child of debuggers) child.kill();
  await Promise.all(running.map((lk) => lk.stop()));
});

async function invoke(lk: RunningLambkin, payload: unknown) {
  const res = await fetch(`${lk.url}/2015-03-31/functions/debug/invocations`, {
    method: "POST",
    body: JSON.stringify(payload),
  });
  return { error: res.headers.get("x-amz-function-error"), body: (await res.json()) as any };
}

/** The inspector's targets, once its process listens and lists one (a moment after the line). */
async function targetsOf(port: number): Promise<{ webSocketDebuggerUrl: string }[]> {
  for (let i = 0; ; i++) {
    try {
      const targets = (await (await fetch(`http://127.0.0.1:${port}/json/list`)).json()) as any[];
      if (targets.length > 0 || i > 100) return targets;
    } catch (error) {
      if (i > 100) throw error;
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts the debugger (on Bun: it has a WebSocket client) and resolves once it is attached. */
function attachDebugger(url: string) {
  const child = spawn(ENGINES.bun[0], [debuggerScript, url, String(HOLD_MS)], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  debuggers.push(child);
  let out = "";
  const attached = new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding("utf8").on("data", (d: string) => {
      out += d;
      if (out.includes('"attached"')) resolve();
      if (out.includes('"error"')) reject(new Error(out));
    });
    child.once("exit", () => reject(new Error(`the debugger exited: ${out}`)));
  });
  return { attached, output: () => out, detach: () => child.kill() };
}

describe.each(["node", "bun", "deno"] as Engine[])("lambkin start --inspect on %s", (engine) => {
  it("serves the inspector on its printed port, and a paused handler outlives its timeout", async () => {
    const { dir } = tempConfig({
      port: 0,
      urlPort: 0,
      functions: { debug: { runtime: engine, codeDir: "debug", handler: "index.handler", timeout: 1 } },
    });
    cpSync(debugDir, join(dir, "debug"), { recursive: true });
    const lk = await startCli(["--inspect", "debug"], { cwd: dir, engine });
    running.push(lk);
    // The environment (and its inspector) starts with lambkin, before any invoke.
    await lk.waitFor(/Debugger: environment \d+ of debug listens on/);
    const line = /Debugger: environment \d+ of debug listens on (?:ws:\/\/)?127\.0\.0\.1:(\d+)/.exec(
      lk.output().stdout,
    );
    expect(line, lk.output().stdout).not.toBeNull();
    const port = Number(line![1]);
    let url = `ws://127.0.0.1:${port}/lambkin`;
    if (engine !== "bun") {
      url = (await targetsOf(port))[0]!.webSocketDebuggerUrl;
    }
    expect(lk.output().stdout).toContain(engine === "bun" ? url : `127.0.0.1:${port}`);
    // No debugger yet: `debugger` does not stop the handler.
    expect((await invoke(lk, {})).error).toBeNull();

    const debuggerProcess = attachDebugger(url);
    await debuggerProcess.attached;
    const paused = await invoke(lk, {});
    expect(paused.error, JSON.stringify(paused.body)).toBeNull();
    expect(paused.body.stoppedMs).toBeGreaterThanOrEqual(HOLD_MS - 100);
    expect(debuggerProcess.output()).toContain('"resumed"');
    await lk.waitFor("Debugger connected: the timeout waits until it disconnects");

    // With the debugger gone, a late handler is a timeout again.
    debuggerProcess.detach();
    await new Promise((resolve) => setTimeout(resolve, 300));
    const late = await invoke(lk, { wait: 3000 });
    expect(late.error).toBe("Unhandled");
    expect(late.body.errorType).toBe("Sandbox.Timedout");

    // After a save, the new environment's inspector is on the same port, for a debugger to re-attach.
    const file = join(dir, "debug/index.mjs");
    const seen = lk.output().stdout.length;
    writeFileSync(file, readFileSync(file, "utf8"));
    await lk.waitFor(/Reloaded: .*index\.mjs changed/);
    while (!lk.output().stdout.slice(seen).includes("Debugger: environment"))
      await new Promise((resolve) => setTimeout(resolve, 20));
    expect(lk.output().stdout.slice(seen)).toMatch(
      new RegExp(`Debugger: environment \\d+ of debug listens on (?:ws://)?127\\.0\\.0\\.1:${port}\\b`),
    );
  }, 60_000);
});

/**
 * Lifecycle behaviour that needs its own lambkin settings (short idle and retry delays), run on
 * the Node host: idle environments are reaped, async events are retried with the same request id,
 * and a retried SDK/CLI call joins the invocation it repeats instead of running it again.
 */
import { randomUUID } from "node:crypto";
import { readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LambkinEvent } from "@lambkin/core";
import { type StartedLambkin, start } from "@lambkin/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixturesDir } from "./config.ts";
import { isRunning } from "./suite.ts";

const behave = { runtime: "provided" as const, codeDir: "behave" };
let lk: StartedLambkin;
const files: string[] = [];

function counterFile(): string {
  const file = join(tmpdir(), `lambkin-attempts-${randomUUID()}`);
  files.push(file);
  return file;
}

const lines = (file: string) => {
  try {
    return readFileSync(file, "utf8").trim().split("\n").filter(Boolean);
  } catch {
    return [];
  }
};

async function waitFor(check: () => boolean, ms = 10_000): Promise<boolean> {
  for (let waited = 0; waited < ms; waited += 50) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return check();
}

beforeAll(async () => {
  lk = await start(
    {
      port: 0,
      urlPort: 0,
      idleTimeout: 1,
      // The tests count attempts in files of the host's /tmp: the runtimes share it.
      sandbox: false,
      asyncRetryDelays: [0.2, 0.4],
      functions: {
        retried: { ...behave },
        "retried-once": { ...behave, maximumRetryAttempts: 1 },
        reaped: { ...behave },
        slow: { ...behave, timeout: 10 },
        "node-env": { runtime: "node", codeDir: "node-env", handler: "index.handler", memorySize: 1024 },
      },
    },
    { baseDir: fixturesDir, log: () => {} },
  );
});

afterAll(async () => {
  await lk.close();
  for (const f of files) rmSync(f, { force: true });
});

describe("async invocations", () => {
  it("retry a failing event twice, with the same request id", async () => {
    const file = counterFile();
    const seen: LambkinEvent[] = [];
    const unsubscribe = lk.subscribe((event) => seen.push(event));
    const out = await lk.invoke("retried", { appendTo: file, outcome: "error" }, { invocationType: "Event" });
    expect(out.statusCode).toBe(202);
    expect(await waitFor(() => lines(file).length >= 3)).toBe(true);
    // No fourth attempt comes after the retries are spent.
    await new Promise((r) => setTimeout(r, 800));
    const attempts = lines(file);
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((l) => l.split(" ")[0]))).toEqual(new Set([out.requestId]));
    unsubscribe();
    // The event stream tells each retry, and each attempt's end.
    const mine = seen.filter((e) => "requestId" in e && e.requestId === out.requestId);
    expect(mine.filter((e) => e.type === "invocation.retry")).toEqual([
      expect.objectContaining({ functionName: "retried", attempt: 2, cause: "error", delayMs: 200 }),
      expect.objectContaining({ functionName: "retried", attempt: 3, cause: "error", delayMs: 400 }),
    ]);
    const finished = mine.filter((e) => e.type === "invocation.finished");
    expect(finished.map((e) => [e.outcome, e.errorType])).toEqual(Array(3).fill(["error", "Attempt"]));
    expect(
      mine.some((e) => e.type === "invocation.log" && e.stream === "platform" && e.line.startsWith("REPORT")),
    ).toBe(true);
  });

  it("honour maximumRetryAttempts", async () => {
    const file = counterFile();
    await lk.invoke("retried-once", { appendTo: file, outcome: "error" }, { invocationType: "Event" });
    expect(await waitFor(() => lines(file).length >= 2)).toBe(true);
    await new Promise((r) => setTimeout(r, 800));
    expect(lines(file)).toHaveLength(2);
  });

  it("do not retry a success", async () => {
    const file = counterFile();
    await lk.invoke("retried", { appendTo: file, outcome: "ok" }, { invocationType: "Event" });
    expect(await waitFor(() => lines(file).length >= 1)).toBe(true);
    await new Promise((r) => setTimeout(r, 800));
    expect(lines(file)).toHaveLength(1);
  });
});

describe("environments", () => {
  it("are reused warm, then stopped after the idle timeout", async () => {
    const first = (await lk.invoke("reaped", { echo: 1 })).requestId;
    expect(first).toBeTruthy();
    const pids = lk.lambkin.pids("reaped");
    expect(pids.length).toBeGreaterThan(0);
    const a = (await lk.invoke("reaped", { headers: true })).statusCode;
    expect(a).toBe(200);
    // Same process while warm: no new pid appeared.
    expect(lk.lambkin.pids("reaped")).toEqual(pids);
    expect(await waitFor(() => pids.every((p) => !isRunning(p)), 15_000)).toBe(true);
    expect((await lk.invoke("reaped", { echo: 2 })).payload).toBe(2);
  }, 30_000);
});

describe("retried SDK calls", () => {
  it("a retry with the same amz-sdk-invocation-id joins the running invocation", async () => {
    const file = counterFile();
    const callId = randomUUID();
    const post = () =>
      fetch(`${lk.url}/2015-03-31/functions/slow/invocations`, {
        method: "POST",
        body: JSON.stringify({ appendTo: file, outcome: "sleep", ms: 700 }),
        headers: { "amz-sdk-invocation-id": callId, "amz-sdk-request": "attempt=1; max=5" },
      });
    const first = post();
    await waitFor(() => lines(file).length >= 1);
    const retry = post();
    const [a, b] = await Promise.all([first, retry]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(await b.text()).toBe(await a.text());
    expect(b.headers.get("x-amzn-requestid")).toBe(a.headers.get("x-amzn-requestid"));
    expect(lines(file)).toHaveLength(1);
    // A new call (another id) runs again.
    const other = await fetch(`${lk.url}/2015-03-31/functions/slow/invocations`, {
      method: "POST",
      body: JSON.stringify({ appendTo: file, outcome: "ok" }),
      headers: { "amz-sdk-invocation-id": randomUUID() },
    });
    expect(other.status).toBe(200);
    expect(lines(file)).toHaveLength(2);
  });

  it("a retry after its caller hung up gets the result of the run it missed", async () => {
    const file = counterFile();
    const callId = randomUUID();
    const body = JSON.stringify({ appendTo: file, outcome: "sleep", ms: 300 });
    const headers = { "amz-sdk-invocation-id": callId };
    const url = `${lk.url}/2015-03-31/functions/slow/invocations`;
    const hangUp = new AbortController();
    const first = fetch(url, { method: "POST", body, headers, signal: hangUp.signal });
    await waitFor(() => lines(file).length >= 1);
    hangUp.abort();
    await expect(first).rejects.toThrow();
    // The run ends while nobody waits for it; the retry comes after.
    await new Promise((r) => setTimeout(r, 600));
    const retry = await fetch(url, { method: "POST", body, headers });
    expect(retry.status).toBe(200);
    expect(retry.headers.get("x-amzn-requestid")).toBe(lines(file)[0]!.split(" ")[0]);
    expect(lines(file)).toHaveLength(1);
  });

  it("a call whose caller got its answer is not remembered: the SDK's id on every call holds no result", async () => {
    const file = counterFile();
    const callId = randomUUID();
    const send = () =>
      fetch(`${lk.url}/2015-03-31/functions/slow/invocations`, {
        method: "POST",
        body: JSON.stringify({ appendTo: file, outcome: "ok" }),
        headers: { "amz-sdk-invocation-id": callId },
      });
    const a = await send();
    expect(a.status).toBe(200);
    await a.text();
    // The same id again (no SDK does this after an answer) runs again: nothing was kept.
    const b = await send();
    expect(b.status).toBe(200);
    expect(b.headers.get("x-amzn-requestid")).not.toBe(a.headers.get("x-amzn-requestid"));
    expect(lines(file)).toHaveLength(2);
  });
});

describe("Node runtimes", () => {
  it("start with the flags AWS's Node bootstrap derives from the memory size, and the function's lib/ first on LD_LIBRARY_PATH", async () => {
    const out = await lk.invoke("node-env", {});
    const seen = out.payload as { execArgv: string[]; ldLibraryPath: string; taskRoot: string };
    // 1024 MB: a tenth (102) for the young generation, 51 per semi-space; 922 for the old one.
    expect(seen.execArgv).toEqual(
      expect.arrayContaining([
        "--expose-gc",
        "--max-http-header-size=81920",
        "--max-semi-space-size=51",
        "--max-old-space-size=922",
      ]),
    );
    expect(seen.ldLibraryPath.split(":")[0]).toBe(`${seen.taskRoot}/lib`);
  });
});

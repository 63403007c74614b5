/**
 * lambkin's own API on a running host, part of the contract suite on every engine: `update` adds,
 * changes and removes functions, `recycle` replaces a function's environments (idle ones stop at
 * once, busy ones finish first, new invocations get new environments, prewarm warms the next),
 * and the event stream tells what happened, in order.
 */
import type { LambkinEvent } from "@lambkin/core";
import { beforeAll, describe, expect, it } from "vitest";
import { contractConfig } from "./config.ts";
import type { HostControl } from "./host-control.ts";
import { type ContractTarget, type InvokeReply, isRunning } from "./suite.ts";

type Invoke = (fn: string, payload: unknown, headers?: Record<string, string>) => Promise<InvokeReply>;

const fresh = {
  runtime: "provided" as const,
  codeDir: "behave",
  command: ["./bootstrap"],
  timeout: 10,
  concurrency: 2,
  environment: { GREETING: "v1" },
};
type Fresh = typeof fresh & { timeout: number };
const withFresh = (fn: Fresh) => ({
  ...contractConfig,
  functions: { ...contractConfig.functions, fresh: fn },
});

/** Polls `get` until `done` says yes (or 5 s pass), and returns what it got last. */
async function until<T>(get: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
  let value = await get();
  for (let waited = 0; waited < 5000 && !done(value); waited += 25) {
    await new Promise((r) => setTimeout(r, 25));
    value = await get();
  }
  return value;
}

async function gone(pid: number, ms = 5000): Promise<boolean> {
  for (let waited = 0; waited < ms && isRunning(pid); waited += 25)
    await new Promise((r) => setTimeout(r, 25));
  return !isRunning(pid);
}

export function reconfigureContract(
  target: () => ContractTarget,
  invoke: Invoke,
  seenPids: Set<number>,
): void {
  describe("recycle and update", () => {
    let control: HostControl;
    beforeAll(() => {
      control = target().control;
    });

    const whoami = async (fn: string, ms = 0, headers?: Record<string, string>) => {
      const reply = await invoke(fn, { whoami: ms }, headers);
      expect(reply.status, reply.text).toBe(200);
      expect(reply.headers.get("x-amz-function-error")).toBeNull();
      const body = reply.json() as { pid: number; greeting: string | null };
      seenPids.add(body.pid);
      return { ...body, reply };
    };
    /** Events of `fn` from index `from` on. */
    const eventsOf = async (fn: string, from: number) =>
      (await control.events()).slice(from).filter((e) => e.functionName === fn);
    const envOf = (events: LambkinEvent[], pid: number) =>
      events.find((e) => e.type === "environment.started" && e.pid === pid) as
        | Extract<LambkinEvent, { type: "environment.started" }>
        | undefined;

    it("update adds a function that the Invoke API, ListFunctions and Function URLs serve at once", async () => {
      expect(await control.update(withFresh(fresh))).toEqual({ added: ["fresh"], removed: [], changed: [] });
      expect((await whoami("fresh")).greeting).toBe("v1");
      const list = await fetch(`${target().url}/2015-03-31/functions`);
      const { Functions } = (await list.json()) as { Functions: Array<{ FunctionName: string }> };
      expect(Functions.map((f) => f.FunctionName)).toContain("fresh");
      const url = await fetch(`${target().functionUrl}/fresh/string`);
      expect([url.status, await url.text()]).toEqual([200, '"hello"']);
    });

    it("recycle stops idle environments at once, lets a busy one finish, and sends new invocations to new ones", async () => {
      const mark = (await control.events()).length;
      // The warm environment takes a long invocation; a second environment answers and goes idle.
      const busy = whoami("fresh", 2500);
      const idle = await whoami("fresh");
      await control.recycle("fresh", "contract test");
      const next = await whoami("fresh");
      const finished = await busy;
      expect(new Set([finished.pid, idle.pid, next.pid]).size).toBe(3);
      expect(await gone(idle.pid)).toBe(true);
      expect(await gone(finished.pid)).toBe(true);

      const busyEnv = envOf(await control.events(), finished.pid)!;
      const idleEnv = envOf(await eventsOf("fresh", mark), idle.pid)!;
      // The host tells `stopped` once the process is gone and its listener closed.
      const events = await until(
        () => eventsOf("fresh", mark),
        (all) =>
          [busyEnv, idleEnv].every((env) =>
            all.some((e) => e.type === "environment.stopped" && e.environmentId === env.environmentId),
          ),
      );
      const nextEnv = envOf(events, next.pid)!;
      expect(nextEnv.generation).toBe(idleEnv.generation + 1);
      const index = (match: (e: LambkinEvent) => boolean) => events.findIndex(match);
      const stopped = (env: { environmentId: number }) =>
        index((e) => e.type === "environment.stopped" && e.environmentId === env.environmentId);
      const busyDone = index(
        (e) => e.type === "invocation.finished" && e.requestId === finished.reply.requestId,
      );
      // The idle one stopped while the busy one was still running; the busy one stopped after it answered.
      expect(stopped(idleEnv)).toBeGreaterThan(-1);
      expect(stopped(idleEnv)).toBeLessThan(busyDone);
      expect(stopped(busyEnv)).toBeGreaterThan(busyDone);
      expect(events[stopped(idleEnv)]).toMatchObject({ reason: "recycled", detail: "contract test" });
      expect(events[busyDone]).toMatchObject({ outcome: "success", generation: idleEnv.generation });
    });

    it("recycle with prewarm resolves once the new environment is ready: the next invoke is warm", async () => {
      const mark = (await control.events()).length;
      await control.recycle("fresh", "prewarm", { prewarm: true });
      const ready = (await eventsOf("fresh", mark)).filter((e) => e.type === "environment.ready");
      expect(ready).toHaveLength(1);
      const reply = await whoami("fresh", 0, { "X-Amz-Log-Type": "Tail" });
      const log = Buffer.from(reply.reply.headers.get("x-amz-log-result") ?? "", "base64").toString();
      expect(log).toMatch(/REPORT RequestId: \S+\tDuration: /);
      expect(log).not.toContain("Init Duration");
      const started = (await eventsOf("fresh", mark)).find(
        (e) => e.type === "invocation.started" && e.requestId === reply.reply.requestId,
      );
      expect(started).toMatchObject({ environmentId: ready[0]!.environmentId });
    });

    it("recycle with prewarm reports a failed init as an event; invocations still get Lambda's init error", async () => {
      const mark = (await control.events()).length;
      await control.recycle("init-error", "prewarm", { prewarm: true });
      const events = await eventsOf("init-error", mark);
      expect(events.find((e) => e.type === "environment.init-failed")).toMatchObject({
        errorType: "Runtime.FixtureInitError",
        errorMessage: "init failed on purpose",
      });
      expect(events.find((e) => e.type === "environment.stopped")).toMatchObject({ reason: "init-failed" });
      const reply = await invoke("init-error", {});
      expect(reply.headers.get("x-amz-function-error")).toBe("Unhandled");
      expect(reply.json().errorType).toBe("Runtime.FixtureInitError");
    });

    it("update recycles a changed function: new invocations see its new settings", async () => {
      const before = await whoami("fresh");
      const changed = { ...fresh, environment: { GREETING: "v2" } };
      expect(await control.update(withFresh(changed))).toEqual({
        added: [],
        removed: [],
        changed: ["fresh"],
      });
      const after = await whoami("fresh");
      expect(after.greeting).toBe("v2");
      expect(after.pid).not.toBe(before.pid);
      expect(await gone(before.pid)).toBe(true);
    });

    it("an invalid update throws ConfigError and changes nothing", async () => {
      const before = await whoami("fresh");
      await expect(control.update(withFresh({ ...fresh, timeout: 0 }))).rejects.toMatchObject({
        name: "ConfigError",
        message: "functions.fresh.timeout must be a whole number 1–900 seconds, got 0",
      });
      await expect(control.update({ ...withFresh(fresh), port: 1 })).rejects.toMatchObject({
        name: "ConfigError",
        message: expect.stringMatching(/^port cannot change while lambkin is listening/),
      });
      const after = await whoami("fresh");
      expect([after.pid, after.greeting]).toEqual([before.pid, "v2"]);
    });

    it("update removes a function: it answers 404 and its environments stop", async () => {
      const before = await whoami("fresh");
      expect(await control.update(contractConfig)).toEqual({ added: [], removed: ["fresh"], changed: [] });
      const reply = await invoke("fresh", { whoami: 0 });
      expect(reply.status).toBe(404);
      expect(reply.headers.get("x-amzn-errortype")).toBe("ResourceNotFoundException");
      const url = await fetch(`${target().functionUrl}/fresh/string`);
      expect(url.status).toBe(404);
      await url.text();
      expect(await gone(before.pid)).toBe(true);
    });
  });
}

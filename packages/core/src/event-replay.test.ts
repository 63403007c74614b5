import { InvokeApiError } from "@lambkin/protocol";
import { describe, expect, it } from "vitest";
import { AsyncQueue } from "./async-queue.ts";
import type { ResolvedConfig, ResolvedFunction } from "./config.ts";
import { EventJournal } from "./event-journal.ts";
import { EventBus } from "./events.ts";
import type { LogRecord } from "./logs.ts";
import type { HostFiles } from "./platform.ts";
import type { FunctionScheduler } from "./scheduler.ts";

// A unit test of the replay after a crash that came between an event's delivery and its end in
// the journal: its record is at its destination already, so it must not run (nor be delivered)
// again. Files live in a Map; the scheduler only notes what was submitted.

function memoryHost(files: Map<string, string>): HostFiles {
  return {
    pid: 1,
    tempDir: () => "/tmp",
    mkdir: async () => {},
    writeTextFileSync: (path: string, text: string) => void files.set(path, text),
    appendTextFile: async (path: string, text: string) =>
      void files.set(path, (files.get(path) ?? "") + text),
    readTextFileIfExists: async (path: string) => files.get(path),
    remove: async (path: string) => void files.delete(path),
  } as unknown as HostFiles;
}

const accepted = (requestId: string, fn: string, extra: object = {}) =>
  JSON.stringify({ op: "accepted", fn, requestId, payload: btoa("{}"), receivedAt: Date.now(), ...extra });
const attempt = (requestId: string) => JSON.stringify({ op: "attempt", requestId, attempt: 1 });

describe("replaying the Event journal", () => {
  it("ends, without running them, the events whose record is already at their destination", async () => {
    const files = new Map<string, string>();
    const journalFile = "/p/.lambkin/events.jsonl";
    files.set(
      journalFile,
      [
        // "delivered-to-file": its record is in failed.jsonl; "to-function": audit has its record.
        accepted("delivered-to-file", "orders"),
        attempt("delivered-to-file"),
        accepted("to-function", "orders"),
        attempt("to-function"),
        accepted("record-of-to-function", "audit", { recordOf: "to-function" }),
        accepted("cut-mid-run", "orders"),
        attempt("cut-mid-run"),
        "",
      ].join("\n"),
    );
    files.set(
      "/p/failed.jsonl",
      `${JSON.stringify({ version: "1.0", requestContext: { requestId: "delivered-to-file" } })}\n`,
    );
    const host = memoryHost(files);
    const { journal, pending } = await EventJournal.open(host, journalFile);
    expect(pending.map((p) => p.event.requestId)).toEqual([
      "delivered-to-file",
      "record-of-to-function",
      "cut-mid-run",
    ]);

    const submitted: string[] = [];
    const fn = (name: string) =>
      ({
        name,
        maximumEventAgeInSeconds: 21_600,
        maximumRetryAttempts: 0,
        destinations: name === "orders" ? { onFailure: { kind: "file", path: "/p/failed.jsonl" } } : {},
      }) as unknown as ResolvedFunction;
    const scheduler = (name: string) =>
      ({
        fn: fn(name),
        submit(invocation: { requestId: string }) {
          submitted.push(invocation.requestId);
          // Ends the attempt at once: nothing here runs a function.
          throw new InvokeApiError("ServiceException", "not run in this test");
        },
      }) as unknown as FunctionScheduler;
    const logs: LogRecord[] = [];
    const queue = new AsyncQueue({
      config: { asyncRetryDelaysMs: [0], region: "us-east-1", accountId: "000000000000" } as ResolvedConfig,
      log: (record) => logs.push(record),
      events: new EventBus(),
      scheduler,
      journal,
      host,
    });
    await queue.replay(pending);
    await new Promise((r) => setTimeout(r, 10));
    expect(submitted).toEqual(["record-of-to-function", "cut-mid-run"]);
    expect(logs.find((l) => l.requestId === "delivered-to-file")?.line).toBe(
      "Async event from the journal had ended (its record is in its destination file): not run again",
    );
    expect(files.get(journalFile)).toContain(JSON.stringify({ op: "done", requestId: "delivered-to-file" }));
  });
});

/**
 * The deadline is the deadline: a runtime that enforces its own timeout and posts its error a
 * moment after the deadline lambkin gave it must lose, every time. The caller gets
 * `Sandbox.Timedout` and REPORT says `Status: timeout`. Part of the contract suite, so it runs on
 * every host engine.
 */
import { describe, expect, it } from "vitest";

/** Invokes `fn` on the target's Invoke API with a Tail log; returns status, body and log. */
type TailInvoke = (
  fn: string,
  payload: unknown,
) => Promise<{ status: number; headers: Headers; text: string; log: string }>;

export function deadlineContract(invoke: TailInvoke): void {
  describe("deadline", () => {
    it("refuses a runtime's own error posted 1–3 ms after the deadline: the caller gets Sandbox.Timedout", async () => {
      // 48 invocations of a 1 s function at concurrency 8: six rounds of racing posts.
      const replies = await Promise.all(
        Array.from({ length: 48 }, (_, i) => invoke("late", { lateError: 1 + (i % 3) })),
      );
      const wrong = replies.filter(
        (r) =>
          r.status !== 200 ||
          r.headers.get("x-amz-function-error") !== "Unhandled" ||
          JSON.parse(r.text).errorType !== "Sandbox.Timedout" ||
          !/^REPORT .*\tStatus: timeout$/m.test(r.log),
      );
      expect(
        wrong.map((r) => `${r.status} ${r.text} ${r.log.split("\n").find((l) => l.startsWith("REPORT"))}`),
      ).toEqual([]);
      for (const r of replies) {
        expect(JSON.parse(r.text).errorMessage).toMatch(/Task timed out after 1\.00 seconds$/);
      }
    }, 60_000);
  });
}

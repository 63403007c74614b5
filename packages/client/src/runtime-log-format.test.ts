import { describe, expect, it } from "vitest";
import { ESM, ISO, TIMEOUT, useRuntime } from "./_runtime-process.ts";
import { ENGINES, recordsOf } from "./_test-runtime-api.ts";

describe.each(ENGINES)("runtime on %s", (engine) => {
  describe("JSON log format", () => {
    const rt = useRuntime(engine, ESM, "index.handler", {
      AWS_LAMBDA_LOG_FORMAT: "JSON",
      AWS_LAMBDA_LOG_LEVEL: "WARN",
    });

    it(
      "writes {timestamp, level, requestId, message} records at or above AWS_LAMBDA_LOG_LEVEL",
      async () => {
        const requestId = `${engine}-json-logs`;
        await rt.api.invoke({ action: "log" }, { requestId });
        // stdout is ordered: once a later invocation's record is there, all of this one's are too.
        const later = `${requestId}-later`;
        await rt.api.invoke({ action: "log" }, { requestId: later });
        const stdout = await rt.runtime.waitForStdout((out) => recordsOf(out, later).length >= 1);
        const records = recordsOf(stdout, requestId)
          .map((line) => JSON.parse(line))
          .filter((record) => record.requestId === requestId);
        expect(records.map((r) => r.level)).toEqual(["WARN", "ERROR"]);
        expect(records[0]).toEqual({
          timestamp: expect.stringMatching(ISO),
          level: "WARN",
          requestId,
          message: "warned",
        });
        expect(records[1]).toMatchObject({
          level: "ERROR",
          requestId,
          errorType: "Error",
          errorMessage: "logged error",
        });
        expect(records[1].message).toMatch(/^failed: Error: logged error/);
        expect(records[1].stackTrace[0]).toBe("Error: logged error");
      },
      TIMEOUT,
    );

    it(
      "logs an invocation error as a JSON record whose message is the error",
      async () => {
        const requestId = `${engine}-json-error`;
        await rt.api.invoke({ action: "throw" }, { requestId });
        const stdout = await rt.runtime.waitForStdout((out) => recordsOf(out, requestId).length >= 1);
        const [record] = recordsOf(stdout, requestId).map((line) => JSON.parse(line));
        expect(record).toMatchObject({
          level: "ERROR",
          requestId,
          message: { errorType: "FixtureError", errorMessage: "fixture failed on purpose" },
        });
        expect(record.message.stackTrace[0]).toBe("FixtureError: fixture failed on purpose");
      },
      TIMEOUT,
    );
  });
});

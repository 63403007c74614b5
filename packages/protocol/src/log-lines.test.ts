import { describe, expect, it } from "vitest";
import {
  billedDurationMs,
  endLine,
  type ReportFields,
  reportLine,
  reportRecord,
  runtimeDoneRecord,
  startLine,
  startRecord,
} from "./log-lines.ts";

const ID = "8f507cfc-1b2c-4697-b07a-ac58fc914c95";
const TIME = new Date(Date.UTC(2024, 2, 4, 17, 22, 38, 33));
const WARM: ReportFields = { requestId: ID, durationMs: 12.34, memorySizeMB: 128, maxMemoryUsedMB: 74 };

describe("START and END lines", () => {
  it("name the request id and $LATEST", () => {
    expect(startLine(ID)).toBe(`START RequestId: ${ID} Version: $LATEST`);
    expect(endLine(ID)).toBe(`END RequestId: ${ID}`);
  });

  it("name another version when given", () => {
    expect(startLine(ID, "3")).toBe(`START RequestId: ${ID} Version: 3`);
  });
});

describe("reportLine", () => {
  it("is tab separated with two-decimal durations on a warm invoke", () => {
    expect(reportLine(WARM)).toBe(
      `REPORT RequestId: ${ID}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB\tMax Memory Used: 74 MB`,
    );
  });

  it("adds Init Duration on a cold start and bills it", () => {
    expect(reportLine({ ...WARM, initDurationMs: 166.62 })).toBe(
      `REPORT RequestId: ${ID}\tDuration: 12.34 ms\tBilled Duration: 179 ms\tMemory Size: 128 MB` +
        `\tMax Memory Used: 74 MB\tInit Duration: 166.62 ms`,
    );
  });

  it("shows an Init Duration of zero (it is a cold start all the same)", () => {
    expect(reportLine({ ...WARM, initDurationMs: 0 })).toContain("\tInit Duration: 0.00 ms");
  });

  it("appends Status: timeout after everything else", () => {
    expect(reportLine({ ...WARM, durationMs: 3004.92, initDurationMs: 111.23, status: "timeout" })).toBe(
      `REPORT RequestId: ${ID}\tDuration: 3004.92 ms\tBilled Duration: 3117 ms\tMemory Size: 128 MB` +
        `\tMax Memory Used: 74 MB\tInit Duration: 111.23 ms\tStatus: timeout`,
    );
  });

  it("appends Status: error and the Error Type", () => {
    expect(reportLine({ ...WARM, status: "error", errorType: "Runtime.ExitError" })).toBe(
      `REPORT RequestId: ${ID}\tDuration: 12.34 ms\tBilled Duration: 13 ms\tMemory Size: 128 MB` +
        `\tMax Memory Used: 74 MB\tStatus: error\tError Type: Runtime.ExitError`,
    );
  });

  it("appends only Status: error when the error type is unknown", () => {
    expect(reportLine({ ...WARM, status: "error" }).endsWith("\tMax Memory Used: 74 MB\tStatus: error")).toBe(
      true,
    );
  });

  it("ignores an error type without an error status", () => {
    expect(reportLine({ ...WARM, errorType: "Runtime.ExitError" })).toBe(reportLine(WARM));
  });

  it("rounds durations to two decimals and memory to whole MB", () => {
    const line = reportLine({ ...WARM, durationMs: 0.004, maxMemoryUsedMB: 73.6, memorySizeMB: 1024 });
    expect(line).toContain("\tDuration: 0.00 ms\t");
    expect(line).toContain("\tBilled Duration: 1 ms\t");
    expect(line).toContain("\tMemory Size: 1024 MB\t");
    expect(line).toContain("\tMax Memory Used: 74 MB");
  });

  it("is one line with exactly the expected tab-separated fields", () => {
    const line = reportLine({ ...WARM, initDurationMs: 1, status: "error", errorType: "X" });
    expect(line).not.toContain("\n");
    expect(line.split("\t").map((field) => field.split(":")[0])).toEqual([
      "REPORT RequestId",
      "Duration",
      "Billed Duration",
      "Memory Size",
      "Max Memory Used",
      "Init Duration",
      "Status",
      "Error Type",
    ]);
  });
});

describe("billedDurationMs", () => {
  it("rounds up to the next whole millisecond", () => {
    expect(billedDurationMs({ durationMs: 12.34 })).toBe(13);
    expect(billedDurationMs({ durationMs: 12.01 })).toBe(13);
    expect(billedDurationMs({ durationMs: 0.001 })).toBe(1);
  });

  it("does not round up a whole number", () => {
    expect(billedDurationMs({ durationMs: 12 })).toBe(12);
    expect(billedDurationMs({ durationMs: 0 })).toBe(0);
    expect(billedDurationMs({ durationMs: 3000 })).toBe(3000);
  });

  it("adds the init duration on a cold start before rounding", () => {
    expect(billedDurationMs({ durationMs: 12.34, initDurationMs: 166.62 })).toBe(179);
    // Rounding the sum, not each part: 0.5 + 0.5 bills 1 ms, not 2.
    expect(billedDurationMs({ durationMs: 0.5, initDurationMs: 0.5 })).toBe(1);
    expect(billedDurationMs({ durationMs: 10, initDurationMs: 0 })).toBe(10);
  });
});

describe("JSON records", () => {
  it("platform.start names the request id and version", () => {
    const text = startRecord(ID, TIME);
    expect(text).toBe(
      `{"time":"2024-03-04T17:22:38.033Z","type":"platform.start","record":{"requestId":"${ID}","version":"$LATEST"}}`,
    );
    expect(JSON.parse(startRecord(ID, TIME, "5"))).toEqual({
      time: "2024-03-04T17:22:38.033Z",
      type: "platform.start",
      record: { requestId: ID, version: "5" },
    });
  });

  it("platform.runtimeDone carries the status, success by default", () => {
    expect(runtimeDoneRecord(ID, undefined, TIME)).toBe(
      `{"time":"2024-03-04T17:22:38.033Z","type":"platform.runtimeDone","record":{"requestId":"${ID}","status":"success"}}`,
    );
    for (const status of ["error", "timeout", "failure"] as const) {
      expect(JSON.parse(runtimeDoneRecord(ID, status, TIME))).toEqual({
        time: "2024-03-04T17:22:38.033Z",
        type: "platform.runtimeDone",
        record: { requestId: ID, status },
      });
    }
  });

  it("platform.report has the metrics and success status on a warm invoke", () => {
    expect(JSON.parse(reportRecord(WARM, TIME))).toEqual({
      time: "2024-03-04T17:22:38.033Z",
      type: "platform.report",
      record: {
        requestId: ID,
        metrics: { durationMs: 12.34, billedDurationMs: 13, memorySizeMB: 128, maxMemoryUsedMB: 74 },
        status: "success",
      },
    });
  });

  it("platform.report adds initDurationMs on a cold start and rounds to two decimals", () => {
    const record = JSON.parse(
      reportRecord({ ...WARM, durationMs: 12.3456, initDurationMs: 166.6249, maxMemoryUsedMB: 73.5 }, TIME),
    );
    expect(record.record.metrics).toEqual({
      durationMs: 12.35,
      billedDurationMs: 179,
      memorySizeMB: 128,
      maxMemoryUsedMB: 74,
      initDurationMs: 166.62,
    });
  });

  it("platform.report says timeout", () => {
    const record = JSON.parse(reportRecord({ ...WARM, status: "timeout" }, TIME)).record;
    expect(record.status).toBe("timeout");
    expect(record).not.toHaveProperty("errorType");
  });

  it("platform.report says error with the error type", () => {
    expect(
      JSON.parse(reportRecord({ ...WARM, status: "error", errorType: "Runtime.ExitError" }, TIME)),
    ).toEqual({
      time: "2024-03-04T17:22:38.033Z",
      type: "platform.report",
      record: {
        requestId: ID,
        metrics: { durationMs: 12.34, billedDurationMs: 13, memorySizeMB: 128, maxMemoryUsedMB: 74 },
        status: "error",
        errorType: "Runtime.ExitError",
      },
    });
  });

  it("are stamped with the current time by default", () => {
    const before = Date.now();
    const stamps = [startRecord(ID), runtimeDoneRecord(ID), reportRecord(WARM)].map((text) =>
      Date.parse(JSON.parse(text).time),
    );
    const after = Date.now();
    for (const stamp of stamps) {
      expect(stamp).toBeGreaterThanOrEqual(before);
      expect(stamp).toBeLessThanOrEqual(after);
    }
  });
});

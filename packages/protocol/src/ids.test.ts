import { describe, expect, it } from "vitest";
import {
  DEFAULT_ACCOUNT_ID,
  functionArn,
  LATEST,
  logGroupName,
  newLogStreamName,
  newRequestId,
  newTraceId,
  randomHex,
} from "./ids.ts";

const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("randomHex", () => {
  for (const n of [0, 1, 2, 7, 8, 16, 24, 31, 32, 33, 64]) {
    it(`gives exactly ${n} lower-case hex digits`, () => {
      const hex = randomHex(n);
      expect(hex).toHaveLength(n);
      expect(hex).toMatch(/^[0-9a-f]*$/);
    });
  }

  it("is random: no repeats, and every digit shows up in every position over many draws", () => {
    const seen = new Set<string>();
    const perPosition = Array.from({ length: 5 }, () => new Set<string>());
    for (let i = 0; i < 2000; i++) {
      const hex = randomHex(5);
      seen.add(randomHex(32));
      for (let p = 0; p < 5; p++) perPosition[p]!.add(hex[p]!);
    }
    expect(seen.size).toBe(2000);
    // An odd length must not leave its last digit stuck (e.g. always the high nibble's range).
    for (const digits of perPosition) expect(digits.size).toBe(16);
  });
});

describe("newRequestId", () => {
  it("is a fresh v4 UUID each time", () => {
    const ids = new Set(Array.from({ length: 100 }, () => newRequestId()));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(UUID_V4);
  });
});

describe("newTraceId", () => {
  const TRACE = /^Root=1-([0-9a-f]{8})-([0-9a-f]{24});Parent=([0-9a-f]{16});Sampled=0$/;

  it("has the X-Ray Root/Parent/Sampled shape with the epoch seconds in hex", () => {
    const nowMs = Date.UTC(2024, 0, 15, 12, 34, 56, 789);
    const trace = newTraceId(nowMs);
    const match = TRACE.exec(trace);
    expect(match).not.toBeNull();
    expect(match![1]).toBe(Math.floor(nowMs / 1000).toString(16));
    expect(match![1]).toBe("65a52670");
  });

  it("pads the time to 8 hex digits", () => {
    expect(newTraceId(1999)).toMatch(/^Root=1-00000001-[0-9a-f]{24};/);
    expect(newTraceId(0)).toMatch(/^Root=1-00000000-/);
  });

  it("uses the current time by default", () => {
    const before = Math.floor(Date.now() / 1000);
    const seconds = Number.parseInt(TRACE.exec(newTraceId())![1]!, 16);
    const after = Math.floor(Date.now() / 1000);
    expect(seconds).toBeGreaterThanOrEqual(before);
    expect(seconds).toBeLessThanOrEqual(after);
  });

  it("is different for two calls at the same instant", () => {
    const [a, b] = [newTraceId(1_700_000_000_000), newTraceId(1_700_000_000_000)];
    expect(a).not.toBe(b);
    expect(TRACE.exec(a)![2]).not.toBe(TRACE.exec(b)![2]);
    expect(TRACE.exec(a)![3]).not.toBe(TRACE.exec(b)![3]);
  });
});

describe("functionArn", () => {
  it("builds an unqualified ARN", () => {
    expect(functionArn("us-east-1", "123456789012", "hello")).toBe(
      "arn:aws:lambda:us-east-1:123456789012:function:hello",
    );
  });

  it("appends a qualifier", () => {
    expect(functionArn("eu-west-2", DEFAULT_ACCOUNT_ID, "hello", "$LATEST")).toBe(
      "arn:aws:lambda:eu-west-2:000000000000:function:hello:$LATEST",
    );
    expect(functionArn("eu-west-2", DEFAULT_ACCOUNT_ID, "hello", "prod")).toBe(
      "arn:aws:lambda:eu-west-2:000000000000:function:hello:prod",
    );
  });

  it("leaves out an empty qualifier", () => {
    expect(functionArn("us-east-1", "123456789012", "hello", "")).toBe(
      "arn:aws:lambda:us-east-1:123456789012:function:hello",
    );
  });

  it("reports a 12-digit default account", () => {
    expect(DEFAULT_ACCOUNT_ID).toMatch(/^\d{12}$/);
  });
});

describe("logGroupName", () => {
  it("is /aws/lambda/<name>", () => {
    expect(logGroupName("hello-node")).toBe("/aws/lambda/hello-node");
  });
});

describe("newLogStreamName", () => {
  const STREAM = /^(\d{4})\/(\d{2})\/(\d{2})\/\[(.+)\]([0-9a-f]{32})$/;

  it("is YYYY/MM/DD/[$LATEST]<32 hex>", () => {
    const name = newLogStreamName(Date.UTC(2024, 0, 5, 12));
    expect(name).toMatch(STREAM);
    expect(name.startsWith("2024/01/05/[$LATEST]")).toBe(true);
    expect(LATEST).toBe("$LATEST");
  });

  it("names another version in the brackets", () => {
    expect(newLogStreamName(Date.UTC(2023, 11, 31, 12), "7")).toMatch(/^2023\/12\/31\/\[7\][0-9a-f]{32}$/);
  });

  it("is random after the date", () => {
    const now = Date.UTC(2024, 5, 1);
    expect(newLogStreamName(now)).not.toBe(newLogStreamName(now));
  });

  it("dates the stream in UTC, whatever the host's time zone", () => {
    // Just after and just before midnight UTC: in any zone off UTC by an hour or more, one of them
    // falls on another local day. Where the engine lets us, switch to such a zone for the check.
    const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
    const savedTz = env?.TZ;
    try {
      if (env) env.TZ = "America/Los_Angeles";
      expect(newLogStreamName(Date.UTC(2024, 2, 1, 0, 30))).toMatch(/^2024\/03\/01\/\[\$LATEST\]/);
      expect(newLogStreamName(Date.UTC(2024, 1, 29, 23, 30))).toMatch(/^2024\/02\/29\/\[\$LATEST\]/);
      expect(newLogStreamName(Date.UTC(2024, 11, 31, 23, 59, 59, 999))).toMatch(/^2024\/12\/31\//);
      expect(newLogStreamName(Date.UTC(2025, 0, 1))).toMatch(/^2025\/01\/01\//);
    } finally {
      if (env) {
        if (savedTz === undefined) delete env.TZ;
        else env.TZ = savedTz;
      }
    }
  });

  it("uses today's UTC date by default", () => {
    const before = new Date();
    const [, y, m, d] = STREAM.exec(newLogStreamName())!;
    const after = new Date();
    const dates = [before, after].map(
      (t) =>
        `${t.getUTCFullYear()}/${String(t.getUTCMonth() + 1).padStart(2, "0")}/${String(t.getUTCDate()).padStart(2, "0")}`,
    );
    expect(dates).toContain(`${y}/${m}/${d}`);
  });
});

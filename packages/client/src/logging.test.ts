import { format } from "node:util";
import { describe, expect, it } from "vitest";
import {
  formatJsonRecord,
  formatTextRecord,
  LOG_LEVELS,
  logFormatFromEnv,
  logLevelFromEnv,
  patchConsole,
  setCurrentInvocation,
} from "./logging.ts";

const TIME = "2026-11-27T10:22:44.123Z";

describe("text records", () => {
  it("are <time>\\t<request id>\\t<LEVEL>\\t<util.format of the arguments>", () => {
    expect(formatTextRecord(format, TIME, "req-1", LOG_LEVELS.INFO, "a %s b %d", ["x", 42])).toBe(
      `${TIME}\treq-1\tINFO\ta x b 42`,
    );
  });

  it("print a missing request id as the word undefined, as Lambda does during init", () => {
    expect(formatTextRecord(format, TIME, undefined, LOG_LEVELS.WARN, "early", [])).toBe(
      `${TIME}\tundefined\tWARN\tearly`,
    );
  });
});

describe("JSON records", () => {
  it("keep a single argument's JSON shape", () => {
    expect(
      JSON.parse(formatJsonRecord(format, TIME, "r", undefined, LOG_LEVELS.INFO, { a: [1] }, [])),
    ).toEqual({
      timestamp: TIME,
      level: "INFO",
      requestId: "r",
      message: { a: [1] },
    });
  });

  it("describe a lone Error as {errorType, errorMessage, stackTrace}", () => {
    const error = new TypeError("bad");
    const record = JSON.parse(formatJsonRecord(format, TIME, "r", undefined, LOG_LEVELS.ERROR, error, []));
    expect(record.message).toMatchObject({ errorType: "TypeError", errorMessage: "bad" });
    expect(record.message.stackTrace[0]).toBe("TypeError: bad");
  });

  it("format several arguments into one message and lift the first Error's fields", () => {
    const record = JSON.parse(
      formatJsonRecord(format, TIME, "r", "tenant", LOG_LEVELS.ERROR, "failed %s:", [
        "x",
        new RangeError("out"),
      ]),
    );
    expect(record).toMatchObject({
      tenantId: "tenant",
      errorType: "RangeError",
      errorMessage: "out",
    });
    expect(record.message).toMatch(/^failed x: RangeError: out/);
  });

  it("survive values JSON cannot hold", () => {
    const loop: Record<string, unknown> = {};
    loop.self = loop;
    const record = JSON.parse(formatJsonRecord(format, TIME, "r", undefined, LOG_LEVELS.INFO, loop, []));
    expect(record.message).toContain("[Circular");
  });
});

describe("settings from the environment", () => {
  it("AWS_LAMBDA_LOG_FORMAT selects JSON in any case, text otherwise", () => {
    expect(logFormatFromEnv("json")).toBe("JSON");
    expect(logFormatFromEnv("Text")).toBe("TEXT");
    expect(logFormatFromEnv(undefined)).toBe("TEXT");
  });

  it("AWS_LAMBDA_LOG_LEVEL names the lowest level written; unknown means everything", () => {
    expect(logLevelFromEnv("warn")).toBe(LOG_LEVELS.WARN);
    expect(logLevelFromEnv("nonsense")).toBe(LOG_LEVELS.TRACE);
    expect(logLevelFromEnv(undefined)).toBe(LOG_LEVELS.TRACE);
  });
});

describe("patchConsole", () => {
  it("routes console methods through the formatter, one line per record, filtered by level", () => {
    const saved = { ...console };
    const lines: string[] = [];
    try {
      patchConsole({
        format: "TEXT",
        minLevel: LOG_LEVELS.INFO,
        formatArgs: format,
        write: (line) => lines.push(line),
      });
      setCurrentInvocation("req-9");
      console.debug("hidden");
      console.log("shown\nacross lines");
      console.error("err");
    } finally {
      setCurrentInvocation(undefined);
      Object.assign(console, saved);
    }
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/^\S+\treq-9\tINFO\tshown\racross lines\n$/);
    expect(lines[1]).toMatch(/^\S+\treq-9\tERROR\terr\n$/);
  });
});

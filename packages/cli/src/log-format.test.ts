import { describe, expect, it } from "vitest";
import { clock, colourFor, jsonSink, textSink, useColour } from "./log-format.ts";

const record = (over: object) => ({
  time: new Date(2026, 0, 2, 3, 4, 5, 67).getTime(),
  functionName: "hello",
  requestId: "1f0c2a9e-1111-2222-3333-444444444444",
  stream: "stdout" as const,
  line: "a line",
  ...over,
});

describe("useColour", () => {
  it("follows the terminal, NO_COLOR and FORCE_COLOR", () => {
    expect(useColour({}, true)).toBe(true);
    expect(useColour({}, false)).toBe(false);
    expect(useColour({ NO_COLOR: "1" }, true)).toBe(false);
    expect(useColour({ NO_COLOR: "" }, true)).toBe(true);
    expect(useColour({ FORCE_COLOR: "1" }, false)).toBe(true);
    expect(useColour({ FORCE_COLOR: "1", NO_COLOR: "1" }, false)).toBe(true);
    expect(useColour({ FORCE_COLOR: "0" }, true)).toBe(false);
  });
});

describe("textSink", () => {
  const lines = (colour: boolean, records: object[]) => {
    let out = "";
    const sink = textSink({ colour, functionNames: ["hello", "longer-name"], write: (t) => (out += t) });
    for (const r of records) sink(record(r));
    return out;
  };

  it("prints time, the aligned function name, the short request id and the line", () => {
    expect(lines(false, [{}])).toBe(`${clock(record({}).time)} hello       1f0c2a9e a line\n`);
    expect(clock(record({}).time)).toBe("03:04:05.067");
    expect(lines(false, [{ requestId: undefined, line: "init" }])).toBe(
      "03:04:05.067 hello       -------- init\n",
    );
  });

  it("drops the time and request id Node's Lambda console already put in the line", () => {
    const line = "2026-01-02T03:04:05.067Z\t1f0c2a9e-1111-2222-3333-444444444444\tINFO\thello { a: 1 }";
    expect(lines(false, [{ line }])).toBe("03:04:05.067 hello       1f0c2a9e INFO hello { a: 1 }\n");
    // Another invocation's id is not stripped.
    const other = "2026-01-02T03:04:05.067Z\tffffffff-1111-2222-3333-444444444444\tINFO\tx";
    expect(lines(false, [{ line: other }])).toContain(other);
  });

  it("colours the name by function (stably) and dims platform lines", () => {
    const out = lines(true, [{ stream: "platform", line: "START RequestId: x" }]);
    expect(out).toContain(colourFor("hello")("hello      "));
    expect(out).toContain("\x1b[2mSTART RequestId: x\x1b[0m");
    expect(colourFor("hello")("x")).toBe(colourFor("hello")("x"));
  });
});

describe("jsonSink", () => {
  it("prints one JSON object per record", () => {
    let out = "";
    jsonSink((t) => (out += t))(record({ requestId: undefined }));
    expect(out.endsWith("\n")).toBe(true);
    expect(JSON.parse(out)).toEqual({
      time: new Date(record({}).time).toISOString(),
      functionName: "hello",
      requestId: null,
      stream: "stdout",
      line: "a line",
    });
  });
});

describe("multi-line records", () => {
  it("shows a record's \\r-joined lines as lines, indented under the message", () => {
    let out = "";
    const sink = textSink({ colour: false, functionNames: ["fn"], write: (t) => (out += t) });
    sink({
      time: 0,
      functionName: "fn",
      requestId: undefined,
      stream: "stdout",
      line: "Error: boom\r    at a\r    at b",
    });
    const lines = out.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/ Error: boom$/);
    expect(lines[1]).toBe(`${" ".repeat(lines[0]!.indexOf("Error"))}    at a`);
    expect(out).not.toContain("\r");
  });
});

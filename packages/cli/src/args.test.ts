import { describe, expect, it } from "vitest";
import { parseArgs, portValue, UsageError } from "./args.ts";
import { OPTIONS } from "./usage.ts";

describe("parseArgs", () => {
  it("reads --name value, --name=value, short aliases and positionals in any order", () => {
    const { values, positionals } = parseArgs(
      ["hello", "--payload", '{"a":1}', "--endpoint=http://x:1", "--tail"],
      OPTIONS.invoke,
    );
    expect(values).toEqual({ payload: '{"a":1}', endpoint: "http://x:1", tail: true });
    expect(positionals).toEqual(["hello"]);
    expect(parseArgs(["-c", "a.json", "-p", "0"], OPTIONS.start).values).toEqual({
      config: "a.json",
      port: "0",
    });
  });

  it("takes a lone - as a value and -- as the end of options", () => {
    expect(parseArgs(["fn", "--payload", "-"], OPTIONS.invoke).values.payload).toBe("-");
    expect(parseArgs(["--", "--tail"], OPTIONS.invoke).positionals).toEqual(["--tail"]);
  });

  it("rejects unknown options, missing values, values on booleans and bad choices", () => {
    const error = (argv: string[]) => {
      try {
        parseArgs(argv, OPTIONS.start, "start");
      } catch (e) {
        expect(e).toBeInstanceOf(UsageError);
        expect((e as UsageError).command).toBe("start");
        return (e as Error).message;
      }
      throw new Error("no error");
    };
    expect(error(["--prot", "1"])).toBe("unknown option --prot");
    expect(error(["-x"])).toBe("unknown option -x");
    expect(error(["--port"])).toBe("option --port needs a value");
    expect(error(["--port", "--host", "x"])).toBe("option --port needs a value");
    expect(error(["--help=yes"])).toBe('option --help takes no value, got "yes"');
    expect(error(["--log-format", "yaml"])).toBe('--log-format must be one of text, json, got "yaml"');
    // Inherited object keys are not options.
    expect(error(["--constructor", "x"])).toBe("unknown option --constructor");
  });
});

describe("portValue", () => {
  it("accepts 0–65535 and names anything else", () => {
    expect(portValue("port", "0", "start")).toBe(0);
    expect(portValue("port", "65535", "start")).toBe(65535);
    for (const bad of ["65536", "-1", "3.5", "", "0x10", "abc"]) {
      expect(() => portValue("port", bad, "start")).toThrow(
        `--port must be a whole number 0–65535, got "${bad}"`,
      );
    }
  });
});

// Self-test of the Deno shim for vitest. Runs only under Deno (see the `test:deno` script of
// packages/protocol), where `vitest` is mapped to ./vitest-deno.ts.
import { afterAll, beforeAll, describe, expect, it, test } from "vitest";

declare const Deno: {
  execPath(): string;
  Command: new (
    cmd: string,
    opts: { args: string[]; cwd: string; stdout: "piped"; stderr: "piped" },
  ) => { output(): Promise<{ code: number; stdout: Uint8Array; stderr: Uint8Array }> };
};

const events: string[] = [];

beforeAll(() => {
  events.push("file:before");
});

describe("outer", () => {
  beforeAll(async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    events.push("outer:before");
  });
  afterAll(() => {
    events.push("outer:after");
  });

  it("runs file and suite beforeAll hooks first, once", () => {
    expect(events).toEqual(["file:before", "outer:before"]);
    events.push("test1");
  });

  describe("inner", () => {
    beforeAll(() => {
      events.push("inner:before");
    });
    afterAll(() => {
      events.push("inner:after");
    });
    test("runs nested hooks lazily", () => {
      expect(events).toEqual(["file:before", "outer:before", "test1", "inner:before"]);
    });
  });
});

describe("after a suite", () => {
  it("has run that suite's afterAll hooks, innermost first", () => {
    expect(events.slice(-2)).toEqual(["inner:after", "outer:after"]);
  });
});

describe("expect", () => {
  it("is vitest's matcher library", async () => {
    expect({ a: [1, { b: 2 }] }).toEqual({ a: [1, { b: 2 }] });
    expect({ a: 1, b: 2 }).toMatchObject({ a: 1 });
    expect({ a: 1, b: "x" }).toEqual({ a: expect.any(Number), b: expect.stringContaining("x") });
    expect(Uint8Array.of(1, 2)).toEqual(Uint8Array.of(1, 2));
    expect(new TypeError("bad")).toBeInstanceOf(Error);
    expect(() => {
      throw new RangeError("out of range: 7");
    }).toThrow(RangeError);
    expect(() => {
      throw new Error("out of range: 7");
    }).toThrow(/range: \d/);
    expect(1).not.toBe(2);
    expect([1, 2, 3]).toContain(2);
    expect("hello").toMatch(/ell/);
    expect(0.1 + 0.2).toBeCloseTo(0.3);
    expect(null).toBe(null);
    expect(undefined).toBeUndefined();
    await expect(Promise.reject(new Error("nope"))).rejects.toThrow("nope");
    await expect(Promise.resolve(5)).resolves.toBe(5);
  });

  it("throws on a failed assertion", () => {
    let caught: unknown;
    try {
      expect([1, 2]).toEqual([1, 3]);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(Error);
    expect(String((caught as Error).message)).toMatch(/deeply equal/);
  });

  it("honours a timeout that is not exceeded", async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
  }, 10_000);
});

describe("a test file run through the shim", () => {
  it("reports each failure as failed and passes the rest", async () => {
    const here = new URL(".", import.meta.url).pathname;
    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "test",
        "-A",
        "--no-check",
        "--no-lock",
        `--import-map=${here}deno-import-map.json`,
        `${here}fixtures/failing.fixture.ts`,
      ],
      cwd: here,
      stdout: "piped",
      stderr: "piped",
    }).output();
    // Strip colours so the summary line can be matched.
    const text = new TextDecoder()
      .decode(stdout)
      .concat(new TextDecoder().decode(stderr))
      .replace(/\u001b\[[0-9;]*m/g, "");
    expect(code).not.toBe(0);
    expect(text).toMatch(/1 passed \| 6 failed/);
    expect(text).toContain("outer teardown ran");
    expect(text).toContain("timed out after 50 ms");
    expect(text).toContain("setup failure");
    expect(text).toContain("teardown failure");
  }, 60_000);
});

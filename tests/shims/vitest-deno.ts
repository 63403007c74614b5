// Runs test files written for vitest under `deno test`, unchanged.
//
// Test files import `{ describe, it, test, expect, beforeAll, afterAll } from "vitest"`. Under Node,
// vitest runs them. Under Bun, `bun test` maps the `vitest` import onto `bun:test` by itself, so no
// shim is needed there. Under Deno, the import map beside this file points `vitest` here:
//
//   deno test -A --no-check --no-lock --import-map=<repo>/tests/shims/deno-import-map.json src/
//
// (in a package's package.json: `"test:deno": "deno test -A --no-check --no-lock
// --import-map=../../tests/shims/deno-import-map.json src/"`).
// `--no-check` because tsc already checks the tests against vitest's real types; Deno's job here
// is to run them. `--no-lock` keeps Deno from writing a deno.lock into the package.
//
// `expect` is vitest's own matcher library (`@vitest/expect` on chai, both from node_modules), so
// matchers behave exactly as under vitest. `describe`/`it` become flat `Deno.test` registrations
// named "suite > test"; `beforeAll` runs before the first test of its suite (or file) and `afterAll`
// after the last one, as in vitest. Deno runs each test file in its own isolate, so file-level
// hooks stay per file. Only this surface is supported: describe, it, test, expect, beforeAll,
// afterAll; an optional per-test timeout (number, or `{ timeout }`) is honoured.

import {
  ChaiStyleAssertions,
  GLOBAL_EXPECT,
  getState,
  JestAsymmetricMatchers,
  JestChaiExpect,
  JestExtend,
  setState,
} from "@vitest/expect";
import * as chai from "chai";

declare const Deno: {
  test(definition: {
    name: string;
    fn: () => Promise<void>;
    sanitizeOps?: boolean;
    sanitizeResources?: boolean;
  }): void;
};

// --- expect -------------------------------------------------------------------------------------

chai.use(JestExtend);
chai.use(JestChaiExpect);
chai.use(ChaiStyleAssertions);
chai.use(JestAsymmetricMatchers);

type ExpectFn = ((value: unknown, message?: string) => unknown) & Record<string, unknown>;

// The same assembly vitest's createExpect does, minus snapshots, polling and per-test state.
const expectFn = ((value: unknown, message?: string) => {
  const state = getState(expectFn as never) as { assertionCalls: number };
  setState({ assertionCalls: state.assertionCalls + 1 }, expectFn as never);
  return chai.expect(value, message);
}) as ExpectFn;
Object.assign(expectFn, chai.expect);
Object.assign(expectFn, (globalThis as Record<symbol, unknown>)[Symbol.for("asymmetric-matchers-object")]);
expectFn.getState = () => getState(expectFn as never);
expectFn.setState = (state: object) => setState(state, expectFn as never);
expectFn.extend = (matchers: unknown) =>
  (chai.expect as unknown as { extend(e: unknown, m: unknown): void }).extend(expectFn, matchers);
expectFn.assert = chai.assert;
setState(
  {
    assertionCalls: 0,
    isExpectingAssertions: false,
    isExpectingAssertionsError: null,
    expectedAssertionsNumber: null,
    expectedAssertionsNumberErrorGen: null,
    currentTestName: "",
  },
  expectFn as never,
);
(globalThis as Record<PropertyKey, unknown>)[GLOBAL_EXPECT] = expectFn;

// Typed as vitest's expect so the test files see the API they were written for.
export const expect = expectFn as unknown as typeof import("vitest").expect;

// --- describe / it / hooks ----------------------------------------------------------------------

type Hook = () => unknown;
type TestFn = (context: { expect: typeof expect }) => unknown;
type TestOptions = { timeout?: number };

interface Suite {
  name: string;
  parent: Suite | undefined;
  beforeAll: Hook[];
  afterAll: Hook[];
  /** Tests registered under this suite (at any depth) that have not finished yet. */
  remaining: number;
  /** Set once beforeAll hooks ran; holds their error if one threw. */
  setup: { error: unknown } | undefined;
}

const newSuite = (name: string, parent: Suite | undefined): Suite => ({
  name,
  parent,
  beforeAll: [],
  afterAll: [],
  remaining: 0,
  setup: undefined,
});

const fileSuite = newSuite("", undefined);
let current = fileSuite;

export function describe(name: string, body: () => void): void {
  const suite = newSuite(name, current);
  const outer = current;
  current = suite;
  try {
    const result = body() as unknown;
    if (result instanceof Promise) {
      throw new Error(`describe("${name}"): the callback must be synchronous under the Deno shim`);
    }
  } finally {
    current = outer;
  }
}

export function beforeAll(hook: Hook): void {
  current.beforeAll.push(hook);
}

export function afterAll(hook: Hook): void {
  current.afterAll.push(hook);
}

export function it(name: string, a?: TestFn | TestOptions | number, b?: TestFn | TestOptions | number): void {
  const fn = (typeof a === "function" ? a : b) as TestFn | undefined;
  if (typeof fn !== "function") throw new Error(`it("${name}"): missing test function`);
  const option = typeof a === "function" ? b : a;
  const timeout = typeof option === "number" ? option : option?.timeout;

  // Outermost first: the file, then each describe down to this test's own.
  const chain: Suite[] = [];
  for (let s: Suite | undefined = current; s; s = s.parent) chain.unshift(s);
  for (const suite of chain) suite.remaining++;
  const fullName = [...chain.slice(1).map((s) => s.name), name].join(" > ");

  Deno.test({
    name: fullName,
    // vitest has no leak sanitizers, and a beforeAll may open a server that later tests use.
    sanitizeOps: false,
    sanitizeResources: false,
    async fn() {
      let failure: { error: unknown } | undefined;
      try {
        for (const suite of chain) {
          if (!suite.setup) {
            suite.setup = { error: undefined };
            try {
              for (const hook of suite.beforeAll) await hook();
            } catch (error) {
              suite.setup.error = error;
            }
          }
          if (suite.setup.error !== undefined) throw suite.setup.error;
        }
        await withTimeout(fn({ expect }), timeout, fullName);
      } catch (error) {
        failure = { error };
      }
      // Innermost first, each suite's afterAll hooks once its last test is done, in reverse
      // order of registration (vitest's default "stack" order). Every hook runs even if one
      // throws; a hook's error fails this (the suite's last) test unless the test failed already.
      for (const suite of [...chain].reverse()) {
        suite.remaining--;
        if (suite.remaining === 0 && suite.setup) {
          for (const hook of [...suite.afterAll].reverse()) {
            try {
              await hook();
            } catch (error) {
              failure ??= { error };
            }
          }
        }
      }
      if (failure) throw failure.error;
    },
  });
}

export const test = it;

async function withTimeout(result: unknown, timeout: number | undefined, name: string): Promise<void> {
  if (!timeout || !(result instanceof Promise)) {
    await result;
    return;
  }
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      result,
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`test "${name}" timed out after ${timeout} ms`)), timeout);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

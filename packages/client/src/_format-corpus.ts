// Test support (not part of the package): console.log argument lists whose util.format text is the
// same on every engine (no stack traces; none of the objects Deno prints its own way, like symbol
// keys or URL), for format.test.ts. Imported by Node (vitest) and by Deno (format-on-deno.ts).
export function formatCorpus(): [label: string, args: unknown[]][] {
  const circular: Record<string, unknown> = { name: "loop" };
  circular.self = circular;
  class Point {
    x = 1;
    y = 2;
  }
  class WithToString {
    toString() {
      return "custom!";
    }
  }
  class WithToPrimitive {
    [Symbol.toPrimitive]() {
      return "primitive!";
    }
  }
  const fn = function named() {};
  const sparse: number[] = [];
  sparse[0] = 1;
  sparse[2] = 3;
  const sym = Symbol("tag");
  return [
    ["one string", ["hello"]],
    ["two strings", ["a", "b"]],
    ["%s of a string and an object", ["text %s", "formatted", { nested: { a: 1 } }]],
    ["%s of numbers", ["%s %s %s %s", 42, -0, 5n, Number.NaN]],
    ["%s of null, undefined, a symbol", ["%s %s %s", null, undefined, sym]],
    ["%s of an object: depth 0", ["%s", { a: { b: { c: 1 } } }]],
    ["%s of an array", ["%s", [1, [2, [3]]]]],
    ["%s of a class with toString", ["%s", new WithToString()]],
    ["%s of a class with Symbol.toPrimitive", ["%s", new WithToPrimitive()]],
    ["%s of an own toString", ["%s", { toString: () => "own" }]],
    ["%s of a class instance", ["%s", new Point()]],
    ["%s of a function", ["%s", fn]],
    ["%s of a Map", ["%s", new Map([["k", { a: [1] }]])]],
    ["%d", ["%d %d %d %d %d %d", 42, "42", -0, 10n, sym, {}]],
    ["%i", ["%i %i %i %i %i", 42.9, "17.5px", "0x1f", 10n, sym]],
    ["%f", ["%f %f %f", "3.25abc", 1, sym]],
    ["%j", ["%j %j %j", { a: [1] }, "s", undefined]],
    ["%j of a cycle", ["%j", circular]],
    ["%o", ["%o", { a: [1, 2], deep: { er: { still: { more: 1 } } } }]],
    ["%O", ["%O", { a: { b: { c: { d: 1 } } } }]],
    ["%c", ["%cstyled", "color: red"]],
    ["%%", ["100%% %s", "done"]],
    ["% at the end", ["50%", 1]],
    ["an unknown placeholder", ["%x %s", "a"]],
    ["too few arguments", ["%s %s %d", "only"]],
    ["extra arguments", ["%s", "a", "b", { c: 1 }, 3]],
    ["no placeholder, then arguments", ["hi", { a: 1 }, [2], "s"]],
    ["a first argument that is not a string", [{ a: 1 }, "s", 2]],
    ["numbers only", [1, -0, 2n]],
    ["undefined", [undefined]],
    ["null", [null]],
    ["depth beyond 2", [{ a: { b: { c: { d: { e: 1 } } } } }]],
    ["a cycle", [circular]],
    ["a class instance", [new Point()]],
    [
      "getters",
      [
        {
          get g() {
            return 1;
          },
        },
      ],
    ],
    ["null prototype", [Object.assign(Object.create(null), { a: 1 })]],
    ["a long array", [Array.from({ length: 120 }, (_, i) => i)]],
    ["a big Set", [new Set(Array.from({ length: 120 }, (_, i) => i))]],
    ["a big Map", [new Map(Array.from({ length: 120 }, (_, i) => [i, i]))]],
    ["a long string inside", [["x".repeat(10_050)]]],
    ["a wide object", [{ alpha: "a".repeat(30), beta: "b".repeat(30), gamma: "c".repeat(30) }]],
    ["many short items", [Array.from({ length: 30 }, (_, i) => `item-${i}`)]],
    ["many numbers", [Array.from({ length: 30 }, (_, i) => i * 1000)]],
    ["objects in an array", [Array.from({ length: 8 }, (_, i) => ({ id: i, name: `n${i}` }))]],
    ["a Set and a Map", [new Set([1, "two"]), new Map([[{ o: 1 }, "v"]])]],
    ["functions and classes", [fn, () => {}, async () => {}, class Foo {}]],
    ["a sparse array", [sparse]],
    ["typed arrays", [new Uint8Array([1, 2, 3]), new ArrayBuffer(4)]],
    ["a date and a regexp", [new Date(0), /ab+c/gi]],
    ["boxed primitives", [[new Number(3), new String("s"), new Boolean(false)]]],
    ["promises", [Promise.resolve(42), new Promise(() => {})]],
    ["quotes in strings", [["it's", 'say "hi"', "both ' and \"", "back`tick", "nl\nline"]]],
    ["property names that need quotes", [{ "needs-quotes": 1, valid_id: 2, "1a": 3 }]],
    ["a multi-line string inside", [{ text: "line1\nline2" }]],
    ["empty things", [[{}, [], new Map(), new Set(), ""]]],
  ];
}

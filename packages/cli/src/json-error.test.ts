import { describe, expect, it } from "vitest";
import { locateJsonError } from "./json-error.ts";

describe("locateJsonError", () => {
  it("finds nothing in valid JSON, whatever JSON.parse accepts", () => {
    for (const text of [
      '{"a": [1, -2.5e3, true, null, "x\\n\\u00e9"]}',
      "[]",
      " 0 ",
      '"s"',
      '\ufeff{"bom":1}',
    ]) {
      expect(locateJsonError(text), text).toBeUndefined();
    }
  });

  it.each([
    ['{\n  "a": 1\n  "b": 2\n}', 3, 3, "expected ',' or '}' after a property value, found '\"'"],
    ['{"a": 1,}', 1, 9, "trailing comma before '}'"],
    ["[1, 2,]", 1, 7, "trailing comma before ']'"],
    ["{a: 1}", 1, 2, "expected a property name in double quotes, found 'a'"],
    ['{"a" 1}', 1, 6, "expected ':' after the property name, found '1'"],
    ['{"a": tru}', 1, 7, "unexpected 't'"],
    ['{"a": "x', 1, 7, "unterminated string"],
    ['{"a": 1', 1, 8, "expected ',' or '}' after a property value, found end of file"],
    ["", 1, 1, "unexpected end of file, expected a value"],
    ["{} x", 1, 4, "unexpected 'x' after the end of the JSON value"],
    ['{"a": "\\q"}', 1, 8, "bad escape \\q"],
    ["{'a': 1}", 1, 2, "expected a property name in double quotes, found '''"],
    ['{"a": "tab\there"}', 1, 11, "line break or control character inside a string"],
  ])("%j → %i:%i %s", (text, line, column, message) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(locateJsonError(text)).toEqual({ line, column, message });
  });
});

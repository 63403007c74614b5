import { describe, expect, it } from "vitest";
import { formatError, HandlerNotFoundError, intoError, toFormatted } from "./errors.ts";

describe("formatError (the body posted to /error)", () => {
  it("takes errorType from the name, the stack split in lines", () => {
    const error = new HandlerNotFoundError("index.nope is undefined or not exported");
    const body = formatError(error);
    expect(body.errorType).toBe("Runtime.HandlerNotFound");
    expect(body.errorMessage).toBe("index.nope is undefined or not exported");
    expect(body.stackTrace[0]).toBe("Runtime.HandlerNotFound: index.nope is undefined or not exported");
  });

  it("describes a non-error by its JavaScript type", () => {
    expect(formatError("boom")).toEqual({ errorType: "string", errorMessage: "boom", stackTrace: [] });
    expect(formatError(42)).toEqual({ errorType: "number", errorMessage: "42", stackTrace: [] });
  });

  it("escapes DEL, which may not travel in the error trailer", () => {
    const error = new Error("a\x7Fb");
    expect(formatError(error).errorMessage).toBe("a%7Fb");
  });
});

describe("toFormatted (the JSON after `Invoke Error` in a text log line)", () => {
  it("starts with a tab and carries the error's own properties", () => {
    const error = Object.assign(new Error("boom"), { statusCode: 503 });
    const text = toFormatted(error);
    expect(text.startsWith("\t{")).toBe(true);
    const parsed = JSON.parse(text.slice(1));
    expect(parsed).toMatchObject({ errorType: "Error", errorMessage: "boom", statusCode: 503 });
    expect(parsed.stack[0]).toBe("Error: boom");
  });

  it("intoError wraps a thrown non-error", () => {
    expect(intoError("plain").message).toBe("plain");
  });
});

import { describe, expect, it } from "vitest";
import { InvokeApiError, type InvokeApiErrorName } from "./errors.ts";
import { MAX_CLIENT_CONTEXT_BYTES } from "./limits.ts";
import {
  decodeClientContext,
  HandlerStringError,
  isValidFunctionName,
  parseFunctionName,
  parseHandler,
  parseInvocationType,
  parseLogType,
} from "./names.ts";

/** Runs `fn`, expecting an InvokeApiError of `type`; returns it for further checks. */
function invokeError(fn: () => unknown, type: InvokeApiErrorName, status: number): InvokeApiError {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(InvokeApiError);
  const error = caught as InvokeApiError;
  expect(error.errorType).toBe(type);
  expect(error.status).toBe(status);
  return error;
}

const ARN = "arn:aws:lambda:us-east-1:123456789012:function:hello";

describe("parseFunctionName", () => {
  it("takes a plain name, with no qualifier at all", () => {
    const ref = parseFunctionName("hello");
    expect(ref).toStrictEqual({ name: "hello" });
    expect("qualifier" in ref).toBe(false);
  });

  it("takes name:qualifier", () => {
    expect(parseFunctionName("hello:prod")).toStrictEqual({ name: "hello", qualifier: "prod" });
    expect(parseFunctionName("hello:$LATEST")).toStrictEqual({ name: "hello", qualifier: "$LATEST" });
    expect(parseFunctionName("hello:12")).toStrictEqual({ name: "hello", qualifier: "12" });
  });

  it("decodes a percent-encoded colon, in either case", () => {
    expect(parseFunctionName("hello%3Aprod")).toStrictEqual({ name: "hello", qualifier: "prod" });
    expect(parseFunctionName("hello%3aprod")).toStrictEqual({ name: "hello", qualifier: "prod" });
    expect(parseFunctionName("hello%3A%24LATEST")).toStrictEqual({ name: "hello", qualifier: "$LATEST" });
  });

  it("takes a full ARN and reports its region and account", () => {
    expect(parseFunctionName(ARN)).toStrictEqual({
      name: "hello",
      region: "us-east-1",
      accountId: "123456789012",
    });
  });

  it("takes a full ARN as the SDK sends it, percent-encoded", () => {
    expect(parseFunctionName(encodeURIComponent(ARN))).toStrictEqual({
      name: "hello",
      region: "us-east-1",
      accountId: "123456789012",
    });
  });

  it("takes a full ARN with a qualifier", () => {
    expect(parseFunctionName(`${ARN}:prod`)).toStrictEqual({
      name: "hello",
      qualifier: "prod",
      region: "us-east-1",
      accountId: "123456789012",
    });
    expect(parseFunctionName(encodeURIComponent(`${ARN}:$LATEST`))).toMatchObject({
      name: "hello",
      qualifier: "$LATEST",
    });
  });

  it("takes ARNs of other partitions", () => {
    expect(parseFunctionName("arn:aws-cn:lambda:cn-north-1:123456789012:function:hello")).toStrictEqual({
      name: "hello",
      region: "cn-north-1",
      accountId: "123456789012",
    });
    expect(parseFunctionName("arn:aws-us-gov:lambda:us-gov-west-1:123456789012:function:h")).toMatchObject({
      name: "h",
      region: "us-gov-west-1",
    });
  });

  it("takes a partial ARN, with or without a qualifier", () => {
    expect(parseFunctionName("123456789012:function:hello")).toStrictEqual({
      name: "hello",
      accountId: "123456789012",
    });
    expect(parseFunctionName("123456789012%3Afunction%3Ahello%3Aprod")).toStrictEqual({
      name: "hello",
      qualifier: "prod",
      accountId: "123456789012",
    });
  });

  it("takes the Qualifier query parameter when the name has none", () => {
    expect(parseFunctionName("hello", "prod")).toStrictEqual({ name: "hello", qualifier: "prod" });
    expect(parseFunctionName(ARN, "$LATEST")).toMatchObject({ name: "hello", qualifier: "$LATEST" });
  });

  it("accepts a Qualifier query parameter that agrees with the name", () => {
    expect(parseFunctionName("hello:prod", "prod")).toStrictEqual({ name: "hello", qualifier: "prod" });
    expect(parseFunctionName(`${ARN}:prod`, "prod")).toMatchObject({ name: "hello", qualifier: "prod" });
  });

  it("ignores an absent or empty Qualifier query parameter", () => {
    expect(parseFunctionName("hello", null)).toStrictEqual({ name: "hello" });
    expect(parseFunctionName("hello", "")).toStrictEqual({ name: "hello" });
    expect(parseFunctionName("hello:prod", null)).toStrictEqual({ name: "hello", qualifier: "prod" });
    expect(parseFunctionName("hello:prod", "")).toStrictEqual({ name: "hello", qualifier: "prod" });
  });

  it("rejects a Qualifier query parameter that disagrees with the name (400)", () => {
    const error = invokeError(
      () => parseFunctionName("hello:prod", "dev"),
      "InvalidParameterValueException",
      400,
    );
    expect(error.message).toBe(
      "The derived qualifier from the function name does not match the specified qualifier.",
    );
    invokeError(() => parseFunctionName(`${ARN}:1`, "2"), "InvalidParameterValueException", 400);
    invokeError(() => parseFunctionName("hello%3Aprod", "$LATEST"), "InvalidParameterValueException", 400);
  });

  it("accepts a 64-character name and rejects a 65-character one", () => {
    const name64 = `f${"x".repeat(63)}`;
    expect(parseFunctionName(name64)).toStrictEqual({ name: name64 });
    const name65 = `${name64}y`;
    const error = invokeError(() => parseFunctionName(name65), "ValidationException", 400);
    expect(error.message).toContain(`'${name65}'`);
    expect(error.message).toContain("length between 1 and 64");
  });

  it("rejects an empty name", () => {
    invokeError(() => parseFunctionName(""), "ValidationException", 400);
    invokeError(() => parseFunctionName(":prod"), "ValidationException", 400);
  });

  it("rejects names outside letters, digits, - and _", () => {
    for (const raw of ["héllo", "函数", "hello world", "my.fn", "a%2Fb", "a/b", "a%00b", "😀"]) {
      const error = invokeError(() => parseFunctionName(raw), "ValidationException", 400);
      expect(error.message).toContain("'");
    }
    expect(parseFunctionName("My_Func-2")).toStrictEqual({ name: "My_Func-2" });
  });

  it("rejects a:b:c, naming the value", () => {
    const error = invokeError(() => parseFunctionName("a:b:c"), "ValidationException", 400);
    expect(error.message).toContain("Value 'a:b:c' at 'functionName'");
    invokeError(() => parseFunctionName("a%3Ab%3Ac"), "ValidationException", 400);
  });

  it("rejects an ARN with too many parts or a short account id", () => {
    invokeError(() => parseFunctionName(`${ARN}:prod:extra`), "ValidationException", 400);
    invokeError(
      () => parseFunctionName("arn:aws:lambda:us-east-1:123:function:hello"),
      "ValidationException",
      400,
    );
    invokeError(
      () => parseFunctionName("arn:aws:lambda:us-east-1:123456789012:function:héllo"),
      "ValidationException",
      400,
    );
  });

  it("rejects malformed percent-encoding, naming the raw value", () => {
    for (const raw of ["%E0%A4%A", "hello%", "hello%zz", "%FF"]) {
      const error = invokeError(() => parseFunctionName(raw), "ValidationException", 400);
      expect(error.message).toContain(raw);
    }
  });

  it("rejects an empty or malformed qualifier, from the name or the query", () => {
    invokeError(() => parseFunctionName("hello:"), "ValidationException", 400);
    invokeError(() => parseFunctionName("hello:bad!"), "ValidationException", 400);
    invokeError(() => parseFunctionName("hello:$latest"), "ValidationException", 400);
    const error = invokeError(() => parseFunctionName("hello", "a b"), "ValidationException", 400);
    expect(error.message).toContain("'a b' at 'qualifier'");
    invokeError(() => parseFunctionName("hello", "q".repeat(129)), "ValidationException", 400);
    expect(parseFunctionName("hello", "q".repeat(128))).toMatchObject({ qualifier: "q".repeat(128) });
  });
});

describe("isValidFunctionName", () => {
  it("follows Lambda's name rules", () => {
    expect(isValidFunctionName("hello-node_2")).toBe(true);
    expect(isValidFunctionName("x".repeat(64))).toBe(true);
    expect(isValidFunctionName("x".repeat(65))).toBe(false);
    expect(isValidFunctionName("")).toBe(false);
    expect(isValidFunctionName("a:b")).toBe(false);
    expect(isValidFunctionName("a.b")).toBe(false);
    expect(isValidFunctionName("héllo")).toBe(false);
  });
});

describe("parseHandler", () => {
  it("splits index.handler", () => {
    expect(parseHandler("index.handler")).toEqual({ module: "index", exportPath: "handler" });
  });

  it("keeps the folders of the module", () => {
    expect(parseHandler("src/api/h.main")).toEqual({ module: "src/api/h", exportPath: "main" });
    expect(parseHandler("./index.handler")).toEqual({ module: "./index", exportPath: "handler" });
  });

  it("splits at the first dot of the file name, like AWS's Node runtime", () => {
    expect(parseHandler("file.a.b")).toEqual({ module: "file", exportPath: "a.b" });
    // Dots in folder names are not where the split happens.
    expect(parseHandler("v1.2/app.handler")).toEqual({ module: "v1.2/app", exportPath: "handler" });
  });

  it("rejects a path climbing out of the task root", () => {
    for (const handler of ["../index.handler", "src/../../x.handler", "a/../b.h"]) {
      expect(() => parseHandler(handler)).toThrow(HandlerStringError);
      expect(() => parseHandler(handler)).toThrow(`got "${handler}"`);
    }
    expect(() => parseHandler("..")).toThrow(HandlerStringError);
  });

  it("rejects an absolute path", () => {
    expect(() => parseHandler("/var/task/index.handler")).toThrow(HandlerStringError);
    expect(() => parseHandler("/index.handler")).toThrow(/no absolute path/);
  });

  it("rejects an empty folder segment", () => {
    expect(() => parseHandler("src//index.handler")).toThrow(HandlerStringError);
  });

  it("rejects an empty or blank handler", () => {
    expect(() => parseHandler("")).toThrow(HandlerStringError);
    expect(() => parseHandler("   ")).toThrow(HandlerStringError);
  });

  it("rejects a handler without a dot, with a trailing dot, or with nothing before the dot", () => {
    for (const handler of [
      "index",
      "src/index",
      "index.",
      "src/api/h.",
      ".handler",
      "src/.handler",
      "src.x/",
    ]) {
      let caught: unknown;
      try {
        parseHandler(handler);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(HandlerStringError);
      expect((caught as Error).name).toBe("HandlerStringError");
      expect((caught as Error).message).toBe(
        `handler must look like "file.export" (e.g. "index.handler"), got "${handler}"`,
      );
    }
  });
});

describe("parseInvocationType", () => {
  it("defaults to RequestResponse when absent or empty", () => {
    expect(parseInvocationType(null)).toBe("RequestResponse");
    expect(parseInvocationType("")).toBe("RequestResponse");
  });

  it("takes each valid value", () => {
    expect(parseInvocationType("RequestResponse")).toBe("RequestResponse");
    expect(parseInvocationType("Event")).toBe("Event");
    expect(parseInvocationType("DryRun")).toBe("DryRun");
  });

  it("rejects anything else with a ValidationException listing the allowed values", () => {
    for (const value of ["Async", "Sync", " Event", "Event,DryRun"]) {
      const error = invokeError(() => parseInvocationType(value), "ValidationException", 400);
      expect(error.message).toContain(`Value '${value}' at 'invocationType'`);
      expect(error.message).toContain("[Event, RequestResponse, DryRun]");
    }
  });
});

describe("parseLogType", () => {
  it("defaults to None when absent or empty", () => {
    expect(parseLogType(null)).toBe("None");
    expect(parseLogType("")).toBe("None");
  });

  it("takes each valid value", () => {
    expect(parseLogType("None")).toBe("None");
    expect(parseLogType("Tail")).toBe("Tail");
  });

  it("rejects anything else with a ValidationException listing the allowed values", () => {
    for (const value of ["Full", "tail ", "1"]) {
      const error = invokeError(() => parseLogType(value), "ValidationException", 400);
      expect(error.message).toContain(`Value '${value}' at 'logType'`);
      expect(error.message).toContain("[None, Tail]");
    }
  });
});

describe("decodeClientContext", () => {
  // Base64 of UTF-8 text, built without the module under test.
  const base64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));

  it("decodes base64 JSON to the JSON text", () => {
    const json = '{"custom":{"foo":"bar"},"env":{"locale":"en-US"}}';
    expect(decodeClientContext(base64(json))).toBe(json);
  });

  it("keeps non-ASCII text intact (UTF-8, not Latin-1)", () => {
    const json = '{"custom":{"greeting":"héllo ✓ 函数 😀"}}';
    expect(decodeClientContext(base64(json))).toBe(json);
  });

  it("accepts base64 without padding", () => {
    const json = '{"a":1}';
    expect(base64(json).endsWith("=")).toBe(true);
    expect(decodeClientContext(base64(json).replace(/=+$/, ""))).toBe(json);
  });

  it("rejects malformed base64", () => {
    for (const value of ["not base64!!", "eyJhI", "é", "eyJhIjoxfQ==="]) {
      const error = invokeError(() => decodeClientContext(value), "InvalidRequestContentException", 400);
      expect(error.message).toContain("base64");
    }
  });

  it("rejects base64 that is not JSON", () => {
    for (const text of ["hello", "{custom:1}", '{"a":', ""]) {
      const error = invokeError(
        () => decodeClientContext(base64(text)),
        "InvalidRequestContentException",
        400,
      );
      expect(error.message).toContain("JSON");
    }
  });

  it("rejects bytes that are not UTF-8", () => {
    // `{"a":"<0xff 0xfe>"}`: valid base64, invalid UTF-8.
    const bytes = [0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d];
    invokeError(
      () => decodeClientContext(btoa(String.fromCharCode(...bytes))),
      "InvalidRequestContentException",
      400,
    );
  });

  it("accepts exactly 3,583 characters of base64 and rejects one more", () => {
    // 2,687 bytes of JSON encode to 3,583 base64 characters once the padding is dropped.
    const json = `{"custom":{"pad":"${"x".repeat(2687 - 21)}"}}`;
    expect(new TextEncoder().encode(json).length).toBe(2687);
    const padded = base64(json);
    expect(padded).toHaveLength(MAX_CLIENT_CONTEXT_BYTES + 1);
    const unpadded = padded.replace(/=+$/, "");
    expect(unpadded).toHaveLength(MAX_CLIENT_CONTEXT_BYTES);
    expect(decodeClientContext(unpadded)).toBe(json);
    const error = invokeError(() => decodeClientContext(padded), "ValidationException", 400);
    expect(error.message).toContain(`got ${MAX_CLIENT_CONTEXT_BYTES + 1}`);
  });
});

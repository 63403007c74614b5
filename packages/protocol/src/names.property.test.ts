// Property tests (fast-check) for what callers name: function names, qualifiers and ARNs in every
// form the Invoke API takes them, the routes that carry them, handler strings and client context.
// The example tests beside them (names.test.ts, routes.test.ts) pin AWS's exact messages; these
// check that no input, however odd, gets anything but a documented answer.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { InvokeApiError } from "./errors.ts";
import { functionArn } from "./ids.ts";
import { MAX_CLIENT_CONTEXT_BYTES } from "./limits.ts";
import { decodeClientContext, HandlerStringError, parseFunctionName, parseHandler } from "./names.ts";
import { invokeRoutes, matchInvokeRoute, matchRuntimeRoute, runtimeRoutes } from "./routes.ts";

const NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-";
const nameArb = fc.string({ unit: fc.constantFrom(...NAME_CHARS), minLength: 1, maxLength: 64 });
const qualifierArb = fc.oneof(
  fc.constant("$LATEST"),
  fc.string({ unit: fc.constantFrom(...NAME_CHARS), minLength: 1, maxLength: 128 }),
);
const regionArb = fc.constantFrom("us-east-1", "eu-west-3", "ap-southeast-2", "cn-north-1", "us-gov-west-1");
const partitionArb = fc.constantFrom("aws", "aws-cn", "aws-us-gov");
const accountArb = fc.stringMatching(/^\d{12}$/);
// Strings that stress the parser: ARN-looking pieces, separators, escapes and any unicode.
const oddStringArb = fc.oneof(
  fc.string({ unit: "grapheme", maxLength: 80 }),
  fc
    .array(
      fc.constantFrom(
        "arn",
        "aws",
        "lambda",
        "function",
        ":",
        "%",
        "%3A",
        "%zz",
        "$LATEST",
        "123456789012",
        "a",
        "é",
        "",
      ),
      {
        maxLength: 12,
      },
    )
    .map((parts) => parts.join("")),
);

/** Runs `fn`; returns its value, or the InvokeApiError it threw (any other throw fails the test). */
function outcome<T>(fn: () => T): T | InvokeApiError {
  try {
    return fn();
  } catch (error) {
    if (error instanceof InvokeApiError) return error;
    throw error;
  }
}

describe("parseFunctionName (properties)", () => {
  it("reads every form of a valid reference back to its parts, encoded or not", () => {
    fc.assert(
      fc.property(
        nameArb,
        fc.option(qualifierArb, { nil: undefined }),
        partitionArb,
        regionArb,
        accountArb,
        fc.constantFrom("name", "full-arn", "partial-arn"),
        fc.boolean(),
        (name, qualifier, partition, region, accountId, form, encode) => {
          const q = qualifier === undefined ? "" : `:${qualifier}`;
          let raw: string;
          let expected: Record<string, string>;
          if (form === "name") {
            raw = `${name}${q}`;
            expected = { name };
          } else if (form === "full-arn") {
            raw = `arn:${partition}:lambda:${region}:${accountId}:function:${name}${q}`;
            expected = { name, region, accountId };
          } else {
            raw = `${accountId}:function:${name}${q}`;
            expected = { name, accountId };
          }
          if (qualifier !== undefined) expected.qualifier = qualifier;
          expect(parseFunctionName(encode ? encodeURIComponent(raw) : raw)).toStrictEqual(expected);
        },
      ),
    );
  });

  it("reads an ARN built by functionArn back to its parts", () => {
    fc.assert(
      fc.property(
        nameArb,
        fc.option(qualifierArb, { nil: undefined }),
        regionArb,
        accountArb,
        (name, q, region, acct) => {
          const ref = parseFunctionName(functionArn(region, acct, name, q));
          expect(ref).toStrictEqual({
            name,
            region,
            accountId: acct,
            ...(q === undefined ? {} : { qualifier: q }),
          });
        },
      ),
    );
  });

  it("answers any input with a valid reference or a 400, never anything else", () => {
    fc.assert(
      fc.property(oddStringArb, fc.option(oddStringArb, { nil: null }), (raw, query) => {
        const result = outcome(() => parseFunctionName(raw, query));
        if (result instanceof InvokeApiError) {
          expect(result.status).toBe(400);
          expect(["ValidationException", "InvalidParameterValueException"]).toContain(result.errorType);
          expect(result.message.length).toBeGreaterThan(0);
          return;
        }
        expect(result.name).toMatch(/^[a-zA-Z0-9_-]{1,64}$/);
        if (result.qualifier !== undefined)
          expect(result.qualifier).toMatch(/^(\$LATEST|[a-zA-Z0-9_-]{1,128})$/);
        else expect("qualifier" in result).toBe(false);
      }),
    );
  });

  it("takes the query's qualifier when it agrees and refuses it when it does not", () => {
    fc.assert(
      fc.property(
        nameArb,
        fc.option(qualifierArb, { nil: undefined }),
        qualifierArb,
        (name, inName, inQuery) => {
          const raw = inName === undefined ? name : `${name}:${inName}`;
          const result = outcome(() => parseFunctionName(raw, inQuery));
          if (inName !== undefined && inName !== inQuery) {
            expect(result).toBeInstanceOf(InvokeApiError);
            expect((result as InvokeApiError).errorType).toBe("InvalidParameterValueException");
          } else {
            expect(result).toStrictEqual({ name, qualifier: inQuery });
          }
        },
      ),
    );
  });
});

describe("routes (properties)", () => {
  it("carry any function reference through the Invoke API path and back", () => {
    fc.assert(
      fc.property(
        nameArb,
        fc.option(qualifierArb, { nil: undefined }),
        regionArb,
        accountArb,
        (name, q, region, acct) => {
          const arn = functionArn(region, acct, name, q);
          for (const [path, kind] of [
            [invokeRoutes.invoke(arn), "invoke"],
            [invokeRoutes.invokeWithResponseStream(arn), "invoke-stream"],
          ] as const) {
            const method = "POST";
            const route = matchInvokeRoute(method, path);
            expect(route?.kind).toBe(kind);
            const parsed = parseFunctionName((route as { functionName: string }).functionName);
            expect(parsed).toMatchObject({ name, region, accountId: acct });
          }
          const get = matchInvokeRoute("GET", invokeRoutes.getFunctionConfiguration(`${name}`));
          expect(get).toStrictEqual({ kind: "get-function-configuration", functionName: name });
        },
      ),
    );
  });

  it("carry any request id through the Runtime API path and back, once percent-encoded", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme", minLength: 1, maxLength: 60 }), (id) => {
        const encoded = encodeURIComponent(id);
        expect(matchRuntimeRoute("POST", runtimeRoutes.response(encoded))).toStrictEqual({
          kind: "response",
          requestId: id,
        });
        expect(matchRuntimeRoute("POST", runtimeRoutes.error(encoded))).toStrictEqual({
          kind: "error",
          requestId: id,
        });
        expect(matchRuntimeRoute("GET", runtimeRoutes.response(encoded))).toBeUndefined();
      }),
    );
  });

  it("never throw on any path, and match only paths they know", () => {
    const pathArb = fc.oneof(
      fc.webPath(),
      fc
        .array(
          fc.constantFrom(
            "/2015-03-31",
            "/2021-11-15",
            "/2018-06-01",
            "/functions",
            "/runtime",
            "/invocation",
            "/",
            "%",
            "%zz",
            "x",
            "/next",
            "/response",
            "/configuration",
            "/invocations",
          ),
          { maxLength: 8 },
        )
        .map((parts) => parts.join("")),
    );
    fc.assert(
      fc.property(fc.constantFrom("GET", "POST", "PUT", "DELETE"), pathArb, (method, path) => {
        const invoke = matchInvokeRoute(method, path);
        if (invoke)
          expect(path.startsWith("/2015-03-31/functions") || path.startsWith("/2021-11-15/functions/")).toBe(
            true,
          );
        const runtime = matchRuntimeRoute(method, path);
        if (runtime) expect(path.startsWith("/2018-06-01/runtime/")).toBe(true);
      }),
    );
  });
});

describe("parseHandler (properties)", () => {
  it("splits any handler it accepts so that module.export gives it back, inside the task root", () => {
    const segment = fc.string({ unit: fc.constantFrom(..."ab.-_/"), maxLength: 12 });
    fc.assert(
      fc.property(fc.oneof(segment, fc.string({ unit: "grapheme", maxLength: 30 })), (handler) => {
        let ref: ReturnType<typeof parseHandler>;
        try {
          ref = parseHandler(handler);
        } catch (error) {
          expect(error).toBeInstanceOf(HandlerStringError);
          return;
        }
        expect(`${ref.module}.${ref.exportPath}`).toBe(handler);
        expect(ref.module.startsWith("/")).toBe(false);
        expect(ref.module.split("/")).not.toContain("..");
        expect(ref.exportPath.length).toBeGreaterThan(0);
        expect(ref.module.slice(ref.module.lastIndexOf("/") + 1)).not.toContain(".");
      }),
    );
  });
});

describe("decodeClientContext (properties)", () => {
  const toBase64 = (text: string) => btoa(String.fromCharCode(...new TextEncoder().encode(text)));

  it("gives back the JSON text of any client context that fits the limit", () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 3 }), (value) => {
        const text = JSON.stringify({ custom: value });
        const encoded = toBase64(text);
        const result = outcome(() => decodeClientContext(encoded));
        if (encoded.length > MAX_CLIENT_CONTEXT_BYTES) {
          expect((result as InvokeApiError).errorType).toBe("ValidationException");
        } else {
          expect(result).toBe(text);
        }
      }),
    );
  });

  it("answers any header value with JSON text or a 400", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 64 }), fc.base64String({ maxLength: 64 })), (value) => {
        const result = outcome(() => decodeClientContext(value));
        if (result instanceof InvokeApiError) expect(result.status).toBe(400);
        else expect(() => JSON.parse(result)).not.toThrow();
      }),
    );
  });
});

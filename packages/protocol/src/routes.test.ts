import { describe, expect, it } from "vitest";
import {
  INVOKE_API_VERSION,
  invokeRoutes,
  matchInvokeRoute,
  matchRuntimeRoute,
  RUNTIME_API_VERSION,
  runtimeRoutes,
  STREAMING_INVOKE_API_VERSION,
} from "./routes.ts";

const ID = "8f507cfc-1b2c-4697-b07a-ac58fc914c95";
const METHODS = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"];

describe("API versions", () => {
  it("are the dates in AWS's paths", () => {
    expect(RUNTIME_API_VERSION).toBe("2018-06-01");
    expect(INVOKE_API_VERSION).toBe("2015-03-31");
    expect(STREAMING_INVOKE_API_VERSION).toBe("2021-11-15");
  });
});

describe("runtimeRoutes", () => {
  it("builds the Runtime API paths", () => {
    expect(runtimeRoutes.next).toBe("/2018-06-01/runtime/invocation/next");
    expect(runtimeRoutes.response(ID)).toBe(`/2018-06-01/runtime/invocation/${ID}/response`);
    expect(runtimeRoutes.error(ID)).toBe(`/2018-06-01/runtime/invocation/${ID}/error`);
    expect(runtimeRoutes.initError).toBe("/2018-06-01/runtime/init/error");
  });
});

describe("matchRuntimeRoute", () => {
  it("matches GET next", () => {
    expect(matchRuntimeRoute("GET", "/2018-06-01/runtime/invocation/next")).toEqual({ kind: "next" });
  });

  it("matches POST response and error with the request id", () => {
    expect(matchRuntimeRoute("POST", `/2018-06-01/runtime/invocation/${ID}/response`)).toEqual({
      kind: "response",
      requestId: ID,
    });
    expect(matchRuntimeRoute("POST", `/2018-06-01/runtime/invocation/${ID}/error`)).toEqual({
      kind: "error",
      requestId: ID,
    });
  });

  it("matches POST init/error", () => {
    expect(matchRuntimeRoute("POST", "/2018-06-01/runtime/init/error")).toEqual({ kind: "init-error" });
  });

  it("round-trips the paths runtimeRoutes builds", () => {
    expect(matchRuntimeRoute("GET", runtimeRoutes.next)).toEqual({ kind: "next" });
    expect(matchRuntimeRoute("POST", runtimeRoutes.response(ID))).toEqual({
      kind: "response",
      requestId: ID,
    });
    expect(matchRuntimeRoute("POST", runtimeRoutes.error(ID))).toEqual({ kind: "error", requestId: ID });
    expect(matchRuntimeRoute("POST", runtimeRoutes.initError)).toEqual({ kind: "init-error" });
  });

  it("decodes a percent-encoded request id", () => {
    expect(matchRuntimeRoute("POST", "/2018-06-01/runtime/invocation/a%20b%3Ac/response")).toEqual({
      kind: "response",
      requestId: "a b:c",
    });
    expect(matchRuntimeRoute("POST", "/2018-06-01/runtime/invocation/%E2%9C%93/error")).toEqual({
      kind: "error",
      requestId: "✓",
    });
  });

  it("keeps a malformed percent-encoded request id as sent instead of throwing", () => {
    // The Runtime API then answers it like any unknown id (400 InvalidRequestID), not with a crash.
    for (const id of ["%E0%A4%A", "abc%", "%zz"]) {
      expect(matchRuntimeRoute("POST", `/2018-06-01/runtime/invocation/${id}/response`)).toEqual({
        kind: "response",
        requestId: id,
      });
      expect(matchRuntimeRoute("POST", `/2018-06-01/runtime/invocation/${id}/error`)).toEqual({
        kind: "error",
        requestId: id,
      });
    }
  });

  it("rejects every other method on each route", () => {
    for (const method of METHODS) {
      if (method !== "GET") expect(matchRuntimeRoute(method, runtimeRoutes.next)).toBeUndefined();
      if (method === "POST") continue;
      expect(matchRuntimeRoute(method, runtimeRoutes.response(ID))).toBeUndefined();
      expect(matchRuntimeRoute(method, runtimeRoutes.error(ID))).toBeUndefined();
      expect(matchRuntimeRoute(method, runtimeRoutes.initError)).toBeUndefined();
    }
  });

  it("does not match trailing slashes", () => {
    expect(matchRuntimeRoute("GET", `${runtimeRoutes.next}/`)).toBeUndefined();
    expect(matchRuntimeRoute("POST", `${runtimeRoutes.response(ID)}/`)).toBeUndefined();
    expect(matchRuntimeRoute("POST", `${runtimeRoutes.error(ID)}/`)).toBeUndefined();
    expect(matchRuntimeRoute("POST", `${runtimeRoutes.initError}/`)).toBeUndefined();
  });

  it("does not match unknown or incomplete paths", () => {
    const unknown = [
      "/",
      "",
      "/2018-06-01",
      "/2018-06-01/runtime",
      "/2018-06-01/runtime/invocation",
      "/2018-06-01/runtime/invocation/",
      `/2018-06-01/runtime/invocation/${ID}`,
      `/2018-06-01/runtime/invocation/${ID}/`,
      `/2018-06-01/runtime/invocation/${ID}/result`,
      `/2018-06-01/runtime/invocation/${ID}/response/extra`,
      "/2018-06-01/runtime/invocation//response",
      "/2018-06-01/runtime/invocation/NEXT",
      "/2018-06-01/runtime/init",
      "/2018-06-01/runtime/init/errors",
      "/2019-01-01/runtime/invocation/next",
      "/runtime/invocation/next",
      `/2018-06-01/runtime/invocations/${ID}/response`,
      "/2020-01-01/extension/event/next",
      "/prefix/2018-06-01/runtime/invocation/next",
    ];
    for (const path of unknown) {
      for (const method of ["GET", "POST"]) expect(matchRuntimeRoute(method, path)).toBeUndefined();
    }
  });

  it("takes `next` as a request id only on POST response/error", () => {
    expect(matchRuntimeRoute("POST", "/2018-06-01/runtime/invocation/next/response")).toEqual({
      kind: "response",
      requestId: "next",
    });
    expect(matchRuntimeRoute("POST", "/2018-06-01/runtime/invocation/next")).toBeUndefined();
  });
});

describe("invokeRoutes", () => {
  it("builds the Invoke API paths", () => {
    expect(invokeRoutes.invoke("hello")).toBe("/2015-03-31/functions/hello/invocations");
    expect(invokeRoutes.invokeWithResponseStream("hello")).toBe(
      "/2021-11-15/functions/hello/response-streaming-invocations",
    );
    expect(invokeRoutes.listFunctions).toBe("/2015-03-31/functions");
    expect(invokeRoutes.getFunction("hello")).toBe("/2015-03-31/functions/hello");
    expect(invokeRoutes.getFunctionConfiguration("hello")).toBe("/2015-03-31/functions/hello/configuration");
  });

  it("percent-encodes the name as the SDKs do", () => {
    const arn = "arn:aws:lambda:us-east-1:123456789012:function:hello:$LATEST";
    const encoded = "arn%3Aaws%3Alambda%3Aus-east-1%3A123456789012%3Afunction%3Ahello%3A%24LATEST";
    expect(invokeRoutes.invoke("hello:prod")).toBe("/2015-03-31/functions/hello%3Aprod/invocations");
    expect(invokeRoutes.invoke(arn)).toBe(`/2015-03-31/functions/${encoded}/invocations`);
    expect(invokeRoutes.invokeWithResponseStream(arn)).toBe(
      `/2021-11-15/functions/${encoded}/response-streaming-invocations`,
    );
    expect(invokeRoutes.getFunction(arn)).toBe(`/2015-03-31/functions/${encoded}`);
    expect(invokeRoutes.getFunctionConfiguration(arn)).toBe(`/2015-03-31/functions/${encoded}/configuration`);
    // A slash or a space can never split or break the path.
    expect(invokeRoutes.invoke("a/b c")).toBe("/2015-03-31/functions/a%2Fb%20c/invocations");
  });
});

describe("matchInvokeRoute", () => {
  it("matches POST Invoke, keeping the name encoded", () => {
    expect(matchInvokeRoute("POST", "/2015-03-31/functions/hello/invocations")).toEqual({
      kind: "invoke",
      functionName: "hello",
    });
    expect(matchInvokeRoute("POST", "/2015-03-31/functions/hello%3Aprod/invocations")).toEqual({
      kind: "invoke",
      functionName: "hello%3Aprod",
    });
  });

  it("matches POST InvokeWithResponseStream", () => {
    expect(matchInvokeRoute("POST", "/2021-11-15/functions/hello/response-streaming-invocations")).toEqual({
      kind: "invoke-stream",
      functionName: "hello",
    });
  });

  it("matches GET ListFunctions with or without the trailing slash the SDK model uses", () => {
    expect(matchInvokeRoute("GET", "/2015-03-31/functions")).toEqual({ kind: "list-functions" });
    expect(matchInvokeRoute("GET", "/2015-03-31/functions/")).toEqual({ kind: "list-functions" });
  });

  it("matches GET GetFunction, with or without a trailing slash", () => {
    expect(matchInvokeRoute("GET", "/2015-03-31/functions/hello")).toEqual({
      kind: "get-function",
      functionName: "hello",
    });
    expect(matchInvokeRoute("GET", "/2015-03-31/functions/hello/")).toEqual({
      kind: "get-function",
      functionName: "hello",
    });
  });

  it("matches GET GetFunctionConfiguration", () => {
    expect(matchInvokeRoute("GET", "/2015-03-31/functions/hello/configuration")).toEqual({
      kind: "get-function-configuration",
      functionName: "hello",
    });
  });

  it("round-trips every name the builders encode", () => {
    const names = [
      "hello",
      "hello:prod",
      "arn:aws:lambda:us-east-1:123456789012:function:hello:$LATEST",
      "a/b c",
    ];
    for (const name of names) {
      const encoded = encodeURIComponent(name);
      expect(matchInvokeRoute("POST", invokeRoutes.invoke(name))).toEqual({
        kind: "invoke",
        functionName: encoded,
      });
      expect(matchInvokeRoute("POST", invokeRoutes.invokeWithResponseStream(name))).toEqual({
        kind: "invoke-stream",
        functionName: encoded,
      });
      expect(matchInvokeRoute("GET", invokeRoutes.getFunction(name))).toEqual({
        kind: "get-function",
        functionName: encoded,
      });
      expect(matchInvokeRoute("GET", invokeRoutes.getFunctionConfiguration(name))).toEqual({
        kind: "get-function-configuration",
        functionName: encoded,
      });
      expect(decodeURIComponent(encoded)).toBe(name);
    }
    expect(matchInvokeRoute("GET", invokeRoutes.listFunctions)).toEqual({ kind: "list-functions" });
  });

  it("rejects every other method on each route", () => {
    for (const method of METHODS) {
      if (method !== "POST") {
        expect(matchInvokeRoute(method, invokeRoutes.invoke("hello"))).toBeUndefined();
        expect(matchInvokeRoute(method, invokeRoutes.invokeWithResponseStream("hello"))).toBeUndefined();
      }
      if (method !== "GET") {
        expect(matchInvokeRoute(method, invokeRoutes.listFunctions)).toBeUndefined();
        expect(matchInvokeRoute(method, `${invokeRoutes.listFunctions}/`)).toBeUndefined();
        expect(matchInvokeRoute(method, invokeRoutes.getFunction("hello"))).toBeUndefined();
        expect(matchInvokeRoute(method, invokeRoutes.getFunctionConfiguration("hello"))).toBeUndefined();
      }
    }
  });

  it("does not match trailing slashes after an action", () => {
    expect(matchInvokeRoute("POST", "/2015-03-31/functions/hello/invocations/")).toBeUndefined();
    expect(matchInvokeRoute("GET", "/2015-03-31/functions/hello/configuration/")).toBeUndefined();
    expect(
      matchInvokeRoute("POST", "/2021-11-15/functions/hello/response-streaming-invocations/"),
    ).toBeUndefined();
  });

  it("does not match an empty function name", () => {
    expect(matchInvokeRoute("POST", "/2015-03-31/functions//invocations")).toBeUndefined();
    expect(matchInvokeRoute("GET", "/2015-03-31/functions//configuration")).toBeUndefined();
    expect(matchInvokeRoute("GET", "/2015-03-31/functions//")).toBeUndefined();
    expect(matchInvokeRoute("POST", "/2021-11-15/functions//response-streaming-invocations")).toBeUndefined();
  });

  it("does not match unknown paths", () => {
    const unknown: Array<[string, string]> = [
      ["GET", "/"],
      ["GET", ""],
      ["GET", "/2015-03-31"],
      ["GET", "/2015-03-31/"],
      ["GET", "/2015-03-31/functionsX"],
      ["POST", "/2015-03-31/functionsX/hello/invocations"],
      ["POST", "/2015-03-31/functions/hello"],
      ["POST", "/2015-03-31/functions/hello/invoke"],
      ["POST", "/2015-03-31/functions/hello/invocations/extra"],
      ["GET", "/2015-03-31/functions/hello/configuration/extra"],
      ["GET", "/2015-03-31/functions/hello/policy"],
      ["GET", "/2015-03-31/functions/hello/versions"],
      ["POST", "/2014-11-13/functions/hello/invocations"],
      ["POST", "/2015-03-31/functions/hello/response-streaming-invocations"],
      ["POST", "/2021-11-15/functions/hello/invocations"],
      ["POST", "/2021-11-15/functions/hello"],
      ["POST", "/2021-11-15/functions"],
      ["POST", "/2021-11-15/functions/"],
      ["POST", "/2021-11-15/functions/hello/response-streaming-invocations/extra"],
      ["POST", "/2015-03-31/functions/hello/Invocations"],
      ["GET", "/2015-03-31/tags/arn"],
      ["POST", "/prefix/2015-03-31/functions/hello/invocations"],
    ];
    for (const [method, path] of unknown) expect(matchInvokeRoute(method, path)).toBeUndefined();
  });
});

import { describe, expect, it } from "vitest";
import { MalformedHandlerNameError } from "./errors.ts";
import { parseHandlerString } from "./handler-loader.ts";
import { parseRuntimeApi } from "./transport.ts";

describe("parseHandlerString", () => {
  it("splits folder, module and export path", () => {
    expect(parseHandlerString("index.handler")).toEqual({
      moduleRoot: "",
      moduleName: "index",
      exportPath: "handler",
    });
    expect(parseHandlerString("src/api/handler.main")).toEqual({
      moduleRoot: "src/api",
      moduleName: "handler",
      exportPath: "main",
    });
    expect(parseHandlerString("lib/app.routes.get")).toEqual({
      moduleRoot: "lib",
      moduleName: "app",
      exportPath: "routes.get",
    });
  });

  it("rejects `..` and strings without an export", () => {
    expect(() => parseHandlerString("../escape.handler")).toThrow(MalformedHandlerNameError);
    expect(() => parseHandlerString("index")).toThrow(/Bad handler 'index'/);
    expect(() => parseHandlerString("index.")).toThrow(MalformedHandlerNameError);
  });
});

describe("parseRuntimeApi", () => {
  it("reads host:port, with IPv6 in brackets", () => {
    expect(parseRuntimeApi("127.0.0.1:9001")).toEqual({ hostname: "127.0.0.1", port: 9001 });
    expect(parseRuntimeApi("[::1]:9001")).toEqual({ hostname: "::1", port: 9001 });
    expect(parseRuntimeApi("localhost:80")).toEqual({ hostname: "localhost", port: 80 });
  });

  it("names the bad value", () => {
    expect(() => parseRuntimeApi("http://127.0.0.1:9001")).toThrow(/got "http:\/\/127.0.0.1:9001"/);
  });
});

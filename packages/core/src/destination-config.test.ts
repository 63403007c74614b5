import { describe, expect, it } from "vitest";
import { ConfigError, resolveConfig } from "./config.ts";
import type { FileInfo, Platform } from "./platform.ts";

// A unit test of `destinations` validation alone: the only platform member it touches is `stat`.
const platform = {
  stat: async (path: string): Promise<FileInfo | undefined> =>
    path === "/project/fn" ? { isFile: false, isDirectory: true, mode: 0o755 } : undefined,
} as unknown as Platform;

const node = { runtime: "node", codeDir: "fn", handler: "index.handler" };
const withDestinations = (destinations: unknown) =>
  resolveConfig({ functions: { orders: { ...node, destinations }, audit: node } }, "/project", platform);
const failure = (destinations: unknown) =>
  withDestinations(destinations).then(
    () => "resolved",
    (error: Error) => (error instanceof ConfigError ? error.message : `not a ConfigError: ${error}`),
  );

describe("functions.X.destinations", () => {
  it("resolves a function (by name or ARN) and a file relative to the config", async () => {
    const config = await withDestinations({
      onSuccess: { function: "arn:aws:lambda:us-east-1:000000000000:function:audit" },
      onFailure: { file: "out/failed.jsonl" },
    });
    expect(config.functions.get("orders")!.destinations).toEqual({
      onSuccess: { kind: "function", functionName: "audit" },
      onFailure: { kind: "file", path: "/project/out/failed.jsonl" },
    });
    expect(config.functions.get("audit")!.destinations).toEqual({});
  });

  it("names the fix for an unknown destination function", async () => {
    expect(await failure({ onFailure: { function: "audti" } })).toBe(
      'functions.orders.destinations.onFailure.function names "audti", which is not a function of this config (its functions: orders, audit): add "audti" under "functions", or name one of those',
    );
  });

  it("refuses a function as its own destination, bad shapes and unknown keys", async () => {
    expect(await failure({ onSuccess: { function: "orders" } })).toMatch(
      /^functions\.orders\.destinations\.onSuccess\.function: a function cannot be its own destination/,
    );
    expect(await failure({ onSuccess: { function: "audit", file: "x.jsonl" } })).toMatch(
      /^functions\.orders\.destinations\.onSuccess must be \{ "function": .* \} or \{ "file": .* \}, got/,
    );
    expect(await failure({ onSucess: { file: "x.jsonl" } })).toBe(
      'functions.orders.destinations: unknown key "onSucess" (allowed: onSuccess, onFailure)',
    );
    expect(await failure({ onFailure: { file: "" } })).toBe(
      'functions.orders.destinations.onFailure.file must be a non-empty string, got ""',
    );
    expect(await failure("failed.jsonl")).toMatch(/^functions\.orders\.destinations must be an object like/);
    expect(await failure({ onFailure: { function: "audit:live" } })).toBe(
      'functions.orders.destinations.onFailure.function: lambkin runs every function as $LATEST; name it without the qualifier ":live"',
    );
  });
});

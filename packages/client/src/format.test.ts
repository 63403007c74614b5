import { execFileSync } from "node:child_process";
import path from "node:path";
import { format, inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { formatCorpus } from "./_format-corpus.ts";
import { FIXTURES, REPO_ROOT } from "./_test-runtime-api.ts";
import { createFormat } from "./format.ts";

const expected = () => formatCorpus().map(([label, args]) => [label, format(...args)]);

describe("createFormat (util.format over any inspect)", () => {
  it("gives util.format's text when given util.inspect", () => {
    const mine = createFormat(inspect);
    expect(formatCorpus().map(([label, args]) => [label, mine(...args)])).toEqual(expected());
  });

  it("gives Node's text on Deno, over Deno.inspect with Node's defaults", () => {
    const out = execFileSync(
      path.join(REPO_ROOT, "node_modules/.bin/deno"),
      ["run", "-A", "--no-lock", path.join(FIXTURES, "format-on-deno.ts")],
      { encoding: "utf8", env: { ...process.env, NO_COLOR: "1", DENO_NO_UPDATE_CHECK: "1" } },
    );
    expect(JSON.parse(out)).toEqual(expected());
  }, 60_000);

  it("keeps the stack of an Error, after the text before it", () => {
    const mine = createFormat(inspect);
    const error = new Error("logged error");
    expect(mine("failed:", error)).toBe(format("failed:", error));
    expect(mine("%s", error)).toBe(format("%s", error));
  });
});

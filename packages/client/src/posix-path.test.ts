import path from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { posixFileUrl, posixPath } from "./posix-path.ts";

const CWD = "/work/cwd";
const ops = posixPath(() => CWD);

describe("posixPath (Deno's stand-in for node:path)", () => {
  it("resolves as path.posix.resolve does", () => {
    const cases: string[][] = [
      ["/task", ""],
      ["/task", "src/api"],
      ["/task/", "src//api/"],
      ["/task", "./src/./api"],
      ["/task/sub", "../other"],
      ["/task", "/abs/path"],
      ["relative/root", "x"],
      ["", ""],
      ["/", ".."],
      ["/a/b", "../../../c"],
      ["rel", "../../up"],
    ];
    for (const segments of cases) {
      expect([segments, ops.resolve(...segments)]).toEqual([segments, path.posix.resolve(CWD, ...segments)]);
    }
  });

  it("joins as path.posix.join does", () => {
    const cases: string[][] = [
      ["/task/src", "index"],
      ["/task", "noop.js"],
      ["/", "index"],
      ["a", "b/", ""],
      ["a/", "/b"],
      ["", ""],
      ["a", ".."],
      ["a/b", "../../.."],
      ["/a", "../.."],
      ["./a", "./b/"],
    ];
    for (const segments of cases) {
      expect([segments, ops.join(...segments)]).toEqual([segments, path.posix.join(...segments)]);
    }
  });

  it("finds extensions as path.posix.extname does", () => {
    for (const file of [
      "/t/index",
      "/t/index.js",
      "/t/a.b/index",
      "/t/.hidden",
      "/t/file.",
      "/t/..",
      "/t/a.test.mjs",
      "x.cts",
      "/t/.a.b",
    ]) {
      expect([file, ops.extname(file)]).toEqual([file, path.posix.extname(file)]);
    }
  });

  it("makes file URLs as url.pathToFileURL does", () => {
    for (const file of [
      "/task/index.mjs",
      "/with space/a b.js",
      "/per%cent/x.js",
      "/hash#and?query.js",
      "/ünï/cödé.js",
      "/back\\slash.js",
      "/tab\tnew\nline.js",
    ]) {
      expect([file, posixFileUrl(file)]).toEqual([file, pathToFileURL(file).href]);
    }
  });
});

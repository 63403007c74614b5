// `lambkin init` as a user runs it: in an empty folder, for each runtime and language; then what it
// made is started with `lambkin start` and called with the lines init printed (the ports swapped
// for free ones, and `npx lambkin` for this package's built bin, since the folder has no
// node_modules). It never overwrites.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { packageDir, runCli, startCli } from "./_cli-process.ts";

const bin = join(packageDir, "bin/lambkin.js");
const made: string[] = [];
const fresh = () => {
  const dir = mkdtempSync(join(tmpdir(), "lambkin-init-"));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

/** The printed line, run by sh as printed, with this run's ports. */
function runPrinted(line: string, cwd: string, invokeUrl: string, functionUrl: string) {
  const command = line
    .replace(/^npx lambkin (invoke .*)$/, `${process.execPath} ${bin} $1 --endpoint ${invokeUrl}`)
    .replaceAll("http://127.0.0.1:3000", functionUrl);
  return spawnSync("sh", ["-c", command], { cwd, encoding: "utf8", timeout: 30_000 });
}

const variants: { flags: string[]; file: string; runtime: string }[] = [
  { flags: [], file: "functions/hello/index.mjs", runtime: "node" },
  { flags: ["--typescript"], file: "functions/hello/index.ts", runtime: "node" },
  { flags: ["--runtime", "bun"], file: "functions/hello/index.js", runtime: "bun" },
  { flags: ["--runtime", "bun", "--typescript"], file: "functions/hello/index.ts", runtime: "bun" },
  { flags: ["--runtime", "deno"], file: "functions/hello/index.js", runtime: "deno" },
  { flags: ["--runtime", "deno", "--typescript"], file: "functions/hello/index.ts", runtime: "deno" },
  { flags: ["--runtime", "provided"], file: "functions/hello/bootstrap", runtime: "provided" },
];

describe("lambkin init, then start and invoke what it made", () => {
  for (const { flags, file, runtime } of variants) {
    it(`lambkin init ${flags.join(" ") || "(node, JavaScript)"}`, async () => {
      const dir = fresh();
      const init = await runCli(["init", ...flags], { cwd: dir });
      expect(init.code, init.stderr).toBe(0);
      expect(init.stdout).toContain(
        `lambkin: created lambkin.config.json, ${file} (a ${runtime} function "hello")`,
      );
      const config = JSON.parse(readFileSync(join(dir, "lambkin.config.json"), "utf8"));
      expect(config.functions.hello).toMatchObject({ runtime, codeDir: "functions/hello" });
      if (runtime === "provided") expect(statSync(join(dir, file)).mode & 0o111).not.toBe(0);

      const printed = init.stdout.split("\n").map((l) => l.trim());
      expect(printed).toContain("npx lambkin start");
      const invokeLine = printed.find((l) => l.startsWith("npx lambkin invoke "))!;
      const curlLine = printed.find((l) => l.startsWith("curl "))!;
      expect(invokeLine).toBe(`npx lambkin invoke hello --payload '{"name":"you"}'`);

      const lk = await startCli(["--port", "0", "--url-port", "0"], { cwd: dir });
      try {
        const invoked = runPrinted(invokeLine, dir, lk.url, lk.functionUrl);
        expect(invoked.status, invoked.stderr).toBe(0);
        expect(JSON.parse(invoked.stdout)).toMatchObject({ message: "Hello, you!" });
        const fetched = runPrinted(curlLine, dir, lk.url, lk.functionUrl);
        expect(fetched.status, fetched.stderr).toBe(0);
        expect(JSON.parse(fetched.stdout)).toMatchObject({ message: "Hello, you!" });
        await lk.waitFor("greeting you");
      } finally {
        const stopped = await lk.stop();
        expect(stopped.code).toBe(0);
      }
    });
  }
});

describe("lambkin init refuses", () => {
  it("to overwrite: a second init writes nothing and names what exists", async () => {
    const dir = fresh();
    expect((await runCli(["init"], { cwd: dir })).code).toBe(0);
    const before = readFileSync(join(dir, "lambkin.config.json"), "utf8");
    const again = await runCli(["init", "--runtime", "bun"], { cwd: dir });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain("lambkin: init writes nothing here: lambkin.config.json already exists");
    expect(readFileSync(join(dir, "lambkin.config.json"), "utf8")).toBe(before);
  });

  it("when only the sample's file exists, or another config file", async () => {
    const dir = fresh();
    const sample = join(dir, "functions/hello");
    spawnSync("mkdir", ["-p", sample]);
    writeFileSync(join(sample, "index.mjs"), "// mine\n");
    const r = await runCli(["init"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("functions/hello/index.mjs already exists");
    expect(readFileSync(join(sample, "index.mjs"), "utf8")).toBe("// mine\n");
    expect(() => statSync(join(dir, "lambkin.config.json"))).toThrow();

    const ts = fresh();
    writeFileSync(join(ts, "lambkin.config.ts"), "export default { functions: {} };\n");
    const withTs = await runCli(["init"], { cwd: ts });
    expect(withTs.code).toBe(1);
    expect(withTs.stderr).toContain("lambkin.config.ts already exists");
  });

  it("options that make no sense, with the usage line", async () => {
    const r = await runCli(["init", "--runtime", "provided", "--typescript"], { cwd: fresh() });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--typescript applies to node, bun and deno");
    expect(r.stderr).toContain("usage: lambkin init");
    const name = await runCli(["init", "--name", "no/slash"], { cwd: fresh() });
    expect(name.code).toBe(2);
    expect(name.stderr).toContain("--name must be 1–64 letters, digits, hyphens or underscores");
  });
});

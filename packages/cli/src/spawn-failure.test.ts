// A function whose runtime cannot start, as a user meets it: the log line says which is missing —
// the program on the PATH, the interpreter its #! line names, the code folder (deleted while
// lambkin runs) — and the fix. The CLI on each engine, so each adapter's spawn is covered.
import { chmodSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Engine, runCli, startCli, tempConfig } from "./_cli-process.ts";

const ENGINES: Engine[] = ["node", "bun", "deno"];

describe.each(ENGINES)("a runtime that cannot start, lambkin on %s", (engine) => {
  it("names the program missing from the PATH, or the missing #! interpreter", async () => {
    const { dir } = tempConfig({
      port: 0,
      urlPort: 0,
      functions: {
        nopath: { runtime: "provided", codeDir: "fn", command: ["lambkin-no-such-tool"] },
        interp: { runtime: "provided", codeDir: "fn" },
      },
    });
    const fn = join(dir, "fn");
    mkdirSync(fn);
    writeFileSync(join(fn, "bootstrap"), "#!/usr/bin/lambkin-no-such-shell\necho hi\n");
    chmodSync(join(fn, "bootstrap"), 0o755);

    const nopath = await runCli(["invoke", "nopath"], { cwd: dir, engine });
    expect(nopath.code).toBe(1);
    expect(nopath.stderr).toMatch(
      new RegExp(
        `lambkin: cannot run "lambkin-no-such-tool" in ${fn}: "lambkin-no-such-tool" is not on the PATH \\([^)]+\\): install it, or give the program's full path\\n`,
      ),
    );
    const interp = await runCli(["invoke", "interp"], { cwd: dir, engine });
    expect(interp.code).toBe(1);
    expect(interp.stderr).toContain(
      `in ${fn}: its first line "#!/usr/bin/lambkin-no-such-shell" names /usr/bin/lambkin-no-such-shell, which does not exist: install it, or change that line (e.g. #!/usr/bin/env lambkin-no-such-shell)\n`,
    );
  }, 60_000);

  it("names the code folder when it was deleted while lambkin runs", async () => {
    const { dir } = tempConfig({
      port: 0,
      urlPort: 0,
      functions: { hello: { runtime: "node", codeDir: "hello", handler: "index.handler" } },
    });
    const code = join(dir, "hello");
    mkdirSync(code);
    writeFileSync(join(code, "index.mjs"), "export const handler = async () => 'hi';\n");
    const lk = await startCli(["--no-watch"], { cwd: dir, engine });
    try {
      rmSync(code, { recursive: true });
      const r = await runCli(["invoke", "hello", "--endpoint", lk.url], { cwd: dir });
      expect(r.code).toBe(1);
      await lk.waitFor(
        `cannot run "${process.execPath}" in ${code}: the code folder ${code} does not exist: create it, or point the function's codeDir at its code`,
      );
    } finally {
      await lk.stop();
    }
  }, 60_000);

  it("a provided function whose code folder was deleted: AWS's words first, then the folder and the fix", async () => {
    const { dir } = tempConfig({
      port: 0,
      urlPort: 0,
      functions: { gone: { runtime: "provided", codeDir: "gone" } },
    });
    const code = join(dir, "gone");
    mkdirSync(code);
    writeFileSync(join(code, "bootstrap"), "#!/bin/sh\nexit 0\n");
    chmodSync(join(code, "bootstrap"), 0o755);
    // Watching, as `lambkin start` does by default: the watcher says what invokes will answer.
    // (In the sandbox too: lambkin looks for the program before anything is spawned.)
    const lk = await startCli([], { cwd: dir, engine });
    try {
      // One invoke first, as a user's would be: the watcher is watching by the time it is answered.
      expect((await runCli(["invoke", "gone", "--endpoint", lk.url], { cwd: dir })).code).toBe(1);
      rmSync(code, { recursive: true });
      await lk.waitFor(
        "Code folder gone was deleted: invokes answer Runtime.InvalidEntrypoint until it is back",
      );
      const r = await runCli(["invoke", "gone", "--endpoint", lk.url], { cwd: dir });
      expect(r.code).toBe(1);
      const why = `fork/exec ${code}/bootstrap: no such file or directory (lambkin: the code folder ${code} does not exist: create it, or point the function's codeDir at its code)`;
      expect(JSON.parse(r.stdout)).toEqual({
        errorType: "Runtime.InvalidEntrypoint",
        errorMessage: expect.stringMatching(/^RequestId: [0-9a-f-]{36} Error: /),
      });
      expect(JSON.parse(r.stdout).errorMessage.replace(/^RequestId: \S+ Error: /, "")).toBe(why);
      await lk.waitFor(`Runtime.InvalidEntrypoint: ${why}`);
    } finally {
      await lk.stop();
    }
  }, 60_000);
});

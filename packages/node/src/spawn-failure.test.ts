// A runtime program that cannot start: nodePlatform.spawn, for real, in each way it can fail, and
// the one line failedChild (core) writes: which is missing or wrong, and the fix.
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { nodePlatform } from "./platform.ts";

const root = mkdtempSync(join(tmpdir(), "lambkin-spawn-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const PATH = `${join(root, "bin")}:/usr/bin:/bin`;
mkdirSync(join(root, "bin"));
mkdirSync(join(root, "code", "sub"), { recursive: true });
const file = (path: string, text: string, mode: number) => {
  writeFileSync(join(root, path), text);
  chmodSync(join(root, path), mode);
};
file("code/not-executable", "#!/bin/sh\necho hi\n", 0o644);
file("code/missing-interpreter", "#!/usr/bin/lambkin-no-such-shell -e\necho hi\n", 0o755);
file("bin/tool-not-executable", "#!/bin/sh\n", 0o644);

/** Spawns `argv` in `cwd` and returns its exit code and the stderr line. */
async function attempt(argv: string[], cwd: string) {
  const child = nodePlatform.spawn(argv, { cwd, env: { PATH } });
  const [stderr, exited] = await Promise.all([new Response(child.stderr).text(), child.exited]);
  expect(child.pid).toBe(0);
  return { code: exited.code, stderr };
}

describe("a program that cannot start says which thing is wrong", () => {
  const code = join(root, "code");

  it("its folder is missing", async () => {
    const gone = join(root, "gone");
    expect(await attempt(["/bin/sh", "-c", "true"], gone)).toEqual({
      code: 127,
      stderr: `lambkin: cannot run "/bin/sh" in ${gone}: the code folder ${gone} does not exist: create it, or point the function's codeDir at its code\n`,
    });
  });

  it("the program file is missing", async () => {
    expect(await attempt(["./bootstrap"], code)).toEqual({
      code: 127,
      stderr: `lambkin: cannot run "./bootstrap" in ${code}: there is no file ${code}/bootstrap: add it (chmod +x), or name the program the function runs ("command")\n`,
    });
  });

  it("the program is not on the PATH", async () => {
    expect(await attempt(["lambkin-no-such-tool", "x"], code)).toEqual({
      code: 127,
      stderr: `lambkin: cannot run "lambkin-no-such-tool" in ${code}: "lambkin-no-such-tool" is not on the PATH (${PATH}): install it, or give the program's full path\n`,
    });
  });

  it("the program is not executable (by path, and found on the PATH)", async () => {
    expect(await attempt(["./not-executable"], code)).toEqual({
      code: 126,
      stderr: `lambkin: cannot run "./not-executable" in ${code}: ${code}/not-executable is not executable: chmod +x ${code}/not-executable\n`,
    });
    const tool = join(root, "bin", "tool-not-executable");
    expect(await attempt(["tool-not-executable"], code)).toEqual({
      code: 126,
      stderr: `lambkin: cannot run "tool-not-executable" in ${code}: ${tool} is not executable: chmod +x ${tool}\n`,
    });
  });

  it("the program is a folder", async () => {
    expect(await attempt(["./sub"], code)).toEqual({
      code: 126,
      stderr: `lambkin: cannot run "./sub" in ${code}: ${code}/sub is a folder, not a program\n`,
    });
  });

  it("the interpreter its #! line names is missing", async () => {
    expect(await attempt(["./missing-interpreter"], code)).toEqual({
      code: 127,
      stderr: `lambkin: cannot run "./missing-interpreter" in ${code}: its first line "#!/usr/bin/lambkin-no-such-shell -e" names /usr/bin/lambkin-no-such-shell, which does not exist: install it, or change that line (e.g. #!/usr/bin/env lambkin-no-such-shell)\n`,
    });
  });
});

// Leftover state folders: a lambkin killed together with its watchdog (both `kill -9`) leaves
// /tmp/lambkin-<pid>-<id> behind; the next lambkin's watchdog removes it — and only folders like
// it: named so, ours, holding a `groups` file, whose pid is dead. A live pid's folder, another
// user's, and anything else named lambkin-… stay.
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type LambkinCli, startLambkinCli, startLambkinCliWith } from "./lambkin-cli.ts";
import { commandLine, descendantsOf, waitUntilGone } from "./processes.ts";

const running: LambkinCli[] = [];
const made: string[] = [];
afterEach(async () => {
  for (const lk of running.splice(0)) await lk.destroy();
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const stateFolders = (pid: number) =>
  readdirSync(tmpdir())
    .filter((name) => name.startsWith(`lambkin-${pid}-`))
    .map((name) => join(tmpdir(), name));

/** A folder in the temp dir, removed after the test whatever happens. */
function folder(name: string, withGroups: boolean): string {
  const dir = join(tmpdir(), name);
  mkdirSync(dir, { recursive: true });
  if (withGroups) writeFileSync(join(dir, "groups"), "");
  made.push(dir);
  return dir;
}

async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** A lambkin (hosted on Node) and its watchdog, both killed with SIGKILL: its folder stays. */
async function leftover(): Promise<{ pid: number; dir: string }> {
  const lk = await startLambkinCli({});
  running.push(lk);
  const [dir] = stateFolders(lk.pid);
  expect(dir, "the lambkin's state folder").toBeDefined();
  const watchdog = descendantsOf(lk.pid).find((p) => commandLine(p).includes("lambkin-watchdog"));
  expect(watchdog, "the lambkin's watchdog").toBeDefined();
  process.kill(watchdog!, "SIGKILL");
  process.kill(lk.pid, "SIGKILL");
  expect(await waitUntilGone([lk.pid, watchdog!], 5000)).toEqual([]);
  // Longer than a watchdog's poll: nobody removes it now.
  await new Promise((resolve) => setTimeout(resolve, 500));
  expect(existsSync(dir!)).toBe(true);
  made.push(dir!);
  return { pid: lk.pid, dir: dir! };
}

describe("a lambkin killed with its watchdog", () => {
  for (const engine of ["node", "bun", "deno"] as const) {
    it(`leaves a folder the next lambkin removes, and only such folders (host ${engine})`, async () => {
      const dead = await leftover();
      const keep = [
        // A live pid (this test's), as a running lambkin's folder looks.
        folder(`lambkin-${process.pid}-live01`, true),
        // Named like one but not lambkin's state (no groups file), or another naming.
        folder(`lambkin-${dead.pid}-nogrps`, false),
        folder(`lambkin-${dead.pid}-a-b-c`, true),
        folder(`lambkin-cli-${dead.pid}`, true),
      ];
      if (process.getuid?.() === 0) {
        // Another user's, with a dead pid (only root can make one here).
        const theirs = folder(`lambkin-${dead.pid}-theirs`, true);
        chownSync(theirs, 65534, 65534);
        keep.push(theirs);
      }
      const dir = mkdtempSync(join(tmpdir(), "lambkin-left-"));
      made.push(dir);
      writeFileSync(join(dir, "lambkin.config.json"), '{ "functions": {} }\n');
      const next = await startLambkinCliWith(["--config", join(dir, "lambkin.config.json")], {
        cwd: dir,
        hostEngine: engine,
        readyTimeoutMs: 30_000,
      });
      running.push(next);
      expect(await until(() => !existsSync(dead.dir), 5000), `${dead.dir} removed`).toBe(true);
      expect(keep.filter((d) => !existsSync(d))).toEqual([]);
    }, 60_000);
  }
});

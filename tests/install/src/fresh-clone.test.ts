// The repository as a new contributor gets it: `git clone`, `npm ci`. The bins npm links then
// exist before any build and say in one line what to run; after `npm run build` they run.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, expect, it } from "vitest";
import { repoRoot, run } from "./shell.ts";

const work = mkdtempSync(join(tmpdir(), "lambkin-clone-"));
const clone = join(work, "lambkin");
afterAll(() => rmSync(work, { recursive: true, force: true }));

it("a fresh clone: npm ci links the bins, which ask for a build, then run after npm run build", async () => {
  const cloned = await run(`git clone --quiet ${repoRoot} ${clone}`, { cwd: work });
  expect(cloned.status, cloned.stderr).toBe(0);
  const ci = await run("npm ci --no-audit --no-fund", { cwd: clone, timeoutMs: 420_000 });
  expect(ci.status, `${ci.stdout}\n${ci.stderr}`).toBe(0);

  // --no: the bin must come from the clone's node_modules, never from the registry.
  const before = await run("npx --no -- lambkin --version", { cwd: clone });
  expect(before.status).toBe(1);
  expect(before.stdout).toBe("");
  expect(before.stderr).toBe(
    "lambkin: not built yet (no packages/cli/dist/cli.js): run `npm run build` first\n",
  );
  const runtime = await run("npx --no -- lambkin-runtime", { cwd: clone });
  expect(runtime.status).toBe(1);
  expect(runtime.stderr).toBe(
    "lambkin-runtime: not built yet (no packages/client/dist/runtime.js): run `npm run build` first\n",
  );

  const build = await run("npm run build", { cwd: clone, timeoutMs: 420_000 });
  expect(build.status, `${build.stdout}\n${build.stderr}`).toBe(0);
  const after = await run("npx --no -- lambkin --version", { cwd: clone });
  expect(after.status, after.stderr).toBe(0);
  const { version } = JSON.parse(readFileSync(join(clone, "packages/cli/package.json"), "utf8"));
  expect(after.stdout).toBe(`${version}\n`);
});

/**
 * The sandbox without bubblewrap (LAMBKIN_BWRAP=none, as on a machine without it): each
 * environment gets a TMPDIR folder of its own, removed with it, and lambkin says once that /tmp
 * itself is shared. The sandbox is on by default. Node host, in-process (packages/cli/src/sandbox.test.ts
 * runs the same without bubblewrap on every host engine).
 */
import { existsSync } from "node:fs";
import { type StartedLambkin, start } from "@lambkin/node";
import { afterAll, beforeAll, expect, it } from "vitest";
import { fixturesDir } from "./config.ts";

let lk: StartedLambkin;
const lines: string[] = [];

beforeAll(async () => {
  process.env.LAMBKIN_BWRAP = "none";
  lk = await start(
    {
      port: 0,
      urlPort: 0,
      functions: { fn: { runtime: "provided", codeDir: "behave", concurrency: 2 } },
    },
    { baseDir: fixturesDir, log: (r) => lines.push(r.line) },
  );
});

afterAll(async () => {
  await lk.close();
  delete process.env.LAMBKIN_BWRAP;
});

it("gives each environment a TMPDIR of its own, removes it with the environment, and warns once", async () => {
  const probe = { sandboxProbe: { mark: "m" } };
  const [a, b] = (await Promise.all([lk.invoke("fn", probe), lk.invoke("fn", probe)])).map(
    (r) => r.payload as { tmpdir: string },
  );
  expect(a!.tmpdir).toMatch(/\/lambkin-\d+-\w+\/tmp-\d+$/);
  expect(b!.tmpdir).toMatch(/\/lambkin-\d+-\w+\/tmp-\d+$/);
  expect(a!.tmpdir).not.toBe(b!.tmpdir);
  expect(existsSync(a!.tmpdir)).toBe(true);
  expect(
    lines.filter((l) => l.startsWith("LAMBKIN_BWRAP is none: each environment gets a TMPDIR of its own")),
  ).toHaveLength(1);
  await lk.close();
  expect(existsSync(a!.tmpdir)).toBe(false);
  expect(existsSync(b!.tmpdir)).toBe(false);
});

// The sandbox as a user meets it: `lambkin start` (on Node, Bun and Deno hosts) in a monorepo
// where the function imports shared code from outside its code folder, a hoisted dependency and a
// workspace package linked into an ancestor's node_modules. With bubblewrap all of that works, the
// code folder is read-only, /tmp is the environment's own, and the home folder, other folders of
// the repository and lambkin's Event journal are out of sight; a runtime that ignores SIGTERM gets
// the grace period. Without bubblewrap (LAMBKIN_BWRAP=none, as on a machine without it) the same
// project runs with a TMPDIR per environment and one warning.
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import {
  alive,
  type Engine,
  echoDir,
  gone,
  type RunningLambkin,
  startCli,
  tempConfig,
} from "./_cli-process.ts";

const HANDLER = `import { readFileSync, writeFileSync, existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { dep } from "dep";
import { shared } from "@acme/shared";
import { word } from "../../../lib/words.mjs";
import { helper } from "../helpers.mjs";

const codeError = (file) => {
  try {
    writeFileSync(new URL(file, import.meta.url), "x");
    return "written";
  } catch (error) {
    return error.code;
  }
};

export const handler = async (event) => {
  if (event.mark) {
    // A fixed path in the temporary folder, as many libraries use: each environment its own.
    const file = \`\${tmpdir()}/lambkin-sandbox-fixed\`;
    writeFileSync(file, event.mark);
    await new Promise((r) => setTimeout(r, 500));
    return { file, read: readFileSync(file, "utf8"), pid: process.pid };
  }
  return {
    imported: [dep, shared, word, helper],
    codeWrite: codeError("./written"),
    tmpdir: tmpdir(),
    sees: Object.fromEntries(Object.entries(event.paths).map(([k, p]) => [k, existsSync(p)])),
  };
};
`;

/** A monorepo: repo/services/api holds lambkin.config.json and the function `app` (code in fn/). */
function monorepo() {
  const root = mkdtempSync(join(tmpdir(), "lambkin-sandbox-"));
  const repo = join(root, "repo");
  const files: Record<string, string> = {
    "node_modules/dep/package.json": '{ "name": "dep", "type": "module", "exports": "./index.mjs" }',
    "node_modules/dep/index.mjs": 'export const dep = "dep";',
    "packages/shared/package.json": '{ "name": "@acme/shared", "type": "module", "exports": "./index.mjs" }',
    "packages/shared/index.mjs": 'export const shared = "shared";',
    "lib/words.mjs": 'export const word = "word";',
    "private/secret.txt": "not for functions",
    "services/api/helpers.mjs": 'export const helper = "helper";',
    "services/api/fn/package.json": '{ "type": "module" }',
    "services/api/fn/index.mjs": HANDLER,
    "services/api/lambkin.config.json": JSON.stringify({
      port: 0,
      urlPort: 0,
      functions: {
        app: {
          runtime: "node",
          codeDir: "fn",
          handler: "index.handler",
          concurrency: 2,
          watch: ["../../../lib/**"],
        },
      },
    }),
  };
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(repo, path)), { recursive: true });
    writeFileSync(join(repo, path), text);
  }
  // A workspace package, linked as npm, pnpm and Bun link them.
  mkdirSync(join(repo, "node_modules/@acme"));
  symlinkSync("../../packages/shared", join(repo, "node_modules/@acme/shared"));
  return { root, repo, project: join(repo, "services/api") };
}

async function invoke(lk: RunningLambkin, payload: unknown) {
  const res = await fetch(`${lk.url}/2015-03-31/functions/app/invocations`, {
    method: "POST",
    body: JSON.stringify(payload),
  });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  expect(res.headers.get("x-amz-function-error"), text).toBeNull();
  return JSON.parse(text);
}

/** The command name of `pid`'s parent process (Linux /proc). */
function parentName(pid: number): string {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const ppid = stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1];
  return readFileSync(`/proc/${ppid}/comm`, "utf8").trim();
}

/** The process name of the engine serving lambkin (the runtime's parent without a sandbox). */
const engineName = (engine: Engine) => (engine === "node" ? "node" : engine);

const roots: string[] = [];
let running: RunningLambkin | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});
afterAll(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

// A bwrap that fails as it does where the kernel refuses unprivileged user namespaces (some
// containers): lambkin must notice once and run as without bubblewrap, not fail every function.
const refusing = join(mkdtempSync(join(tmpdir(), "lambkin-bwrap-")), "bwrap");
writeFileSync(refusing, "#!/bin/sh\necho 'bwrap: No permissions to create new namespace' >&2\nexit 1\n", {
  mode: 0o755,
});
afterAll(() => rmSync(dirname(refusing), { recursive: true, force: true }));

const KINDS = [
  { kind: "bubblewrap", env: {}, warning: undefined },
  {
    kind: "no bubblewrap",
    env: { LAMBKIN_BWRAP: "none" },
    warning: "LAMBKIN_BWRAP is none: each environment gets a TMPDIR of its own",
  },
  {
    kind: "a bubblewrap the kernel refuses",
    env: { LAMBKIN_BWRAP: refusing },
    warning:
      "the sandbox cannot start here (bwrap: No permissions to create new namespace): each environment gets a TMPDIR of its own",
  },
] as const;

describe.each(["node", "bun", "deno"] as Engine[])("the sandbox on a %s host", (engine) => {
  it('is on by default; --no-sandbox and "sandbox": false (top level or the function\'s) turn it off', async () => {
    const echo = { runtime: "provided", codeDir: echoDir, timeout: 10 };
    const runs = [
      { args: [], sandbox: undefined, parent: "bwrap" },
      { args: ["--no-sandbox"], sandbox: undefined, parent: engineName(engine) },
      { args: [], sandbox: false, parent: engineName(engine) },
      { args: [], sandbox: undefined, fnSandbox: false, parent: engineName(engine) },
    ];
    for (const run of runs) {
      const functions = { echo: { ...echo, sandbox: "fnSandbox" in run ? run.fnSandbox : undefined } };
      const { dir } = tempConfig({ port: 0, urlPort: 0, sandbox: run.sandbox, functions });
      running = await startCli(run.args, { cwd: dir, engine });
      const res = await fetch(`${running.url}/2015-03-31/functions/echo/invocations`, { method: "POST" });
      const { pid } = (await res.json()) as { pid: number };
      expect(parentName(pid), JSON.stringify(run)).toBe(run.parent);
      await running.stop();
      running = undefined;
    }
  }, 60_000);

  describe.each(KINDS)("with $kind", ({ kind, env, warning }) => {
    const bwrap = kind === "bubblewrap";

    it("runs a monorepo's function as it is laid out; hides what is not the function's", async () => {
      const { root, repo, project } = monorepo();
      roots.push(root);
      const home = join(homedir(), `.lambkin-sandbox-probe-${randomUUID()}`);
      writeFileSync(home, "secret");
      try {
        running = await startCli([], { cwd: project, engine, env });
        const paths = {
          home,
          secret: join(repo, "private/secret.txt"),
          journal: join(project, ".lambkin/events.jsonl"),
        };
        const seen = await invoke(running, { paths });
        expect(seen.imported).toEqual(["dep", "shared", "word", "helper"]);
        if (bwrap) {
          expect(seen).toMatchObject({
            codeWrite: "EROFS",
            tmpdir: "/tmp",
            sees: { home: false, secret: false, journal: false },
          });
        } else {
          expect(seen.codeWrite).toBe("written");
          expect(seen.tmpdir).toMatch(/\/lambkin-\d+-\w+\/tmp-\d+$/);
          expect(seen.sees).toEqual({ home: true, secret: true, journal: true });
          expect(running.output().stdout.split(warning!)).toHaveLength(2);
        }
      } finally {
        rmSync(home, { force: true });
      }
    }, 60_000);

    it("gives two environments writing the same temporary path at once a file each", async () => {
      const { root, project } = monorepo();
      roots.push(root);
      running = await startCli([], { cwd: project, engine, env });
      // With bubblewrap the fixed path is in /tmp itself; without, in the environment's TMPDIR
      // (/tmp itself is the host's there, as README says).
      const [a, b] = await Promise.all([invoke(running, { mark: "a" }), invoke(running, { mark: "b" })]);
      expect(a.pid).not.toBe(b.pid);
      expect([a.read, b.read]).toEqual(["a", "b"]);
      if (bwrap)
        expect([a.file, b.file]).toEqual(["/tmp/lambkin-sandbox-fixed", "/tmp/lambkin-sandbox-fixed"]);
      else expect(a.file).not.toBe(b.file);
    }, 60_000);

    it("gives a runtime that ignores SIGTERM the grace period, then kills it", async () => {
      const { dir } = tempConfig({
        port: 0,
        urlPort: 0,
        functions: { echo: { runtime: "provided", codeDir: echoDir, timeout: 10 } },
      });
      const lk = await startCli([], { cwd: dir, engine, env });
      running = lk;
      const res = await fetch(`${lk.url}/2015-03-31/functions/echo/invocations`, {
        method: "POST",
        body: '{"ignoreTerm":true}',
      });
      const { pid } = (await res.json()) as { pid: number };
      expect(parentName(pid)).toBe(bwrap ? "bwrap" : engineName(engine));
      const stopped = lk.stop("SIGINT");
      await Promise.race([
        lk.waitFor("echo runtime ignores SIGTERM"),
        stopped.then(() => expect.fail("lambkin stopped before the runtime saw SIGTERM")),
      ]);
      // Well inside the 2 s grace the runtime still runs (inside bwrap too: bwrap ignores the
      // SIGTERM that would otherwise take the runtime along at once).
      await new Promise((r) => setTimeout(r, 1000));
      expect(alive(pid)).toBe(true);
      const finished = await stopped;
      running = undefined;
      expect(finished.code).toBe(0);
      expect(await gone(pid)).toBe(true);
    }, 60_000);
  });
});

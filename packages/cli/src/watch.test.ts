// The watcher alone, on real files with real chokidar, against a recording stand-in for the
// running lambkin (the whole loop, with real runtimes, is in reload.test.ts): which changes reload
// which function, how a burst becomes one reload, and what is ignored.
import { mkdirSync, mkdtempSync, renameSync, rmSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { LambkinConfig, LogRecord, ResolvedConfig, ResolvedFunction } from "@lambkin/core";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { type Reloadable, startWatching, type Watching, watchErrorMessage } from "./watch.ts";
import { covers, isEditorTemp, rootsOf } from "./watch-roots.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const projects: string[] = [];
afterAll(() => {
  for (const dir of projects.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function project() {
  const dir = mkdtempSync(join(tmpdir(), "lambkin-watch-"));
  projects.push(dir);
  for (const sub of ["a", "b", "lib", "a/node_modules/dep", "a/.cache", "a/dist"])
    mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(join(dir, "a/index.js"), "1");
  writeFileSync(join(dir, "b/index.js"), "1");
  writeFileSync(join(dir, "lib/util.js"), "1");
  writeFileSync(join(dir, "lib/notes.md"), "1");
  writeFileSync(join(dir, ".env"), "A=1\n");
  writeFileSync(join(dir, "lambkin.config.json"), "{}");
  return dir;
}

function fakeLambkin(dir: string) {
  const fn = (name: string, extra: Partial<ResolvedFunction> = {}) =>
    ({ name, codeDir: join(dir, name), watch: [], envFiles: [], ...extra }) as unknown as ResolvedFunction;
  const functions = new Map([
    ["a", fn("a", { watch: [join(dir, "lib/**/*.js")], envFiles: [join(dir, ".env")] })],
    ["b", fn("b")],
  ]);
  const recycled: { name: string; reason: string; prewarm?: boolean }[] = [];
  const updates: LambkinConfig[] = [];
  const lambkin: Reloadable = {
    config: { functions } as unknown as ResolvedConfig,
    async recycle(name, reason, options) {
      recycled.push({ name, reason, prewarm: options?.prewarm });
    },
    async update(config) {
      updates.push(config);
      return { added: [], removed: [], changed: ["b"] };
    },
  };
  return { lambkin, recycled, updates };
}

let watching: Watching | undefined;
afterEach(async () => {
  await watching?.close();
  watching = undefined;
});

async function watchProject(readConfig: () => Promise<LambkinConfig> = async () => ({ functions: {} })) {
  const dir = project();
  const fake = fakeLambkin(dir);
  const logs: LogRecord[] = [];
  watching = startWatching({
    lambkin: fake.lambkin,
    projectFiles: [join(dir, "lambkin.config.json")],
    readConfig,
    generation: () => undefined,
    log: (record) => logs.push(record),
  });
  await watching.ready;
  return { dir, ...fake, logs };
}

describe("watching", () => {
  it("reloads the function whose code changed, with a pre-warmed environment and one log line", async () => {
    const { dir, recycled, logs } = await watchProject();
    writeFileSync(join(dir, "a/index.js"), "2");
    await sleep(400);
    expect(recycled).toEqual([
      { name: "a", reason: expect.stringContaining("index.js changed"), prewarm: true },
    ]);
    expect(logs.map((l) => [l.functionName, l.line])).toEqual([
      ["a", expect.stringMatching(/^Reloaded: .*a\/index\.js changed \(generation 2\)$/)],
    ]);
  });

  it("makes one reload of a burst, as an editor saving through a temp file and a rename", async () => {
    const { dir, recycled } = await watchProject();
    // vim: probe file, backup by rename, new file written, backup deleted.
    writeFileSync(join(dir, "a/4913"), "");
    unlinkSync(join(dir, "a/4913"));
    renameSync(join(dir, "a/index.js"), join(dir, "a/index.js~"));
    writeFileSync(join(dir, "a/index.js"), "3");
    unlinkSync(join(dir, "a/index.js~"));
    // JetBrains: write a copy, then rename it over the file.
    writeFileSync(join(dir, "a/index.js___jb_tmp___"), "4");
    renameSync(join(dir, "a/index.js___jb_tmp___"), join(dir, "a/index.js"));
    await sleep(400);
    expect(recycled.map((r) => r.name)).toEqual(["a"]);
  });

  it("follows watch globs and env files, and ignores dependencies, dot-folders, outputs and temp files", async () => {
    const { dir, recycled, updates } = await watchProject();
    for (const file of [
      "a/node_modules/dep/index.js",
      "a/.cache/x",
      "a/dist/out.js",
      "a/index.js.swp",
      "lib/notes.md",
    ])
      writeFileSync(join(dir, file), "x");
    await sleep(400);
    expect(recycled).toEqual([]);
    writeFileSync(join(dir, "lib/util.js"), "2");
    await sleep(300);
    expect(recycled.map((r) => [r.name, r.reason.replace(dir, "")])).toEqual([
      ["a", expect.stringContaining("lib/util.js changed")],
    ]);
    // An env file is read with the config: its change is an update (which recycles what changed).
    writeFileSync(join(dir, ".env"), "A=2\n");
    await sleep(300);
    expect(updates).toHaveLength(1);
    expect(recycled).toHaveLength(1);
  });

  it("takes no write of lambkin's own (Event journal, destination files) for a code change", async () => {
    const { dir, lambkin, recycled } = await watchProject();
    const config = lambkin.config as { eventJournal?: string };
    config.eventJournal = join(dir, "a/events.jsonl");
    const b = lambkin.config.functions.get("b") as { destinations?: unknown };
    b.destinations = { onFailure: { kind: "file", path: join(dir, "b/failed.jsonl") } };
    // The watcher reads them when it syncs with the config, as after an update.
    writeFileSync(join(dir, "lambkin.config.json"), "{}\n");
    await sleep(400);
    recycled.length = 0;
    for (let i = 0; i < 3; i++) {
      writeFileSync(join(dir, "a/events.jsonl"), `${i}\n`, { flag: "a" });
      writeFileSync(join(dir, "b/failed.jsonl"), `${i}\n`, { flag: "a" });
      await sleep(50);
    }
    await sleep(400);
    expect(recycled).toEqual([]);
    writeFileSync(join(dir, "b/index.js"), "2");
    await sleep(400);
    expect(recycled.map((r) => r.name)).toEqual(["b"]);
  });

  it("updates the running lambkin when the config file changes, and reports an invalid one", async () => {
    let valid = true;
    const { dir, updates, logs } = await watchProject(async () => {
      if (!valid)
        throw new Error(
          "lambkin.config.json: functions.b.timeout must be a whole number 1–900 seconds, got 0",
        );
      return { functions: { b: { runtime: "node", codeDir: "b", handler: "index.handler" } } };
    });
    writeFileSync(join(dir, "lambkin.config.json"), '{"functions":{}}');
    await sleep(400);
    expect(updates).toHaveLength(1);
    expect(logs.at(-1)?.line).toMatch(/lambkin\.config\.json changed: reconfigured b$/);
    valid = false;
    writeFileSync(join(dir, "lambkin.config.json"), "{}");
    await sleep(400);
    expect(updates).toHaveLength(1);
    expect(logs.at(-1)?.line).toBe(
      "lambkin.config.json: functions.b.timeout must be a whole number 1–900 seconds, got 0 (not applied: lambkin keeps running the config it had)",
    );
  });

  it("is ready at once with no function to watch (a config without functions)", async () => {
    const dir = project();
    const lambkin: Reloadable = {
      ...fakeLambkin(dir).lambkin,
      config: { functions: new Map() } as unknown as ResolvedConfig,
    };
    watching = startWatching({
      lambkin,
      projectFiles: [join(dir, "lambkin.config.json")],
      readConfig: async () => ({ functions: {} }),
      generation: () => undefined,
      log: () => {},
    });
    const timeout = sleep(5000).then(() => "not ready after 5 s");
    expect(await Promise.race([watching.ready.then(() => "ready"), timeout])).toBe("ready");
  });

  it("says so when a code folder is deleted", async () => {
    const { dir, recycled, logs } = await watchProject();
    rmSync(join(dir, "b"), { recursive: true });
    await sleep(400);
    expect(
      logs.some(
        (l) =>
          l.functionName === "b" &&
          /^Code folder .*b was deleted: invokes answer Runtime\.ExitError/.test(l.line),
      ),
    ).toBe(true);
    expect(recycled.some((r) => r.name === "b")).toBe(true);
    // Back again: it is watched again, and reloaded.
    const before = recycled.length;
    mkdirSync(join(dir, "b"));
    writeFileSync(join(dir, "b/index.js"), "2");
    await sleep(500);
    expect(recycled.slice(before).map((r) => r.name)).toContain("b");
    const after = recycled.length;
    writeFileSync(join(dir, "b/index.js"), "3");
    await sleep(400);
    expect(recycled.slice(after).map((r) => r.name)).toEqual(["b"]);
  });
});

describe("watch roots", () => {
  const roots = rootsOf({
    name: "a",
    codeDir: "/p/a",
    watch: ["/p/lib/**", "/p/a/dist/keep.js"],
    envFiles: ["/p/.env"],
  });

  it.each([
    ["/p/a/index.js", true],
    ["/p/a/src/deep/x.ts", true],
    ["/p/a/node_modules/x/index.js", false],
    ["/p/a/.git/HEAD", false],
    ["/p/a/dist/bundle.js", false],
    ["/p/a/dist/keep.js", true],
    ["/p/lib/node_modules/x.js", true],
    ["/p/.env", true],
    ["/p/other.env", false],
    ["/p/a/index.js~", false],
  ])("%s → %s", (path, expected) => {
    expect(roots.some((root) => covers(root, path))).toBe(expected);
  });

  it("knows editors' temp files", () => {
    for (const name of [
      "x.js~",
      ".x.js.swp",
      "4913",
      ".#x.js",
      "#x.js#",
      "x.js___jb_old___",
      "x.crswap",
      "x.tmp",
    ])
      expect(isEditorTemp(`/p/${name}`), name).toBe(true);
    expect(isEditorTemp("/p/index.ts")).toBe(false);
  });

  it("names the inotify limit and how to raise it", () => {
    const error = Object.assign(new Error("ENOSPC"), { code: "ENOSPC", path: "/p/a" });
    expect(watchErrorMessage(error)).toMatch(
      /^Cannot watch \/p\/a: the inotify limit fs\.inotify\.max_user_watches \(\d+\) is reached: raise it with `sudo sysctl fs\.inotify\.max_user_watches=524288`.*; lambkin keeps serving/,
    );
  });
});

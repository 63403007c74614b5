// The development loop as a user lives it: `lambkin start` in a project folder, real runtime
// processes, real files edited while it serves. A save is picked up with no restart; every
// invoke sent after the reload line answers with the new code, also under 8 concurrent callers;
// busy environments finish; the next invoke is warm; config edits apply; broken code shows its
// init error at save time and recovers with the next good save.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type Engine, type RunningLambkin, startCli, tempConfig } from "./_cli-process.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A handler that says which version of its code answered, and how often its module was loaded. */
const handler = (version: string, sleepMs = 0) => `globalThis.inits = (globalThis.inits ?? 0) + 1;
const inits = globalThis.inits;
export const handler = async (event) => {
  if (event.sleep ?? ${sleepMs}) await new Promise((r) => setTimeout(r, event.sleep ?? ${sleepMs}));
  return { version: "${version}", pid: process.pid, inits, greeting: process.env.GREETING ?? null };
};
`;

/** Writes a file the way editors do: a temp file renamed over the old one (one inotify burst). */
function save(file: string, text: string) {
  writeFileSync(`${file}.tmp`, text);
  renameSync(`${file}.tmp`, file);
}

function project(runtime: Engine) {
  const ext = runtime === "node" ? "mjs" : "js";
  const { dir } = tempConfig({
    port: 0,
    urlPort: 0,
    functions: {
      app: {
        runtime,
        codeDir: "app",
        handler: "index.handler",
        timeout: 10,
        environment: { GREETING: "hi" },
      },
      other: { runtime: "node", codeDir: "other", handler: "index.handler" },
    },
  });
  for (const name of ["app", "other"]) {
    mkdirSync(join(dir, name));
    writeFileSync(join(dir, name, "package.json"), '{ "type": "module" }\n');
  }
  const file = join(dir, "app", `index.${ext}`);
  writeFileSync(file, handler("v1"));
  writeFileSync(join(dir, "other/index.mjs"), handler("other"));
  return { dir, file };
}

interface Answer {
  version: string;
  pid: number;
  inits: number;
  greeting: string | null;
  errorType?: string;
  errorMessage?: string;
}

async function invoke(lk: RunningLambkin, name: string, payload: unknown = {}) {
  const res = await fetch(`${lk.url}/2015-03-31/functions/${name}/invocations`, {
    method: "POST",
    body: JSON.stringify(payload),
  });
  const requestId = res.headers.get("x-amzn-requestid")!;
  return {
    status: res.status,
    error: res.headers.get("x-amz-function-error"),
    requestId,
    body: (await res.json()) as Answer,
  };
}

/** The REPORT line of one invocation, once lambkin has logged it. */
async function reportOf(lk: RunningLambkin, requestId: string): Promise<string> {
  await lk.waitFor(`REPORT RequestId: ${requestId}`);
  return lk
    .output()
    .stdout.split("\n")
    .find((l) => l.includes(`REPORT RequestId: ${requestId}`))!;
}

/** Resolves when the `n`th reload line of `name` is printed; returns the line. */
async function reloadLine(lk: RunningLambkin, name: string, n: number): Promise<string> {
  const pattern = new RegExp(`^.* ${name} +-------- Reloaded: .*$`, "gm");
  for (;;) {
    const lines = lk.output().stdout.match(pattern) ?? [];
    if (lines.length >= n) return lines[n - 1]!;
    await sleep(5);
  }
}

let running: RunningLambkin | undefined;
afterEach(async () => {
  await running?.stop();
  running = undefined;
});

describe.each(["node", "bun", "deno"] as Engine[])("lambkin start on %s reloads on save", (engine) => {
  it("picks up an edit with no restart, pre-warmed; no invoke after the reload line gets old code, under 8 callers", async () => {
    const { dir, file } = project(engine);
    const lk = await startCli([], { cwd: dir, engine });
    running = lk;
    const first = await invoke(lk, "app");
    expect(first.body.version).toBe("v1");

    // 8 callers invoke in a loop while the code is saved; the old code is slow (busy
    // environments during the save), each answer is noted with when its request was sent.
    save(file, handler("v1", 150));
    await reloadLine(lk, "app", 1);
    // The slow code answers once before the callers start: at least one environment of it is up
    // however long cold starts take on a loaded machine (in the sandbox too).
    expect((await invoke(lk, "app")).body.version).toBe("v1");
    const answers: { sentAt: number; version: string; ok: boolean }[] = [];
    let reloadSeenAt = Number.POSITIVE_INFINITY;
    let stop = false;
    const caller = async () => {
      while (!stop) {
        const sentAt = performance.now();
        const r = await invoke(lk, "app");
        answers.push({ sentAt, version: r.body.version, ok: r.status === 200 && r.error === null });
      }
    };
    const callers = Array.from({ length: 8 }, caller);
    await sleep(400);
    save(file, handler("v2"));
    await reloadLine(lk, "app", 2);
    reloadSeenAt = performance.now();
    // Until the callers have had more than 8 answers sent after the reload line (the new code's
    // environments cold-start first, slower on a loaded machine), at most 15 s.
    const until = performance.now() + 15_000;
    while (answers.filter((a) => a.sentAt > reloadSeenAt).length <= 8 && performance.now() < until)
      await sleep(50);
    stop = true;
    await Promise.all(callers);

    expect(answers.every((a) => a.ok)).toBe(true); // busy environments were not killed
    const after = answers.filter((a) => a.sentAt > reloadSeenAt);
    expect(after.length).toBeGreaterThan(8);
    expect(after.filter((a) => a.version !== "v2")).toEqual([]);
    expect(answers.some((a) => a.sentAt < reloadSeenAt && a.version === "v1")).toBe(true);

    // Saved again with no load: a second later the next invoke is warm (the pre-warmed
    // environment takes it; every environment of older code is gone).
    save(file, handler("v3"));
    await reloadLine(lk, "app", 3);
    await sleep(1000);
    const warm = await invoke(lk, "app");
    expect(warm.body.version).toBe("v3");
    expect(await reportOf(lk, warm.requestId)).not.toContain("Init Duration");
    expect(lk.output().stdout).toMatch(/ app +-------- Reloaded: .*index\.\w+ changed \(generation 4\)/);
  }, 90_000);
});

describe("lambkin start --no-watch", () => {
  it("keeps serving the code it started with", async () => {
    const { dir, file } = project("node");
    const lk = await startCli(["--no-watch"], { cwd: dir });
    running = lk;
    expect((await invoke(lk, "app")).body.version).toBe("v1");
    save(file, handler("v2"));
    await sleep(500);
    expect((await invoke(lk, "app")).body.version).toBe("v1");
    expect(lk.output().stdout).not.toContain("Reloaded:");
  }, 60_000);
});

describe.each(["node", "bun", "deno"] as Engine[])("lambkin start on %s: the rest of the loop", (host) => {
  it("loads the module once per environment across many warm invokes", async () => {
    const { dir } = project("node");
    const lk = await startCli([], { cwd: dir, engine: host });
    running = lk;
    const answers = [];
    for (let i = 0; i < 30; i++) answers.push((await invoke(lk, "app")).body);
    expect(new Set(answers.map((a) => a.pid)).size).toBe(1);
    expect(answers.every((a) => a.inits === 1)).toBe(true);
    expect(lk.output().stdout.match(/Init Duration/g)).toHaveLength(1);
  }, 60_000);

  it("shows a syntax error at save time, answers Runtime.UserCodeSyntaxError, and recovers on the next good save", async () => {
    const { dir, file } = project("node");
    const lk = await startCli([], { cwd: dir, engine: host });
    running = lk;
    expect((await invoke(lk, "app")).body.version).toBe("v1");
    save(file, "export const handler = async () => { return {;\n");
    await reloadLine(lk, "app", 1);
    // Logged by the pre-warmed environment, before any invoke.
    await lk.waitFor("Runtime.UserCodeSyntaxError");
    for (let i = 0; i < 2; i++) {
      const broken = await invoke(lk, "app");
      expect(broken.error).toBe("Unhandled");
      expect(broken.body.errorType).toBe("Runtime.UserCodeSyntaxError");
    }
    expect((await invoke(lk, "other")).body.version).toBe("other");
    save(file, handler("v3"));
    await reloadLine(lk, "app", 2);
    expect((await invoke(lk, "app")).body.version).toBe("v3");
  }, 60_000);

  it("applies config edits: a new function, changed variables (only that function recycles), an invalid edit kept out", async () => {
    const { dir } = project("node");
    const configFile = join(dir, "lambkin.config.json");
    const lk = await startCli([], { cwd: dir, engine: host });
    running = lk;
    const app = await invoke(lk, "app");
    const other = await invoke(lk, "other");
    expect(app.body.greeting).toBe("hi");
    const config = JSON.parse(readFileSync(configFile, "utf8"));
    config.functions.app.environment.GREETING = "hello";
    config.functions.added = { runtime: "node", codeDir: "other", handler: "index.handler" };
    save(configFile, JSON.stringify(config, null, 2));
    await lk.waitFor(/lambkin\.config\.json changed: added added; reconfigured app/);
    const changed = await invoke(lk, "app");
    expect(changed.body.greeting).toBe("hello");
    expect(changed.body.pid).not.toBe(app.body.pid);
    expect((await invoke(lk, "other")).body.pid).toBe(other.body.pid);
    expect((await invoke(lk, "added")).body.version).toBe("other");

    config.functions.app.timeout = 0;
    save(configFile, JSON.stringify(config, null, 2));
    await lk.waitFor(
      "lambkin.config.json: functions.app.timeout must be a whole number 1–900 seconds, got 0 (not applied: lambkin keeps running the config it had)",
    );
    expect((await invoke(lk, "app")).body.greeting).toBe("hello");
  }, 60_000);

  it("answers Runtime.ExitError with a clear line when a code folder is deleted; others untouched", async () => {
    const { dir } = project("node");
    const lk = await startCli([], { cwd: dir, engine: host });
    running = lk;
    expect((await invoke(lk, "app")).status).toBe(200);
    rmSync(join(dir, "app"), { recursive: true });
    await lk.waitFor(
      / app +-------- Code folder app was deleted: invokes answer Runtime\.ExitError until it is back/,
    );
    const gone = await invoke(lk, "app");
    expect(gone.error).toBe("Unhandled");
    expect(gone.body.errorType).toBe("Runtime.ExitError");
    expect((await invoke(lk, "other")).body.version).toBe("other");
    // Back, and watched again: an edit after it is picked up.
    mkdirSync(join(dir, "app"));
    writeFileSync(join(dir, "app/package.json"), '{ "type": "module" }\n');
    writeFileSync(join(dir, "app/index.mjs"), handler("back"));
    await reloadLine(lk, "app", 1);
    expect((await invoke(lk, "app")).body.version).toBe("back");
    await sleep(300); // the folder and its files may have made two reloads
    const reloads = lk.output().stdout.match(/ app +-------- Reloaded: /g)!.length;
    save(join(dir, "app/index.mjs"), handler("edited"));
    await reloadLine(lk, "app", reloads + 1);
    expect((await invoke(lk, "app")).body.version).toBe("edited");
  }, 60_000);

  it("reloads on a change in shared code its watch globs name, outside the code folder", async () => {
    const { dir } = project("node");
    const configFile = join(dir, "lambkin.config.json");
    const config = JSON.parse(readFileSync(configFile, "utf8"));
    config.functions.app.watch = ["../lib/**"];
    writeFileSync(configFile, JSON.stringify(config));
    mkdirSync(join(dir, "lib"));
    writeFileSync(join(dir, "lib/words.mjs"), 'export const word = "one";\n');
    writeFileSync(
      join(dir, "app/index.mjs"),
      'import { word } from "../lib/words.mjs";\nexport const handler = async () => ({ version: word });\n',
    );
    const lk = await startCli([], { cwd: dir, engine: host });
    running = lk;
    expect((await invoke(lk, "app")).body.version).toBe("one");
    save(join(dir, "lib/words.mjs"), 'export const word = "two";\n');
    await reloadLine(lk, "app", 1);
    expect(lk.output().stdout).toMatch(/ app +-------- Reloaded: lib\/words\.mjs changed/);
    expect((await invoke(lk, "app")).body.version).toBe("two");
  }, 60_000);

  it("reloads a TypeScript handler on Node", async () => {
    const { dir } = project("node");
    const ts = join(dir, "app/index.ts");
    rmSync(join(dir, "app/index.mjs"));
    const tsHandler = (v: string) =>
      `export const handler = async (): Promise<{ version: string }> => ({ version: "${v}" as string });\n`;
    writeFileSync(ts, tsHandler("ts1"));
    const lk = await startCli([], { cwd: dir, engine: host });
    running = lk;
    expect((await invoke(lk, "app")).body.version).toBe("ts1");
    save(ts, tsHandler("ts2"));
    await reloadLine(lk, "app", 1);
    expect((await invoke(lk, "app")).body.version).toBe("ts2");
  }, 60_000);
});

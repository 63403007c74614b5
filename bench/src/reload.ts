/**
 * The development loop, measured as a user lives it: the real `lambkin start` (the CLI, watching)
 * in a project folder, a handler file saved the way editors save (a temp file renamed over it),
 * and timings taken from what the CLI prints and what an invoke answers. Per runtime (Node JS,
 * Node TypeScript, Bun, Deno), with lambkin hosted on each `--hosts` engine:
 *
 * - watch latency: write → the reload line on lambkin's output, over the edits of pass A;
 * - save → first new answer: write → the answer of an invoke sent as soon as the reload line shows
 *   (pass A), next to that runtime's cold start (invoke → answer with no environment) in the same run;
 * - invoking 1 s after a save (pass B): the answer has the new code and its REPORT line no Init
 *   Duration (the pre-warmed environment took it);
 * - Init Duration of the same handler in TypeScript and in JavaScript on Node (the cold starts).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Context, reason } from "./context.ts";
import { type Engine, engineCommands, ROOT } from "./engines.ts";
import type { ReloadRow } from "./results.ts";
import { median, sig } from "./stats.ts";

export type ReloadRuntime = "node" | "node-ts" | "bun" | "deno";
export const RELOAD_RUNTIMES: readonly ReloadRuntime[] = ["node", "node-ts", "bun", "deno"];
export const RELOAD_LABELS: Record<ReloadRuntime, string> = {
  node: "Node (JavaScript)",
  "node-ts": "Node (TypeScript, tsx)",
  bun: "Bun",
  deno: "Deno",
};

const CLI = `${ROOT}packages/cli/dist/cli.js`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The same handler in each runtime's file: it answers which version of itself is running. */
function handlerSource(runtime: ReloadRuntime, version: number): string {
  const typed = runtime === "node-ts" ? ": Promise<{ version: number }>" : "";
  return `export const handler = async ()${typed} => ({ version: ${version} });\n`;
}

const fileOf = (runtime: ReloadRuntime) => (runtime === "node-ts" ? "index.ts" : "index.js");
const engineOf = (runtime: ReloadRuntime): "node" | "bun" | "deno" =>
  runtime === "node-ts" ? "node" : runtime;

/** A project folder: one function per runtime to edit, and `coldCount` untouched ones per runtime for cold starts. */
function project(coldCount: number): string {
  const dir = mkdtempSync(join(tmpdir(), "lambkin-bench-reload-"));
  const functions: Record<string, unknown> = {};
  for (const runtime of RELOAD_RUNTIMES) {
    for (const name of [runtime, ...Array.from({ length: coldCount }, (_, i) => `${runtime}-cold-${i}`)]) {
      mkdirSync(join(dir, name));
      writeFileSync(join(dir, name, "package.json"), '{ "type": "module" }\n');
      writeFileSync(join(dir, name, fileOf(runtime)), handlerSource(runtime, 0));
      functions[name] = { runtime: engineOf(runtime), codeDir: name, handler: "index.handler" };
    }
  }
  writeFileSync(
    join(dir, "lambkin.config.json"),
    JSON.stringify({ port: 0, urlPort: 0, functions }, null, 2),
  );
  return dir;
}

/** `lambkin start` on `host`, its output read line by line as it comes, each line timestamped. */
class StartedCli {
  readonly lines: { at: number; text: string }[] = [];
  #buffered = "";
  #waiters: { test: (text: string) => boolean; resolve: (at: number) => void }[] = [];
  url = "";

  private constructor(readonly child: ChildProcess) {
    child.stdout!.setEncoding("utf8").on("data", (data: string) => {
      const at = performance.now();
      this.#buffered += data;
      const parts = this.#buffered.split("\n");
      this.#buffered = parts.pop()!;
      for (const text of parts) {
        this.lines.push({ at, text });
        for (const w of [...this.#waiters]) {
          if (w.test(text)) {
            this.#waiters.splice(this.#waiters.indexOf(w), 1);
            w.resolve(at);
          }
        }
      }
    });
  }

  static async start(host: Engine, dir: string): Promise<StartedCli> {
    const [program, ...args] = engineCommands()[host];
    const child = spawn(program!, [...args, CLI, "start"], {
      cwd: dir,
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const cli = new StartedCli(child);
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (d: string) => {
      stderr += d;
    });
    const ready = await Promise.race([
      cli.next((text) => text.includes("lambkin ready")),
      new Promise<never>((_, reject) =>
        child.once("exit", (code) => reject(new Error(`lambkin start exited (${code}): ${stderr.trim()}`))),
      ),
    ]);
    void ready;
    cli.url = /Invoke API (http:\/\/\S+)/.exec(
      cli.lines.find((l) => l.text.includes("lambkin ready"))!.text,
    )![1]!;
    return cli;
  }

  /** Resolves with the time of the next line (from now on) that passes `test`. */
  next(test: (text: string) => boolean, timeoutMs = 30_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("timed out waiting for lambkin's output")), timeoutMs);
      this.#waiters.push({
        test,
        resolve: (at) => {
          clearTimeout(timer);
          resolve(at);
        },
      });
    });
  }

  /** The REPORT line of `requestId` (waits for it). */
  async report(requestId: string): Promise<string> {
    const has = (text: string) => text.includes(`REPORT RequestId: ${requestId}`);
    const found = this.lines.find((l) => has(l.text));
    if (found) return found.text;
    await this.next(has);
    return this.lines.find((l) => has(l.text))!.text;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => {
      this.child.once("exit", () => resolve());
      this.child.kill("SIGINT");
    });
  }
}

/** One invoke; resolves when its whole answer has arrived. */
function invoke(url: string, name: string): Promise<{ at: number; requestId: string; version: number }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/2015-03-31/functions/${name}/invocations`, { method: "POST" }, (res) => {
      let body = "";
      res.setEncoding("utf8").on("data", (d: string) => {
        body += d;
      });
      res.on("end", () => {
        const at = performance.now();
        try {
          const answer = JSON.parse(body) as { version?: number };
          if (typeof answer.version !== "number") throw new Error(body);
          resolve({ at, requestId: String(res.headers["x-amzn-requestid"]), version: answer.version });
        } catch {
          reject(new Error(`${name} answered ${res.statusCode}: ${body.slice(0, 200)}`));
        }
      });
    });
    req.on("error", reject);
    req.end("{}");
  });
}

/** Saves as editors do: the new text in a temp file, renamed over the old one. */
function save(file: string, text: string): number {
  writeFileSync(`${file}.tmp`, text);
  const at = performance.now();
  renameSync(`${file}.tmp`, file);
  return at;
}

const initOf = (report: string) => {
  const m = /Init Duration: ([\d.]+) ms/.exec(report);
  return m ? Number(m[1]) : undefined;
};

async function measureHost(
  ctx: Context,
  host: Engine,
  edits: number,
  coldCount: number,
): Promise<ReloadRow[]> {
  const { progress } = ctx;
  const dir = project(coldCount);
  const cli = await StartedCli.start(host, dir);
  const rows: ReloadRow[] = [];
  try {
    for (const runtime of RELOAD_RUNTIMES) {
      const label = `reload · host ${host} · ${RELOAD_LABELS[runtime]}`;
      try {
        // Cold starts of the untouched functions: invoke → answer, and their Init Duration.
        const cold: number[] = [];
        const init: number[] = [];
        for (let i = 0; i < coldCount; i++) {
          progress.step(`${label} · cold start ${i + 1}/${coldCount}`);
          const sent = performance.now();
          const answer = await invoke(cli.url, `${runtime}-cold-${i}`);
          cold.push(answer.at - sent);
          const ms = initOf(await cli.report(answer.requestId));
          if (ms !== undefined) init.push(ms);
        }
        const file = join(dir, runtime, fileOf(runtime));
        await invoke(cli.url, runtime);
        let version = 0;
        // Pass A: write → reload line → an invoke at once → its answer with the new code.
        const watchMs: number[] = [];
        const firstAnswerMs: number[] = [];
        for (let i = 0; i < edits; i++) {
          progress.step(`${label} · edit ${i + 1}/${edits}, invoked at the reload line`);
          version++;
          const line = cli.next((text) => text.includes(` ${runtime} `) && text.includes("Reloaded:"));
          const savedAt = save(file, handlerSource(runtime, version));
          const shownAt = await line;
          const answer = await invoke(cli.url, runtime);
          if (answer.version !== version)
            throw new Error(`edit ${version} answered by version ${answer.version}`);
          watchMs.push(shownAt - savedAt);
          firstAnswerMs.push(answer.at - savedAt);
          await sleep(300);
        }
        // Pass B: write, and invoke 1 s later: new code, and warm (no Init Duration in its REPORT).
        let warm = 0;
        for (let i = 0; i < edits; i++) {
          progress.step(`${label} · edit ${i + 1}/${edits}, invoked 1 s after the save`);
          version++;
          const savedAt = save(file, handlerSource(runtime, version));
          await sleep(Math.max(0, 1000 - (performance.now() - savedAt)));
          const answer = await invoke(cli.url, runtime);
          if (answer.version !== version)
            throw new Error(`edit ${version} answered by version ${answer.version}`);
          if (initOf(await cli.report(answer.requestId)) === undefined) warm++;
        }
        const row: ReloadRow = {
          host,
          runtime,
          edits,
          watch_p50_ms: sig(median(watchMs)),
          first_answer_p50_ms: sig(median(firstAnswerMs)),
          cold_p50_ms: sig(median(cold)),
          warm_after_1s: warm,
          init_p50_ms: init.length > 0 ? sig(median(init)) : undefined,
        };
        progress.figure(
          `watch p50 ${row.watch_p50_ms} ms · save → new answer p50 ${row.first_answer_p50_ms} ms (cold start ${row.cold_p50_ms} ms) · warm 1 s after the save ${warm}/${edits} · Init Duration ${row.init_p50_ms ?? "–"} ms`,
        );
        rows.push(row);
      } catch (error) {
        rows.push({ host, runtime, edits, skipped: reason(error) });
      }
    }
  } finally {
    await cli.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}

export async function reload(ctx: Context): Promise<void> {
  const { edits, coldStarts } = ctx.plan.reload;
  ctx.results.reload = [];
  for (const host of ctx.plan.hosts) {
    ctx.results.reload.push(...(await measureHost(ctx, host, edits, coldStarts)));
  }
}

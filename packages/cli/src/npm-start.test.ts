// `npm start` (scripts/start.mjs) as a user runs it: it builds, serves the root lambkin.config.json
// (every sample, on free ports here), prints how to call each function; every sample answers; a
// terminal's Ctrl-C (SIGINT to the whole process group) stops it and leaves no process behind.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { alive, gone, repoRoot, runCli } from "./_cli-process.ts";

/** Every live descendant of `pid`, from /proc (Linux). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name may hold spaces and parentheses: the fields after the last ")" are fixed.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

it("npm start serves every sample, explains how to call them, and Ctrl-C leaves nothing behind", async () => {
  const child = spawn(process.execPath, ["scripts/start.mjs", "--port", "0", "--url-port", "0"], {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so that the test can signal the group as a terminal's Ctrl-C does.
    detached: true,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
  });
  child.stderr.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await expect.poll(() => stdout, { timeout: 240_000, interval: 200 }).toContain("Logs follow.");

  const ready = /lambkin ready \(node [^)]+\) — Invoke API (\S+) · Function URLs (\S+) · 6 functions/.exec(
    stdout,
  );
  expect(ready, stdout + stderr).not.toBeNull();
  const [, invokeUrl, functionUrl] = ready!;
  expect(stdout).toContain(`npx lambkin invoke hello-node --payload '{"name":"you"}'`);
  expect(stdout).toContain(`curl ${functionUrl}/http-api/hello?name=you`);
  expect(stdout).toContain(
    `aws lambda invoke --endpoint-url ${invokeUrl} --function-name hello-node --cli-binary-format raw-in-base64-out --payload '{}' out.json`,
  );

  // Each printed `npx lambkin invoke …` line works (against this run's endpoint).
  const invokeLines = [...stdout.matchAll(/npx lambkin invoke (\S+) --payload '([^']*)'/g)];
  expect(invokeLines.map((m) => m[1])).toEqual([
    "hello-node",
    "hello-bun",
    "hello-deno",
    "hello-bash",
    "http-api",
    "streaming",
  ]);
  const results = new Map<string, string>();
  for (const [, name, payload] of invokeLines) {
    const r = await runCli(["invoke", name!, "--payload", payload!, "--endpoint", invokeUrl!]);
    expect(r.code, `${name}: ${r.stderr}`).toBe(0);
    results.set(name!, r.stdout);
  }
  expect(JSON.parse(results.get("hello-node")!)).toMatchObject({ message: "Hello, you!" });
  expect(JSON.parse(results.get("hello-bun")!)).toMatchObject({ message: "Hello from Bun, you!" });
  expect(JSON.parse(results.get("hello-deno")!)).toMatchObject({ message: "Bonjour, you!" });
  expect(JSON.parse(results.get("hello-bash")!)).toMatchObject({ message: "Hello, you!" });
  expect(JSON.parse(results.get("http-api")!)).toMatchObject({ statusCode: 200 });
  expect(results.get("streaming")).toMatch(/step 3\/3 done\nfinished\n$/);
  const url = await fetch(`${functionUrl}/http-api/hello?name=you`);
  expect(await url.json()).toEqual({ message: "Hello, you!" });

  const processes = descendants(child.pid!);
  // lambkin itself plus at least one runtime per function (sh → bootstrap.sh → curl for bash).
  expect(processes.length).toBeGreaterThanOrEqual(7);
  process.kill(-child.pid!, "SIGINT");
  expect(await exited).toBe(0);
  expect(stderr).toContain("lambkin: stopping…");
  for (const pid of processes) expect(await gone(pid), `pid ${pid} still alive`).toBe(true);
  expect(processes.filter(alive)).toEqual([]);
}, 300_000);

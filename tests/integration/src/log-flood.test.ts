// Bounded memory under log floods: a function printing as fast as it can for 10 s, behind a reader
// slower than it (a terminal, a pipe to `less`), grows lambkin's RSS by less than 50 MB on every
// host engine — lambkin stops reading the runtime's output while its own stdout is behind — and the
// caller still gets the function's answer. A line with no end reaches the log in 256 KiB pieces.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CLI_JS } from "./lambkin-cli.ts";
import { descendantsOf, stopAsUser } from "./processes.ts";

// Writes with fs.writeSync, as a pipe writer that blocks when the pipe is full: with back-pressure
// the runtime waits instead of buffering (Node's async stdout would hold the flood in the
// runtime's own heap, which its 128 MB memory size caps).
const HANDLER = `import { writeSync } from "node:fs";
export const handler = async (event) => {
  if (event.longLine) {
    process.stdout.write("z".repeat(event.longLine) + "\\n");
    return { wrote: event.longLine };
  }
  const end = Date.now() + event.seconds * 1000;
  const line = "x".repeat(100);
  let n = 0;
  while (Date.now() < end) {
    for (let i = 0; i < 1000; i++) writeSync(1, \`\${line} \${n++}\\n\`);
    await new Promise((r) => setImmediate(r));
  }
  return { lines: n };
};
`;

let child: ChildProcess | undefined;
let dir: string | undefined;
afterEach(async () => {
  if (child) await stopAsUser(child);
  if (dir) await rm(dir, { recursive: true, force: true });
  child = undefined;
});

const rssMB = (pid: number) =>
  Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1] ?? 0) / 1024;

/** `lambkin start` on `engine`, its stdout read at ~`kbPerTick` KB every 20 ms (a slow reader). */
async function startFlooded(engine: string, slow: boolean) {
  dir = await mkdtemp(join(tmpdir(), "lambkin-flood-"));
  await writeFile(join(dir, "index.mjs"), HANDLER);
  const config = {
    functions: { flood: { runtime: "node", codeDir: dir, handler: "index.handler", timeout: 60 } },
  };
  await writeFile(join(dir, "lambkin.config.json"), JSON.stringify(config));
  const args = [CLI_JS, "start", "--port", "0", "--url-port", "0", "--log-format", "json"];
  if (engine !== "node") args.push("--host-engine", engine);
  child = spawn(process.execPath, args, { cwd: dir, stdio: ["ignore", "pipe", "ignore"] });
  const proc = child;
  let url: string | undefined;
  let head = "";
  const lineLengths: number[] = [];
  let partial = "";
  proc.stdout!.setEncoding("utf8").on("data", (text: string) => {
    if (url === undefined) {
      head += text;
      url = /Invoke API (http:\/\/[^\s"]+)/.exec(head)?.[1];
    }
    partial += text;
    const lines = partial.split("\n");
    partial = lines.pop()!;
    for (const l of lines) if (l.includes('"stream":"stdout"')) lineLengths.push(JSON.parse(l).line.length);
    if (slow && url !== undefined) {
      proc.stdout!.pause();
      setTimeout(() => proc.stdout!.resume(), 20);
    }
  });
  for (let i = 0; i < 600 && url === undefined; i++) await new Promise((r) => setTimeout(r, 50));
  if (url === undefined) throw new Error(`lambkin on ${engine} did not print its ready line`);
  const host = engine === "node" ? proc.pid! : descendantsOf(proc.pid!)[0]!;
  return { url, host, lineLengths };
}

const invoke = (url: string, payload: unknown) =>
  fetch(`${url}/2015-03-31/functions/flood/invocations`, { method: "POST", body: JSON.stringify(payload) });

describe("a function logging flat out", () => {
  for (const engine of ["node", "bun", "deno"] as const) {
    it(`grows lambkin's RSS by less than 50 MB in 10 s, behind a slow reader (host ${engine})`, async () => {
      const { url, host } = await startFlooded(engine, true);
      // Warm up (the runtime's start-up is not the flood), then take the idle figure.
      expect((await invoke(url, { seconds: 0 })).status).toBe(200);
      await new Promise((r) => setTimeout(r, 500));
      const idle = rssMB(host);
      let peak = idle;
      const sampler = setInterval(() => {
        peak = Math.max(peak, rssMB(host));
      }, 100);
      const reply = await invoke(url, { seconds: 10 });
      const body = (await reply.json()) as { lines: number };
      clearInterval(sampler);
      peak = Math.max(peak, rssMB(host));
      expect(reply.status).toBe(200);
      expect(body, JSON.stringify(body)).toMatchObject({ lines: expect.any(Number) });
      expect(body.lines).toBeGreaterThan(10_000);
      expect(peak - idle, `idle ${idle.toFixed(1)} MB, peak ${peak.toFixed(1)} MB`).toBeLessThan(50);
    }, 60_000);
  }

  it("splits a line with no end into 256 KiB lines", async () => {
    const { url, lineLengths } = await startFlooded("node", false);
    const reply = await invoke(url, { longLine: 600_000 });
    expect(reply.status).toBe(200);
    for (let i = 0; i < 100 && lineLengths.length < 3; i++) await new Promise((r) => setTimeout(r, 50));
    expect(lineLengths).toEqual([262_144, 262_144, 600_000 - 2 * 262_144]);
  }, 30_000);
});

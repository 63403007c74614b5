// No orphans: `kill -9` of lambkin (the real `lambkin start`, hosted on Node, Bun and Deno) leaves
// no runtime process and no child of one alive 2 s later, with idle and busy environments of every
// kind of runtime: the AWS tutorial's bash + curl bootstrap, a handler run by @lambkin/client, and a
// plain Node custom runtime (raw node:http). Its watchdog does it; lambkin itself has no say.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { CURL_DIR, type LambkinCli, startLambkinCliWith } from "./lambkin-cli.ts";
import { commandLine, descendantsOf, waitUntilGone } from "./processes.ts";

const PLAIN_DIR = fileURLToPath(new URL("../../contract/fixtures/behave", import.meta.url));
const HANDLER = `export const handler = async (event) => {
  if (event.ms) await new Promise((r) => setTimeout(r, event.ms));
  return { pid: process.pid };
};
`;

let lk: LambkinCli | undefined;
let dir: string | undefined;
afterEach(async () => {
  await lk?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true });
  lk = undefined;
  dir = undefined;
});

/**
 * Starts `lambkin start` on `engine` with one function of each runtime kind, two environments each,
 * sandboxed (the default) in bubblewrap or, with LAMBKIN_BWRAP=none, without it.
 */
async function startWithEveryRuntime(
  engine: "node" | "bun" | "deno",
  env: Record<string, string> = {},
): Promise<LambkinCli> {
  dir = await mkdtemp(join(tmpdir(), "lambkin-orphans-"));
  await writeFile(join(dir, "index.mjs"), HANDLER);
  const functions = {
    shell: { runtime: "provided", codeDir: CURL_DIR, handler: "function.slow", timeout: 60 },
    client: { runtime: "node", codeDir: dir, handler: "index.handler", timeout: 60 },
    plain: { runtime: "provided", codeDir: PLAIN_DIR, command: ["./bootstrap"], timeout: 60 },
  };
  await writeFile(join(dir, "lambkin.config.json"), JSON.stringify({ functions }));
  lk = await startLambkinCliWith(["--config", join(dir, "lambkin.config.json")], {
    cwd: dir,
    hostEngine: engine,
    readyTimeoutMs: 30_000,
    env,
  });
  return lk;
}

const invoke = (url: string, fn: string, payload: unknown) =>
  fetch(`${url}/2015-03-31/functions/${fn}/invocations`, { method: "POST", body: JSON.stringify(payload) })
    .then((r) => r.text())
    .catch((error: Error) => `failed: ${error.message}`);

/** One busy and one idle environment per function; resolves once both are there. */
async function idleAndBusy(cli: LambkinCli): Promise<void> {
  // Busy: each sleeps 60 s (the shell one in a child `sleep`, which must die too).
  void invoke(cli.url, "shell", { seconds: 60 });
  void invoke(cli.url, "client", { ms: 60_000 });
  void invoke(cli.url, "plain", { sleep: 60_000 });
  for (const fn of ["shell", "client", "plain"]) {
    await cli.waitForRecord((r) => r.functionName === fn && r.line.startsWith("START"), 20_000);
  }
  // Idle: a second environment each (the first is busy), answered and waiting for the next event.
  await Promise.all([
    invoke(cli.url, "shell", { seconds: 0 }),
    invoke(cli.url, "client", {}),
    invoke(cli.url, "plain", { echo: 1 }),
  ]);
}

/** The process serving lambkin: the CLI itself on Node, the engine it relaunched itself on otherwise. */
function hostPid(cli: LambkinCli, engine: string): number {
  if (engine === "node") return cli.pid;
  const host = descendantsOf(cli.pid).find((pid) => /\/(bun|deno)(\.exe)?$/.test(commandLine(pid)[0] ?? ""));
  if (host === undefined) throw new Error(`no ${engine} host below the CLI (${cli.pid})`);
  return host;
}

describe("kill -9 of lambkin", () => {
  for (const engine of ["node", "bun", "deno"] as const) {
    for (const bwrap of [true, false]) {
      const sandbox = bwrap ? "in bubblewrap" : "without bubblewrap";
      it(`leaves no runtime nor runtime child alive 2 s later (host ${engine}, ${sandbox})`, async () => {
        const cli = await startWithEveryRuntime(engine, bwrap ? {} : { LAMBKIN_BWRAP: "none" });
        await idleAndBusy(cli);
        const host = hostPid(cli, engine);
        const below = descendantsOf(host);
        // 3 idle + 3 busy runtimes, the shell's `sleep`, and the watchdog at least (and a bwrap
        // above each runtime in the sandbox).
        const shown = below.map((p) => commandLine(p).join(" ").slice(0, 100)).join("\n");
        expect(below.length, shown).toBeGreaterThanOrEqual(bwrap ? 14 : 8);
        expect(below.filter((p) => /\/bwrap$/.test(commandLine(p)[0] ?? "")).length, shown).toBe(
          bwrap ? 6 : 0,
        );
        process.kill(host, "SIGKILL");
        const left = await waitUntilGone(below, 2000);
        expect(left.map((p) => `${p}: ${commandLine(p).join(" ")}`)).toEqual([]);
      }, 90_000);
    }
  }

  it("of the CLI that relaunched lambkin on Bun takes the Bun host and its runtimes along", async () => {
    const cli = await startWithEveryRuntime("bun");
    await idleAndBusy(cli);
    const below = descendantsOf(cli.pid);
    process.kill(cli.pid, "SIGKILL");
    // The host notices within 250 ms and stops; the watchdog clears whatever remains.
    const left = await waitUntilGone(below, 2000);
    expect(left.map((p) => `${p}: ${commandLine(p).join(" ")}`)).toEqual([]);
  }, 90_000);
});

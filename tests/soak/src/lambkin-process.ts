import { type ChildProcess, spawn } from "node:child_process";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { descendantsOf, isAlive, isWatchdog, programOf } from "./processes.ts";

// `lambkin start` as a user runs it (the package's bin), on a host engine, with its log read as
// it comes (a reader that stopped would slow lambkin down: its log has back-pressure) and only
// the last lines kept, for a failure message.

const require = createRequire(import.meta.url);
const BIN = join(dirname(require.resolve("lambkin/package.json")), "bin/lambkin.js");
const KEPT_LINES = 200;

export type HostEngine = "node" | "bun" | "deno";

export interface Running {
  invokeUrl: string;
  functionUrl: string;
  /** The CLI's own pid (on Bun and Deno, the Node wrapper that relaunched it). */
  cliPid: number;
  /** The process that serves: the CLI on Node, the engine below it otherwise. */
  hostPid: number;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last lines lambkin printed (stdout and stderr). */
  tail(): string;
  /** Log lines seen so far. */
  lines(): number;
  /** "Reloaded: …" lines seen so far (the watcher took a change for a code change). */
  reloads(): number;
}

export async function startLambkin(
  configFile: string,
  engine: HostEngine,
  env: Record<string, string>,
): Promise<Running> {
  const args = ["start", "--config", configFile, "--port", "0", "--url-port", "0", "--log-format", "json"];
  if (engine !== "node") args.push("--host-engine", engine);
  const child: ChildProcess = spawn(process.execPath, [BIN, ...args], {
    cwd: dirname(configFile),
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env, NO_COLOR: "1" },
  });
  const cliPid = child.pid;
  if (cliPid === undefined) throw new Error(`could not start ${BIN}`);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const kept: string[] = [];
  let count = 0;
  let reloads = 0;
  let ready: ((line: Record<string, string>) => void) | undefined;
  const readyLine = new Promise<Record<string, string>>((resolve) => {
    ready = resolve;
  });
  const reader = (stream: NodeJS.ReadableStream) => {
    let pending = "";
    stream.setEncoding("utf8");
    stream.on("data", (text: string) => {
      pending += text;
      for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        count++;
        if (line.includes('"line":"Reloaded: ')) reloads++;
        kept.push(line.length > 400 ? `${line.slice(0, 400)}…` : line);
        if (kept.length > KEPT_LINES) kept.shift();
        if (ready && line.startsWith('{"time"') && line.includes('"event":"ready"')) {
          ready(JSON.parse(line) as Record<string, string>);
          ready = undefined;
        }
      }
    });
  };
  reader(child.stdout!);
  reader(child.stderr!);
  const tail = () => kept.join("\n");
  let line: Record<string, string>;
  let hostPid = cliPid;
  try {
    let timer: ReturnType<typeof setTimeout> | undefined;
    line = await Promise.race([
      readyLine,
      exited.then((exit) => {
        throw new Error(`lambkin start exited (${JSON.stringify(exit)}) before it was ready:\n${tail()}`);
      }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new Error(`lambkin start: not ready within 60 s:\n${tail()}`)),
          60_000,
        );
      }),
    ]).finally(() => clearTimeout(timer));
    if (engine !== "node") {
      const host = descendantsOf(cliPid).find((pid) =>
        new RegExp(`/${engine}(\\.exe)?$`).test(programOf(pid)),
      );
      if (host === undefined) throw new Error(`no ${engine} process below the lambkin CLI (${cliPid})`);
      hostPid = host;
    }
  } catch (error) {
    // Whatever went wrong, no lambkin of a failed start stays behind. Its watchdog is spared: it
    // sees lambkin gone and removes lambkin's /tmp/lambkin-<pid>-* folder.
    for (const pid of [...descendantsOf(cliPid), cliPid].filter((p) => !isWatchdog(p))) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
    throw error;
  }
  return {
    invokeUrl: line.invokeUrl!,
    functionUrl: line.functionUrl!,
    cliPid,
    hostPid,
    exited,
    tail,
    lines: () => count,
    reloads: () => reloads,
  };
}

/** kill -9 of lambkin: the serving process and the CLI wrapping it, at once. */
export function killHard(running: Running): void {
  for (const pid of new Set([running.hostPid, running.cliPid])) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}

/** Ctrl-C as a user stops it; a lambkin still there after `timeoutMs` is killed and reported. */
export async function stopLambkin(running: Running, timeoutMs = 20_000): Promise<boolean> {
  process.kill(running.cliPid, "SIGINT");
  const clean = await Promise.race([
    running.exited.then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), timeoutMs)),
  ]);
  if (!clean) killHard(running);
  for (let i = 0; i < 50 && isAlive(running.hostPid); i++) await new Promise((r) => setTimeout(r, 100));
  return clean;
}

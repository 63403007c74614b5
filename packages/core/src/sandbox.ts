/**
 * A sandbox per environment, as each Lambda execution environment is its own machine.
 *
 * With bubblewrap (`bwrap`, Linux) the runtime runs in a new mount namespace built from nothing:
 * the system folders (/usr, /etc, …) read-only, the function's code folder and layers read-only,
 * the engine and files its command names read-only, the folders on its PATH read-only, and a
 * private tmpfs /tmp of the function's `ephemeralStorage` size (writing past it fails with ENOSPC,
 * as on AWS). The host's home and lambkin's own files are not there; the network is the host's.
 * `--die-with-parent` also kills it with the process that started it.
 *
 * The code folder keeps its own path rather than /var/task, and LAMBDA_TASK_ROOT names that path:
 * stack traces, source maps and debuggers then point at the files in the editor. It is read-only,
 * as /var/task is on AWS.
 *
 * Without bubblewrap (or with `sandbox: false`) the runtime shares the host's filesystem, and
 * TMPDIR points at a folder of its own that lambkin removes with the environment; lambkin says
 * once that /tmp itself is shared.
 */
import type { ResolvedFunction } from "./config.ts";
import type { ExitStatus, Platform } from "./platform.ts";

const SIGNALS: Record<number, string> = {
  1: "SIGHUP",
  2: "SIGINT",
  3: "SIGQUIT",
  4: "SIGILL",
  5: "SIGTRAP",
  6: "SIGABRT",
  7: "SIGBUS",
  8: "SIGFPE",
  9: "SIGKILL",
  10: "SIGUSR1",
  11: "SIGSEGV",
  12: "SIGUSR2",
  13: "SIGPIPE",
  14: "SIGALRM",
  15: "SIGTERM",
};

function fromBwrap(status: ExitStatus): ExitStatus {
  const signal = status.code !== null && status.code > 128 ? SIGNALS[status.code - 128] : undefined;
  return signal ? { code: null, signal } : status;
}

const same = (status: ExitStatus) => status;

export interface SandboxedCommand {
  argv: string[];
  env: Record<string, string>;
  /**
   * bubblewrap exits with 128 + n when the runtime died of signal n: the exit as the runtime's
   * own (so `Runtime.ExitError` still says `signal: killed`).
   */
  exitStatus(status: ExitStatus): ExitStatus;
  /** Removes what the sandbox left on the host (the TMPDIR folder). */
  cleanup(): Promise<void>;
}

const SYSTEM_DIRS = ["/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/opt"];

let bwrapPath: Promise<string | undefined> | undefined;

/** Where `bwrap` is, found once per process (undefined when it is not installed). */
function findBwrap(platform: Platform): Promise<string | undefined> {
  bwrapPath ??= (async () => {
    // LAMBKIN_BWRAP names the bwrap to use, or `none` to run without one.
    const chosen = platform.env.LAMBKIN_BWRAP;
    if (chosen === "none") return undefined;
    if (chosen) return chosen;
    for (const dir of (platform.env.PATH ?? "/usr/bin:/bin").split(":")) {
      if (!dir) continue;
      const info = await platform.stat(`${dir}/bwrap`);
      if (info?.isFile) return `${dir}/bwrap`;
    }
    return undefined;
  })();
  return bwrapPath;
}

let warned = false;

/**
 * The command and environment to start `argv` with, sandboxed as described above. `stateDir` is
 * lambkin's own folder (the watchdog's), where TMPDIR folders go without bubblewrap.
 */
export async function sandboxed(
  platform: Platform,
  fn: ResolvedFunction,
  argv: string[],
  env: Record<string, string>,
  options: {
    enabled: boolean;
    stateDir: string | undefined;
    environmentId: number;
    warn(line: string): void;
  },
): Promise<SandboxedCommand> {
  const none: SandboxedCommand = { argv, env, exitStatus: same, cleanup: async () => {} };
  if (!options.enabled) return none;
  const bwrap = await findBwrap(platform);
  if (bwrap)
    return {
      argv: await bwrapArgv(platform, bwrap, fn, argv, env),
      env: sandboxEnv(env),
      exitStatus: fromBwrap,
      cleanup: none.cleanup,
    };
  const host = platform.host;
  if (!host || !options.stateDir) return none;
  if (!warned) {
    warned = true;
    options.warn(
      "bubblewrap (bwrap) is not installed: each environment gets a TMPDIR of its own, but /tmp itself is shared and ephemeralStorage is not enforced (install bubblewrap for a private /tmp per environment)",
    );
  }
  const tmp = `${options.stateDir}/tmp-${options.environmentId}`;
  await host.mkdir(tmp);
  return { argv, env: { ...env, TMPDIR: tmp }, exitStatus: same, cleanup: () => host.remove(tmp) };
}

function sandboxEnv(env: Record<string, string>): Record<string, string> {
  // The host's home is not in the sandbox; caches that default under it go to the private /tmp.
  return { ...env, HOME: "/tmp", TMPDIR: "/tmp" };
}

async function bwrapArgv(
  platform: Platform,
  bwrap: string,
  fn: ResolvedFunction,
  argv: string[],
  env: Record<string, string>,
): Promise<string[]> {
  // The private /tmp first: a code folder that lives under the host's /tmp is bound over it.
  const size = String(fn.ephemeralStorage * 1024 * 1024);
  const out = [
    bwrap,
    "--die-with-parent",
    "--dev",
    "/dev",
    "--proc",
    "/proc",
    "--size",
    size,
    "--tmpfs",
    "/tmp",
  ];
  const bound = new Set<string>();
  const bind = async (path: string) => {
    if (!path.startsWith("/") || bound.has(path) || path === "/" || path === "/tmp") return;
    const info = await platform.stat(path);
    if (!info) return;
    bound.add(path);
    out.push("--ro-bind", path, path);
  };
  for (const dir of SYSTEM_DIRS) await bind(dir);
  await bind(fn.codeDir);
  for (const layer of fn.layers) await bind(layer);
  // The engine and the files the command names (e.g. @lambkin/client's runtime.js), and the
  // folders a `#!/usr/bin/env node` bootstrap searches.
  for (const arg of argv) {
    if (!arg.startsWith("/") || arg.startsWith(`${fn.codeDir}/`)) continue;
    // A file the command names comes with its folder (a bundle's lazy chunks) and the
    // node_modules folders above it (what it imports, e.g. tsx for TypeScript handlers).
    const info = await platform.stat(arg);
    const dir = info?.isFile ? arg.slice(0, arg.lastIndexOf("/")) : arg;
    await bind(dir);
    for (let up = dir; up.lastIndexOf("/") > 0; up = up.slice(0, up.lastIndexOf("/"))) {
      await bind(`${up}/node_modules`);
    }
  }
  for (const dir of (env.PATH ?? "").split(":")) if (!dir.startsWith("/tmp")) await bind(dir);
  out.push("--chdir", fn.codeDir, "--");
  return [...out, ...argv];
}

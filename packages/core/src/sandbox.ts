/**
 * A sandbox per environment, as each Lambda execution environment is its own machine.
 *
 * With bubblewrap (`bwrap`, Linux) the runtime runs in a new mount namespace built from nothing:
 * what sandbox-mounts.ts lists read-only (system folders, the code folder, the project folder,
 * layers, shared code, the engine, node_modules above them), and a private tmpfs /tmp of the
 * function's `ephemeralStorage` size (writing past it fails with ENOSPC, as on AWS). The host's
 * home and lambkin's own state are not there; the network is the host's. `--die-with-parent` also
 * kills it with the process that started it.
 *
 * Signals: lambkin stops a runtime with SIGTERM to its process group, then SIGKILL after a grace.
 * bwrap itself would die of that SIGTERM and take the runtime along at once (its child dies with
 * it), so bwrap starts with SIGTERM ignored (`env --ignore-signal=TERM`) and the runtime with it
 * restored to the default (`env --default-signal=TERM`, GNU coreutils ≥ 8.31): the runtime sees
 * the SIGTERM as it would unsandboxed, and bwrap goes when the runtime exits or at the SIGKILL.
 * bwrap does not start a new session, so runtime and bwrap stay in the group lambkin and its
 * watchdog signal.
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
import { mountArgs } from "./sandbox-mounts.ts";

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

/**
 * What the sandbox needs on the host: bwrap, and an `env` that can set signal dispositions; or,
 * when something is missing, why and what to do about it.
 */
type Tools = { bwrap: string; env: string } | { missing: string; fix: string };

let tools: Promise<Tools> | undefined;

async function which(platform: Platform, name: string): Promise<string | undefined> {
  for (const dir of (platform.env.PATH ?? "/usr/bin:/bin").split(":")) {
    if (!dir) continue;
    const info = await platform.stat(`${dir}/${name}`);
    if (info?.isFile) return `${dir}/${name}`;
  }
  return undefined;
}

/**
 * bwrap and env, found once per process and tried once as lambkin will run them: bwrap fails
 * where the kernel refuses unprivileged user namespaces (some containers, hardened kernels), and
 * that is better said once than as every function's exit.
 */
function findTools(platform: Platform): Promise<Tools> {
  tools ??= (async (): Promise<Tools> => {
    const install = "on Linux, install bubblewrap for a private /tmp per environment";
    // LAMBKIN_BWRAP names the bwrap to use, or `none` to run without one.
    const chosen = platform.env.LAMBKIN_BWRAP;
    if (chosen === "none") return { missing: "LAMBKIN_BWRAP is none", fix: "unset it to use bubblewrap" };
    const bwrap = chosen || (await which(platform, "bwrap"));
    if (!bwrap) return { missing: "bubblewrap (bwrap) is not installed", fix: install };
    if (!(await platform.stat(bwrap))?.isFile)
      return { missing: `LAMBKIN_BWRAP is ${bwrap}, which is not a file`, fix: "name bwrap's path or none" };
    const env = (await which(platform, "env")) ?? "/usr/bin/env";
    const probe = platform.spawn(
      [env, "--ignore-signal=TERM", bwrap, "--ro-bind", "/", "/", "--", env, "--default-signal=TERM", "true"],
      { cwd: "/", env: { PATH: "/usr/bin:/bin" } },
    );
    void probe.stdout.cancel();
    const [status, stderr] = await Promise.all([probe.exited, new Response(probe.stderr).text()]);
    if (status.code !== 0) {
      const why = stderr.trim().split("\n")[0] || `exit ${status.code ?? status.signal}`;
      return {
        missing: `the sandbox cannot start here (${why})`,
        fix: "bubblewrap needs unprivileged user namespaces, and env GNU coreutils 8.31 or later",
      };
    }
    return { bwrap, env };
  })();
  return tools;
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
    /** The config's or template's folder: mounted read-only (sandbox-mounts.ts). */
    projectDir: string | undefined;
    /** lambkin's own folders besides stateDir (the Event journal's): hidden. */
    hidden: string[];
    environmentId: number;
    warn(line: string): void;
  },
): Promise<SandboxedCommand> {
  const none: SandboxedCommand = { argv, env, exitStatus: same, cleanup: async () => {} };
  if (!options.enabled) return none;
  const found = await findTools(platform);
  // What cannot start on the host is left to the platform's spawn, which says what is missing and
  // the fix (failed-child.ts); nothing runs, so nothing runs unsandboxed.
  if ("bwrap" in found && !(await startsOnHost(platform, argv[0], fn.codeDir, env.PATH))) return none;
  if ("bwrap" in found) {
    const mounts = await mountArgs(platform, {
      fn,
      argv,
      path: env.PATH ?? "",
      projectDir: options.projectDir,
      home: platform.env.HOME,
      hidden: options.stateDir ? [options.stateDir, ...options.hidden] : options.hidden,
    });
    // The private /tmp first: a code folder that lives under the host's /tmp is mounted over it.
    const size = String(fn.ephemeralStorage * 1024 * 1024);
    return {
      argv: [
        found.env,
        "--ignore-signal=TERM",
        found.bwrap,
        "--die-with-parent",
        ...["--dev", "/dev", "--proc", "/proc", "--size", size, "--tmpfs", "/tmp"],
        ...mounts,
        ...["--chdir", fn.codeDir, "--", found.env, "--default-signal=TERM"],
        ...argv,
      ],
      env: sandboxEnv(env),
      exitStatus: fromBwrap,
      cleanup: none.cleanup,
    };
  }
  const host = platform.host;
  if (!host || !options.stateDir) return none;
  if (!warned) {
    warned = true;
    options.warn(
      `${found.missing}: each environment gets a TMPDIR of its own, but /tmp itself is shared and ephemeralStorage is not enforced (${found.fix}; --no-sandbox turns the sandbox off)`,
    );
  }
  const tmp = `${options.stateDir}/tmp-${options.environmentId}`;
  await host.mkdir(tmp);
  return { argv, env: { ...env, TMPDIR: tmp }, exitStatus: same, cleanup: () => host.remove(tmp) };
}

/**
 * Whether `program` could start in `cwd` on the host: its folder, the program (on `path` when it
 * has no slash), its permission and its `#!` interpreter are there. Inside bubblewrap a missing
 * one would only show as env's "No such file or directory".
 */
async function startsOnHost(
  platform: Platform,
  program: string | undefined,
  cwd: string,
  path: string | undefined,
): Promise<boolean> {
  if (!program || !(await platform.stat(cwd))?.isDirectory) return false;
  let file: string | undefined = program.startsWith("/") ? program : `${cwd}/${program}`;
  if (!program.includes("/")) {
    file = undefined;
    for (const dir of (path ?? "").split(":")) {
      if (dir && (await platform.stat(`${dir}/${program}`))?.isFile) {
        file = `${dir}/${program}`;
        break;
      }
    }
  }
  const info = file ? await platform.stat(file) : undefined;
  if (!file || !info?.isFile || (info.mode !== 0 && (info.mode & 0o111) === 0)) return false;
  const start = await platform.host?.readStart(file, 256);
  if (!start?.startsWith("#!")) return true;
  const interpreter = start.slice(2).split("\n", 1)[0]!.trim().split(/\s+/)[0];
  return !interpreter || (await platform.stat(interpreter)) !== undefined;
}

function sandboxEnv(env: Record<string, string>): Record<string, string> {
  // The host's home is not in the sandbox; caches that default under it go to the private /tmp.
  return { ...env, HOME: "/tmp", TMPDIR: "/tmp" };
}

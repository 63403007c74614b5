/**
 * `run(argv)`: the whole CLI as a function returning the exit status. `cli.ts` is only the
 * executable wrapper around it.
 */
import { readFileSync } from "node:fs";
import { CliError, parseArgs, UsageError } from "./args.ts";
import { type Output, processOutput } from "./output.ts";
import { COMMANDS, type CommandName, HELP, OPTIONS, USAGE } from "./usage.ts";

export interface RunOptions {
  out?: Output;
  /** Path of the executable script, for `start --host-engine` (which runs it on another engine). */
  self?: string;
}

/** lambkin's version, read from its package.json (beside `dist/` and `src/` alike). */
export function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

// Each command is imported when it runs: `lambkin --version`, `--help` and `invoke` against a
// running lambkin then load neither the emulator nor the watcher (measured: --version 518 → 204 ms
// on a loaded 2-core machine where bare node took 163 ms).
export async function run(argv: readonly string[], options: RunOptions = {}): Promise<number> {
  const out = options.out ?? processOutput;
  try {
    return await dispatch(argv, out, options);
  } catch (error) {
    if (error instanceof UsageError) {
      out.stderr(
        `lambkin: ${error.message}\n${USAGE[(error.command as CommandName | undefined) ?? "top"]}\n`,
      );
      return 2;
    }
    if (error instanceof CliError) {
      out.stderr(`lambkin: ${error.message}\n`);
      return error.exitCode;
    }
    const e = error as Error;
    // An unexpected failure: the stack helps a bug report, but only when asked for.
    out.stderr(`lambkin: ${e?.message ?? String(error)}\n`);
    if (process.env.LAMBKIN_DEBUG) out.stderr(`${e?.stack ?? ""}\n`);
    return 1;
  }
}

async function dispatch(argv: readonly string[], out: Output, options: RunOptions): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first.startsWith("-")) {
    const { values, positionals } = parseArgs(argv, OPTIONS.top);
    if (positionals.length > 0) throw new UsageError(`unknown command "${positionals[0]}"`);
    if (values.version) {
      out.stdout(`${version()}\n`);
      return 0;
    }
    if (values.help || first === undefined) {
      out.stdout(HELP.top);
      return 0;
    }
    return 0;
  }
  if (first === "help") {
    const topic = rest[0];
    if (topic !== undefined && !(COMMANDS as readonly string[]).includes(topic)) {
      throw new UsageError(`unknown command "${topic}" (commands: ${COMMANDS.join(", ")})`);
    }
    out.stdout(HELP[(topic as CommandName | undefined) ?? "top"]);
    return 0;
  }
  if (!(COMMANDS as readonly string[]).includes(first)) {
    throw new UsageError(`unknown command "${first}" (commands: ${COMMANDS.join(", ")})`);
  }
  const command = first as CommandName;
  const args = parseArgs(rest, OPTIONS[command], command);
  if (args.values.help) {
    out.stdout(HELP[command]);
    return 0;
  }
  if (args.values.version) {
    out.stdout(`${version()}\n`);
    return 0;
  }
  switch (command) {
    case "start":
      if (args.positionals.length > 0)
        throw new UsageError(`unexpected argument "${args.positionals[0]}"`, "start");
      return (await import("./start.ts")).startCommand(args, { out, self: options.self, argv: rest });
    case "invoke":
      return (await import("./invoke.ts")).invokeCommand(args, out);
    case "list":
      return (await import("./list.ts")).listCommand(args, out);
    case "init":
      return (await import("./init.ts")).initCommand(args, out);
    case "event":
      return (await import("./event.ts")).eventCommand(args, out);
  }
}

/**
 * A small, strict command-line parser. Strict because a typo in a flag (`--prot 3002`) that is
 * silently ignored starts lambkin on the wrong port; every unknown option is an error instead.
 * Hand-written rather than `node:util` parseArgs so the messages are ours and identical on Node,
 * Bun and Deno.
 */

/** A wrong command line: printed with the command's usage line, exit status 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
  /** The command whose usage line is printed with the message (undefined: the top level). */
  readonly command: string | undefined;

  constructor(message: string, command?: string) {
    super(message);
    this.command = command;
  }
}

/** A failure that is not a usage mistake (config, network, function error): exit status 1. */
export class CliError extends Error {
  override readonly name: string = "CliError";
  readonly exitCode: number;

  constructor(message: string, exitCode = 1) {
    super(message);
    this.exitCode = exitCode;
  }
}

export interface OptionSpec {
  /** `string` options take a value (`--port 3001` or `--port=3001`); `boolean` ones do not. */
  type: "string" | "boolean";
  /** The only values allowed, when the option is an enumeration. */
  choices?: readonly string[];
  /** A one-letter alias (`h` for `--help`). */
  short?: string;
}

export interface ParsedArgs {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
}

/**
 * Parses `argv` (without the command name) against `spec`. Options may come before or after
 * positionals; `--` ends options. A repeated option keeps its last value, as most CLIs do.
 */
export function parseArgs(
  argv: readonly string[],
  spec: Record<string, OptionSpec>,
  command?: string,
): ParsedArgs {
  const values: ParsedArgs["values"] = {};
  const positionals: string[] = [];
  const byShort = new Map<string, string>();
  for (const [name, option] of Object.entries(spec)) if (option.short) byShort.set(option.short, name);

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    // A lone "-" is a value (stdin), not an option.
    if (!arg.startsWith("-") || arg === "-") {
      positionals.push(arg);
      continue;
    }
    let name: string;
    let inline: string | undefined;
    if (arg.startsWith("--")) {
      const eq = arg.indexOf("=");
      name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      inline = eq < 0 ? undefined : arg.slice(eq + 1);
    } else {
      const long = arg.length === 2 ? byShort.get(arg[1]!) : undefined;
      if (long === undefined) throw new UsageError(`unknown option ${arg}`, command);
      name = long;
    }
    const option = Object.hasOwn(spec, name) ? spec[name] : undefined;
    if (!option) throw new UsageError(`unknown option --${name}`, command);
    if (option.type === "boolean") {
      if (inline !== undefined)
        throw new UsageError(`option --${name} takes no value, got "${inline}"`, command);
      values[name] = true;
      continue;
    }
    let value = inline;
    if (value === undefined) {
      const next = argv[i + 1];
      // `--payload -` is a value; `--port --host` is a forgotten value.
      if (next === undefined || (next.startsWith("--") && next.length > 2)) {
        throw new UsageError(`option --${name} needs a value`, command);
      }
      value = next;
      i++;
    }
    if (option.choices && !option.choices.includes(value)) {
      throw new UsageError(`--${name} must be one of ${option.choices.join(", ")}, got "${value}"`, command);
    }
    values[name] = value;
  }
  return { values, positionals };
}

/** A port number flag: a whole number 0–65535 (0 picks a free port). */
export function portValue(name: string, value: string, command: string): number {
  const port = /^\d+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isInteger(port) || port > 65535) {
    throw new UsageError(`--${name} must be a whole number 0–65535, got "${value}"`, command);
  }
  return port;
}

/**
 * The three JavaScript engines: how to run one of the bench's programs on each, and their
 * versions. The same binaries lambkin itself starts function runtimes with (core's
 * `defaultEngineCommands`), so a floor runtime and a lambkin runtime are the very same command.
 */
import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { defaultEngineCommands, type EngineCommands, type Platform } from "@lambkin/core";

export type Engine = "node" | "bun" | "deno";
export const ENGINES: readonly Engine[] = ["node", "bun", "deno"];

/** The repository root and the bench's own folders, as absolute paths ending in `/`. */
export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const BENCH = `${ROOT}bench/`;
export const DIST = `${BENCH}dist/`;

let commands: EngineCommands | undefined;

/** `node`/`bun`/`deno` command lines, and the path of `@lambkin/client`'s runtime entry. */
export function engineCommands(): EngineCommands {
  // Only `name` and `execPath` are read (the CLI's `--host-engine` does the same).
  commands ??= defaultEngineCommands({ name: "node", execPath: process.execPath } as Platform);
  return commands;
}

/** The command line that runs `script` (a file of bench/dist) on `engine`. */
export function scriptArgv(engine: Engine, script: string, engineFlags: string[] = []): string[] {
  const [program, ...args] = engineCommands()[engine];
  // --no-lock: Deno would otherwise write a deno.lock beside the nearest package.json.
  const extra = engine === "deno" ? ["--no-lock"] : [];
  return [program!, ...args, ...extra, ...engineFlags, `${DIST}${script}`];
}

/** Each engine's version, or the reason it cannot run here. */
export function engineVersions(): Record<Engine, string> {
  const out = { node: process.version } as Record<Engine, string>;
  for (const engine of ["bun", "deno"] as const) {
    const [program] = engineCommands()[engine];
    try {
      const text = execFileSync(program!, ["--version"], { encoding: "utf8", timeout: 20_000 });
      // `deno --version` prints three lines (deno, v8, typescript); the first is the engine's.
      out[engine] = text
        .split("\n")[0]!
        .replace(/^deno\s+/, "")
        .replace(/\s*\(.*$/, "")
        .trim();
    } catch (error) {
      out[engine] = `unavailable: ${(error as Error).message.split("\n")[0]}`;
    }
  }
  return out;
}

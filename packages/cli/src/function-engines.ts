/**
 * The engines that run the config's `node`, `bun` and `deno` functions, found before anything
 * starts. Without this, a `runtime: "bun"` function in a project without Bun starts "fine" and
 * then answers every invoke with `Runtime.ExitError … exit status 127`; `lambkin start` refuses
 * instead, naming the function, the engine and the fix.
 *
 * Where each engine comes from, first found wins: the engine hosting lambkin runs its own kind;
 * else the project's `node_modules/.bin` (from the config's folder up, as npm links a dev
 * dependency there: `npm i -D bun`); else the `bun`/`deno` package core resolves beside itself;
 * else the PATH.
 */
import { accessSync, constants, existsSync, realpathSync } from "node:fs";
import { delimiter, dirname, isAbsolute, join } from "node:path";
import {
  defaultEngineCommands,
  ENGINE_NAMES,
  type EngineCommands,
  type EngineName,
  type LambkinConfig,
  type Platform,
  resolveConfig,
} from "@lambkin/core";
import { CliError } from "./args.ts";

/** How to get each engine, as the messages say it. */
export const ENGINE_FIX: Record<EngineName, string> = {
  node: "install Node.js 20.19+ on PATH (https://nodejs.org)",
  bun: "npm i -D bun, or install Bun on PATH (https://bun.sh)",
  deno: "npm i -D deno, or install Deno on PATH (https://deno.com)",
};

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** `name` in a `node_modules/.bin` from `dir` up to the root, resolved to the file it links to. */
function inProjectBin(name: string, dir: string): string | undefined {
  for (let at = dir; ; at = dirname(at)) {
    const bin = join(at, "node_modules", ".bin", name);
    if (existsSync(bin) && executable(bin)) return realpathSync(bin);
    if (dirname(at) === at) return undefined;
  }
}

/** `name` on `PATH`, as a shell finds it. */
function onPath(name: string, path: string | undefined): string | undefined {
  for (const dir of (path ?? "").split(delimiter)) {
    if (dir === "") continue;
    const file = join(dir, name);
    if (executable(file)) return file;
  }
  return undefined;
}

/**
 * `defaults` (core's lookup) with each engine the config's functions use found as described
 * above; throws a CliError listing every function whose engine is missing.
 */
export function functionEngines(
  functions: ReadonlyMap<string, { runtime: string }>,
  defaults: EngineCommands,
  host: EngineName,
  projectDir: string,
  env: Record<string, string | undefined> = process.env,
): EngineCommands {
  const engines: EngineCommands = { ...defaults };
  const missing: string[] = [];
  for (const engine of ENGINE_NAMES) {
    const users = [...functions].filter(([, fn]) => fn.runtime === engine).map(([name]) => name);
    if (users.length === 0 || engine === host) continue;
    const [program, ...args] = defaults[engine];
    const found =
      inProjectBin(engine, projectDir) ??
      (program && isAbsolute(program) && executable(program) ? program : undefined) ??
      onPath(engine, env.PATH);
    if (found) engines[engine] = [found, ...args];
    else {
      const which =
        users.length === 1
          ? `function "${users[0]}" runs`
          : `functions ${users.map((u) => `"${u}"`).join(", ")} run`;
      missing.push(
        `${which} on ${engine}, which is not in ${join(projectDir, "node_modules/.bin")} nor on PATH: ${ENGINE_FIX[engine]}`,
      );
    }
  }
  if (missing.length > 0) throw new CliError(missing.join("\nlambkin: "));
  return engines;
}

/**
 * The engines to start `config`'s functions with on `platform` (its functions resolved as core
 * resolves them): what `lambkin start` and a one-shot `lambkin invoke` pass to createLambkin.
 */
export async function enginesFor(
  config: LambkinConfig,
  baseDir: string,
  platform: Platform,
): Promise<EngineCommands> {
  const { functions } = await resolveConfig(config, baseDir, platform);
  return functionEngines(functions, defaultEngineCommands(platform), platform.name as EngineName, baseDir);
}

/**
 * Finding and reading the config file: `lambkin.config.json`, or a `.ts`/`.js`/`.mjs` module whose
 * default export is the config object. Validation itself is core's (`resolveConfig`); this file
 * only turns a path into an object and says precisely what is wrong when it cannot.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, extname, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import type { LambkinConfig } from "@lambkin/core";
import { CliError } from "./args.ts";
import { currentEngine } from "./current-engine.ts";
import { locateJsonError } from "./json-error.ts";

/** Tried in this order in the working directory when no `--config` is given. */
export const DEFAULT_CONFIG_FILES = [
  "lambkin.config.json",
  "lambkin.config.ts",
  "lambkin.config.mjs",
  "lambkin.config.js",
];

export interface LoadedConfig {
  /** The config as the file holds it (not validated yet). */
  config: LambkinConfig;
  /** Absolute path of the file. */
  file: string;
  /** The file's folder: relative `codeDir`s start here. */
  baseDir: string;
}

/** A config file that cannot be read, parsed or imported. Printed as `lambkin: <message>`, exit 1. */
export class ConfigFileError extends CliError {
  override readonly name = "ConfigFileError";
}

/** Typed identity for `lambkin.config.ts`: `export default defineConfig({ functions: {…} })`. */
export function defineConfig(config: LambkinConfig): LambkinConfig {
  return config;
}

/**
 * Reads the config at `path` (relative to `cwd`), or the first of `DEFAULT_CONFIG_FILES` in `cwd`.
 */
export async function loadConfig(path?: string, cwd: string = process.cwd()): Promise<LoadedConfig> {
  let file: string;
  if (path !== undefined) {
    file = resolve(cwd, path);
    if (!existsSync(file)) throw new ConfigFileError(`no config file at ${file}`);
  } else {
    const found = DEFAULT_CONFIG_FILES.map((name) => resolve(cwd, name)).find((f) => existsSync(f));
    if (!found) {
      throw new ConfigFileError(
        `no lambkin.config.json in ${cwd} (create one, or pass --config FILE; .ts, .js and .mjs work too)`,
      );
    }
    file = found;
  }
  const ext = extname(file);
  let config: unknown;
  if (ext === ".json") config = readJson(file);
  else if ([".ts", ".mts", ".js", ".mjs", ".cjs"].includes(ext)) config = await importConfig(file, ext);
  else {
    throw new ConfigFileError(
      `${file}: a config file must end in .json, .ts, .js or .mjs, got "${ext || file}"`,
    );
  }
  if (typeof config !== "object" || config === null || Array.isArray(config)) {
    throw new ConfigFileError(
      `${file}: the config must be an object with "functions", got ${JSON.stringify(config)}`,
    );
  }
  return { config: config as LambkinConfig, file, baseDir: dirname(file) };
}

function readJson(file: string): unknown {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new ConfigFileError(`cannot read ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const where = locateJsonError(text);
    if (where)
      throw new ConfigFileError(`${file}:${where.line}:${where.column}: invalid JSON: ${where.message}`);
    throw new ConfigFileError(`${file}: invalid JSON: ${(error as Error).message}`);
  }
}

async function importConfig(file: string, ext: string): Promise<unknown> {
  const url = pathToFileURL(file).href;
  let module: Record<string, unknown>;
  try {
    if ((ext === ".ts" || ext === ".mts") && currentEngine() === "node") {
      // Node 20 cannot import TypeScript; tsx's API loads this one file without registering
      // itself for the rest of the process. Imported lazily so Bun and Deno never load it.
      const { tsImport } = await import("tsx/esm/api");
      module = await tsImport(url, import.meta.url);
    } else {
      module = await import(url);
    }
  } catch (error) {
    const e = error as Error;
    throw new ConfigFileError(`cannot load ${file}: ${e.name === "Error" ? "" : `${e.name}: `}${e.message}`);
  }
  if (!("default" in module) || module.default === undefined) {
    throw new ConfigFileError(
      `${file} has no default export: write \`export default { functions: { … } }\` (or module.exports = …)`,
    );
  }
  let config = module.default as Record<string, unknown>;
  // A `.ts` file in a CommonJS package is compiled to CJS, whose namespace nests the real default
  // one level deeper (`{ default: { default: config } }`).
  if (config && typeof config === "object" && !("functions" in config) && "default" in config) {
    config = config.default as Record<string, unknown>;
  }
  return config;
}

/**
 * Runs `step`, turning core's ConfigError (which names the function and key) into the CLI's error
 * with the file added, so the user knows where: `lambkin.config.json: functions.hello.timeout …`.
 */
export async function namingConfigFile<T>(shownFile: string, step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (error) {
    if ((error as Error).name === "ConfigError")
      throw new CliError(`${shownFile}: ${(error as Error).message}`);
    throw error;
  }
}

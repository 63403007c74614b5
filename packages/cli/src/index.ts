/**
 * lambkin's programmatic side: the CLI as `run(argv)`, and the config loader it uses. To start the
 * emulator from code, use the adapter of your engine (`@lambkin/node`'s `start`, …).
 */
export { CliError, type OptionSpec, type ParsedArgs, parseArgs, UsageError } from "./args.ts";
export {
  ConfigFileError,
  DEFAULT_CONFIG_FILES,
  defineConfig,
  type LoadedConfig,
  loadConfig,
} from "./config-file.ts";
export { currentEngine, type EngineName, engineCommand, loadPlatform } from "./engine.ts";
export { locateJsonError } from "./json-error.ts";
export { colourFor, jsonSink, type LogFormat, textSink, useColour } from "./log-format.ts";
export type { Output } from "./output.ts";
export { type RunOptions, run, version } from "./run.ts";

/**
 * Where `lambkin invoke` and `lambkin list` find the running lambkin: the same config
 * `lambkin start` serves, so `npx lambkin start` in one terminal and `npx lambkin invoke fn` in
 * another meet on the config's port without flags. Explicit beats implicit:
 *
 *   1. `--endpoint URL`
 *   2. `--config FILE`: its `host` and `port`
 *   3. `$LAMBKIN_ENDPOINT`
 *   4. the working folder's config (lambkin.config.json, .ts, .mjs, .js): its `host` and `port`
 *   5. http://127.0.0.1:3001, lambkin start's default
 */
import { existsSync } from "node:fs";
import { relative, resolve } from "node:path";
import { CliError } from "./args.ts";
import { DEFAULT_CONFIG_FILES, type LoadedConfig, loadConfig } from "./config-file.ts";
import { DEFAULT_ENDPOINT, endpointOf } from "./invoke-api-client.ts";

export interface FoundEndpoint {
  /**
   * Undefined when the config says `"port": 0` (a new port at each start): no running lambkin can
   * be found from it. `lambkin invoke` then runs the function once from the config; other commands
   * call `endpointUrl()`, which says to pass --endpoint.
   */
  url: URL | undefined;
  /** Where the URL came from, for messages: `--endpoint`, `lambkin.config.json (port 3001)`, … */
  source: string;
  /** The config the port was read from, when it was (a one-shot invoke can start from it). */
  config?: LoadedConfig;
}

export interface EndpointFlags {
  endpoint?: string;
  config?: string;
}

/** Finds the Invoke API endpoint of the lambkin a command means; see the order above. */
export async function findEndpoint(
  flags: EndpointFlags,
  env: Record<string, string | undefined>,
  command: string,
  cwd: string = process.cwd(),
): Promise<FoundEndpoint> {
  if (flags.endpoint !== undefined) {
    return { url: endpointOf(flags.endpoint, env, command), source: "--endpoint" };
  }
  if (flags.config !== undefined) return fromConfig(await loadConfig(flags.config, cwd), cwd);
  if (env.LAMBKIN_ENDPOINT) {
    return { url: endpointOf(undefined, env, command), source: "LAMBKIN_ENDPOINT" };
  }
  const found = DEFAULT_CONFIG_FILES.some((name) => existsSync(resolve(cwd, name)));
  if (found) return fromConfig(await loadConfig(undefined, cwd), cwd);
  return { url: new URL(DEFAULT_ENDPOINT), source: "the default endpoint" };
}

function fromConfig(loaded: LoadedConfig, cwd: string): FoundEndpoint {
  const shown = relative(cwd, loaded.file) || loaded.file;
  const { port, host } = loaded.config as { port?: unknown; host?: unknown };
  const defaultPort = Number(new URL(DEFAULT_ENDPOINT).port);
  if (port === 0) return { url: undefined, source: `${shown} (port 0)`, config: loaded };
  const portNumber = typeof port === "number" ? port : defaultPort;
  const url = new URL(`http://${connectHost(typeof host === "string" ? host : undefined)}:${portNumber}`);
  return { url, source: `${shown} (port ${portNumber})`, config: loaded };
}

/** The address to connect to for a listen address: a wildcard listens on loopback too. */
function connectHost(host: string | undefined): string {
  if (host === undefined || host === "" || host === "0.0.0.0") return "127.0.0.1";
  if (host === "::" || host === "[::]") return "[::1]";
  return host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
}

/** `found.url`, or the error that says why there is none and what to pass instead. */
export function endpointUrl(found: FoundEndpoint): URL {
  if (found.url) return found.url;
  const file = found.source.replace(/ \(port 0\)$/, "");
  throw new CliError(
    `${file} sets "port": 0 (a free port picked at each start), so the port of the running lambkin is not known: pass --endpoint with the URL its ready line printed`,
  );
}

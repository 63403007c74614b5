/**
 * The one engine table: the JavaScript engines lambkin runs on and runs functions on, how each is
 * found, and how Lambda names what runs there (`AWS_EXECUTION_ENV`, GetFunction's `Runtime`).
 * The CLI's `--host-engine` choices, the config's runtimes and the adapters all read it.
 */

/** The engines, in the order lambkin lists them. */
export const ENGINE_NAMES = ["node", "bun", "deno"] as const;
export type EngineName = (typeof ENGINE_NAMES)[number];

export const isEngineName = (name: string): name is EngineName =>
  (ENGINE_NAMES as readonly string[]).includes(name);

/** The programs that run `node`/`bun`/`deno` functions, and the runtime client they run. */
export interface EngineCommands {
  node: string[];
  bun: string[];
  deno: string[];
  /** Absolute path of `@lambkin/client`'s runtime entry (`dist/runtime.js`); unset when not installed. */
  client: string | undefined;
}

/** The engine hosting lambkin, as far as the table needs it (a `Platform` is one). */
export interface HostEngine {
  readonly name: string;
  readonly execPath: string;
  readonly version?: string;
}

function resolveFile(specifier: string): string | undefined {
  try {
    const url = import.meta.resolve(specifier);
    return url.startsWith("file:") ? decodeURIComponent(new URL(url).pathname) : undefined;
  } catch {
    return undefined;
  }
}

const dirname = (path: string) => path.slice(0, path.lastIndexOf("/"));

/**
 * Finds each engine: the one hosting lambkin runs its own binary; the others come from the
 * workspace's `bun` and `deno` npm packages, falling back to the PATH.
 */
export function engineCommands(host: HostEngine): EngineCommands {
  const self = (name: EngineName) => (host.name === name ? host.execPath : undefined);
  const bunPkg = resolveFile("bun/package.json");
  const denoPkg = resolveFile("deno/package.json");
  return {
    node: [self("node") ?? "node"],
    bun: [self("bun") ?? (bunPkg ? `${dirname(bunPkg)}/bin/bun.exe` : "bun")],
    deno: [self("deno") ?? (denoPkg ? `${dirname(denoPkg)}/deno` : "deno"), "run", "-A"],
    client: resolveFile("@lambkin/client/runtime"),
  };
}

/** `engineCommands` for the platform hosting lambkin (kept under its first name). */
export const defaultEngineCommands = (host: HostEngine): EngineCommands => engineCommands(host);

/**
 * Node's major version for a `node` function, when it is known: the function runs on the very
 * node binary hosting lambkin. Another node (found on the PATH) is not run just to ask.
 */
function knownNodeMajor(runtime: string, host: HostEngine, engines: EngineCommands): string | undefined {
  if (runtime !== "node" || host.name !== "node" || engines.node[0] !== host.execPath) return undefined;
  return host.version?.replace(/^v/, "").split(".")[0];
}

/**
 * `AWS_EXECUTION_ENV`: Lambda names the managed Node runtime by its major version
 * (`AWS_Lambda_nodejs22.x`). Left out where the version is not known, as for custom runtimes,
 * rather than guessed.
 */
export function executionEnv(runtime: string, host: HostEngine, engines: EngineCommands): string | undefined {
  const major = knownNodeMajor(runtime, host, engines);
  return major === undefined ? undefined : `AWS_Lambda_nodejs${major}.x`;
}

/**
 * GetFunction's `Runtime`: `nodejsNN.x` for a Node function (the host's major when it runs the
 * function, else 20, the oldest Node lambkin supports — *unsure*: the real version of a node found
 * on the PATH is not asked); Bun, Deno and custom runtimes are `provided.al2023` on Lambda.
 */
export function lambdaRuntimeId(runtime: string, host: HostEngine, engines: EngineCommands): string {
  if (runtime !== "node") return "provided.al2023";
  return `nodejs${knownNodeMajor(runtime, host, engines) ?? "20"}.x`;
}

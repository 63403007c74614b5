/**
 * What a sandboxed runtime sees of the host (sandbox.ts): bubblewrap's mount arguments.
 *
 * On AWS the deployment package holds everything a function needs; locally the project's own
 * layout must just work, so besides the code folder (read-only, as /var/task is) these are mounted
 * read-only at their own paths:
 * - the system folders (/usr, /etc, …) and the folders on the runtime's PATH (a version manager's
 *   whole folder for its `shims`: pyenv, rbenv, asdf), and where
 *   /etc/resolv.conf links to (name resolution works as on the host);
 * - the project folder (the config's or template's), unless it is the home folder or above it;
 * - the layers, and the folders the function's `watch` globs start from (shared code: `../lib`);
 * - the engine and the files its command names, with their folders;
 * - every `node_modules` folder above each of those (a monorepo's hoisted dependencies), and the
 *   folders its top-level links point at (npm/pnpm/Bun workspaces link packages from elsewhere).
 * Nothing else: not the rest of the home folder, not lambkin's state (the watchdog's folder, the
 * Event journal's folder), which are covered by empty folders when they lie inside the above.
 */
import type { ResolvedFunction } from "./config.ts";
import type { HostFiles, Platform } from "./platform.ts";

const SYSTEM_DIRS = ["/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/opt"];
/** Files of /etc that often link elsewhere and that the network needs. */
const NETWORK_FILES = ["/etc/resolv.conf", "/etc/hosts"];

export interface MountInput {
  fn: ResolvedFunction;
  /** The runtime's command line (absolute engine and runtime files are mounted). */
  argv: string[];
  /** The runtime's PATH. */
  path: string;
  /** The config's or template's folder. */
  projectDir: string | undefined;
  /** The host's home folder: never mounted as a whole. */
  home: string | undefined;
  /** lambkin's own folders (state, journal): hidden even when inside a mounted folder. */
  hidden: string[];
}

const parentOf = (path: string) => path.slice(0, Math.max(path.lastIndexOf("/"), 1));

const isWithin = (path: string, dir: string) =>
  path === dir || path.startsWith(dir === "/" ? "/" : `${dir}/`);

/** The folder a glob starts from: its path up to the first segment with a glob character. */
export function globBase(glob: string): string {
  const parts = glob.split("/");
  const first = parts.findIndex((part) => /[*?[\]{}()!]/.test(part));
  const base = (first === -1 ? parts : parts.slice(0, first)).join("/");
  return base.replace(/\/+$/, "") || "/";
}

/**
 * Recent answers: environments started together (a burst of invokes, a reload under load) share
 * one look at the disk; one started 2 s later looks again, so a folder that appeared since (an
 * `npm install`) is seen.
 */
const recent = new Map<string, { until: number; args: Promise<string[]> }>();
const REUSE_MS = 2000;

/** bubblewrap arguments (`--ro-bind`, `--tmpfs`) that make the folders above visible. */
export function mountArgs(platform: Platform, input: MountInput): Promise<string[]> {
  const { fn } = input;
  const key = JSON.stringify([
    fn.codeDir,
    fn.layers,
    fn.watch,
    input.argv,
    input.path,
    input.projectDir,
    input.home,
    input.hidden,
  ]);
  const now = performance.now();
  for (const [k, v] of recent) if (v.until < now) recent.delete(k);
  const hit = recent.get(key);
  if (hit) return hit.args;
  const args = lookAtDisk(platform, input);
  recent.set(key, { until: now + REUSE_MS, args });
  return args;
}

async function lookAtDisk(platform: Platform, input: MountInput): Promise<string[]> {
  const { fn, home } = input;
  // Whole trees a user may mean: never "/", the home folder or anything above it.
  const tooWide = (dir: string) => dir === "/" || (home !== undefined && isWithin(home, dir));
  const wanted = new Set<string>();
  const trees: string[] = [];
  const addTree = (dir: string | undefined) => {
    if (!dir?.startsWith("/") || tooWide(dir)) return;
    wanted.add(dir);
    trees.push(dir);
  };
  for (const dir of SYSTEM_DIRS) wanted.add(dir);
  addTree(fn.codeDir);
  addTree(input.projectDir);
  for (const layer of fn.layers) addTree(layer);
  for (const glob of fn.watch) addTree(globBase(glob));
  // The engine and the files the command names (e.g. @lambkin/client's runtime.js) come with
  // their folder (a bundle's lazy chunks) and the node_modules folders above it (what it imports,
  // e.g. tsx for TypeScript handlers).
  for (const arg of input.argv) {
    if (!arg.startsWith("/") || isWithin(arg, fn.codeDir)) continue;
    const info = await platform.stat(arg);
    if (!info) continue;
    const dir = info.isFile ? parentOf(arg) : arg;
    if (!tooWide(dir)) wanted.add(dir);
    trees.push(dir);
  }
  const modules: string[] = [];
  for (const tree of trees) {
    for (let up = tree; ; up = parentOf(up)) {
      const dir = up === "/" ? "/node_modules" : `${up}/node_modules`;
      if (!wanted.has(dir) && (await platform.stat(dir))?.isDirectory) {
        wanted.add(dir);
        modules.push(dir);
      }
      if (up === "/") break;
    }
  }
  if (platform.host) {
    // The network is the host's: name resolution too, where /etc/resolv.conf links out of /etc
    // (systemd-resolved's /run/systemd/resolve/stub-resolv.conf on Ubuntu, Fedora, …).
    for (const file of NETWORK_FILES) {
      const target = await platform.host.realPath(file);
      if (target && target !== file) wanted.add(target);
    }
    for (const dir of [...modules, `${fn.codeDir}/node_modules`]) {
      for (const target of await linkedPackages(platform.host, dir)) wanted.add(target);
    }
  }
  // The runtime's PATH, but not the host's /tmp (the sandbox has its own). A version manager's
  // `shims` folder (pyenv, rbenv, asdf, nodenv) runs interpreters kept beside it: its whole folder.
  for (const dir of input.path.split(":")) {
    if (!dir.startsWith("/") || isWithin(dir, "/tmp")) continue;
    const manager = dir.endsWith("/shims") ? parentOf(dir) : undefined;
    wanted.add(manager && !tooWide(manager) ? manager : dir);
  }

  // Parents before children, and nothing already inside a mounted folder.
  const mounted: string[] = [];
  for (const dir of [...wanted].sort()) {
    if (mounted.some((m) => isWithin(dir, m))) continue;
    if (!(await platform.stat(dir))) continue;
    mounted.push(dir);
  }
  const args = mounted.flatMap((dir) => ["--ro-bind", dir, dir]);
  for (const dir of input.hidden) {
    if (mounted.some((m) => isWithin(dir, m) && dir !== m) && (await platform.stat(dir))?.isDirectory)
      args.push("--tmpfs", dir);
  }
  return args;
}

/**
 * Where the top-level links of a node_modules folder point (`name` and `@scope/name`): workspace
 * packages a package manager linked in from elsewhere in the repository.
 */
async function linkedPackages(host: HostFiles, dir: string): Promise<string[]> {
  const targets: string[] = [];
  const visit = async (folder: string, depth: number) => {
    for (const entry of await host.readDir(folder)) {
      if (entry.name.startsWith(".")) continue;
      const path = `${folder}/${entry.name}`;
      if (entry.isSymbolicLink) {
        const target = await host.realPath(path);
        if (target && !isWithin(target, dir)) targets.push(target);
      } else if (depth === 0 && entry.isDirectory && entry.name.startsWith("@")) {
        await visit(path, 1);
      }
    }
  };
  await visit(dir, 0);
  return targets;
}

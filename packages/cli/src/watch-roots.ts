/**
 * Which files belong to which function while `lambkin start` watches: its code folder (minus what
 * is never code: dependencies, dot-folders, build outputs, editor temp files), its `watch` globs
 * (taken as written: a glob into `node_modules` or `dist` watches it) and its env files.
 */
import { relative, sep } from "node:path";
import picomatch from "picomatch";

/** Folders inside a code folder that are not its source: dependencies and build outputs. */
const NOT_SOURCE = new Set(["node_modules", "dist", "build", "out", "coverage", "cdk.out", "target"]);

/**
 * What editors write next to a file while saving it (and delete or rename right after): vim's
 * swap, backup and `4913` probe, emacs' lock and autosave, JetBrains' safe-write copies,
 * Chrome/VS Code's `.crswap`, and generic `~` and `.tmp` files.
 */
const EDITOR_TEMP = [
  /~$/,
  /\.sw[a-px]$/,
  /^4913$/,
  /^\.#/,
  /^#.*#$/,
  /___jb_(tmp|old)___$/,
  /\.crswap$/,
  /\.tmp$/,
];

export function isEditorTemp(path: string): boolean {
  const name = path.slice(path.lastIndexOf("/") + 1);
  return EDITOR_TEMP.some((pattern) => pattern.test(name));
}

/** One place a function's code can change. */
export type Root =
  | { kind: "dir"; path: string }
  | { kind: "glob"; path: string; matches: (file: string) => boolean }
  | { kind: "file"; path: string };

export interface WatchedFunction {
  name: string;
  codeDir: string;
  watch: readonly string[];
  envFiles: readonly string[];
}

export function rootsOf(fn: WatchedFunction): Root[] {
  const roots: Root[] = [{ kind: "dir", path: fn.codeDir }];
  for (const glob of fn.watch) {
    const { base, isGlob } = picomatch.scan(glob);
    if (!isGlob) roots.push({ kind: "dir", path: glob.replace(/\/+$/, "") });
    else roots.push({ kind: "glob", path: base, matches: picomatch(glob, { dot: true }) });
  }
  for (const file of fn.envFiles) roots.push({ kind: "file", path: file });
  return roots;
}

/** `path` relative to `root` when inside it ("" for the root itself), else undefined. */
function inside(root: string, path: string): string | undefined {
  if (path === root) return "";
  if (!path.startsWith(root.endsWith(sep) ? root : root + sep)) return undefined;
  return relative(root, path);
}

/** Whether a change at `path` is one of `root`'s (a file or folder the root covers). */
export function covers(root: Root, path: string, isDir = false): boolean {
  if (isEditorTemp(path)) return false;
  const rel = inside(root.path, path);
  if (rel === undefined) return false;
  switch (root.kind) {
    case "file":
      return rel === "";
    case "dir":
      return !rel
        .split(sep)
        .some(
          (part, i, parts) =>
            part.startsWith(".") || (NOT_SOURCE.has(part) && (isDir || i < parts.length - 1)),
        );
    case "glob":
      // A folder on the way to matching files is walked; a file must match.
      return isDir || rel === "" || root.matches(path);
  }
}

/** Whether the watcher can skip `path` and all below it: no root of any function covers it. */
export function ignoredBy(roots: readonly Root[], path: string, isDir: boolean | undefined): boolean {
  // Unknown kind (chokidar asks before it has stats): decided as a folder, and asked again later.
  const dir = isDir ?? true;
  for (const root of roots) {
    if (covers(root, path, dir)) return false;
    // An ancestor of a root is walked on the way to it.
    if (dir && inside(path, root.path) !== undefined) return false;
  }
  return true;
}

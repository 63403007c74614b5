/**
 * `lambkin start` watching (on unless `--no-watch`): a save in a function's code folder, its
 * `watch` globs or its env files recycles that function with one new environment pre-warmed, so
 * every invoke after the reload line runs the new code and the next one is warm; an edit of the
 * config file updates the running lambkin. A burst of events (an editor writing through a temp
 * file and a rename) is one reload. Files are watched with chokidar, which smooths over what
 * fs.watch reports differently on each platform and engine.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, relative } from "node:path";
import { type LambkinConfig, type LogSink, platformLine, type ResolvedConfig } from "@lambkin/core";
import { type FSWatcher, watch } from "chokidar";
import { ignoredBy, type Root, rootsOf } from "./watch-roots.ts";

/** What the watcher needs of a running lambkin (core's `Lambkin`). */
export interface Reloadable {
  readonly config: ResolvedConfig;
  recycle(functionName: string, reason: string, options?: { prewarm?: boolean }): Promise<void>;
  update(config: LambkinConfig): Promise<{ added: string[]; removed: string[]; changed: string[] }>;
}

export interface WatchOptions {
  lambkin: Reloadable;
  /** The config file and the templates it was built from, absolute. */
  projectFiles: readonly string[];
  /** Reads the config file again, with the command line's overrides; throws the message `start` would. */
  readConfig(): Promise<LambkinConfig>;
  /** The newest generation of a function's environments known so far. */
  generation(functionName: string): number | undefined;
  /** Notes a generation started by a reload (so two quick saves count 2, 3 before any event). */
  setGeneration?(functionName: string, generation: number): void;
  log: LogSink;
  /** Quiet time that ends a burst of events. */
  debounceMs?: number;
}

export interface Watching {
  /** Resolves when the first scan is done and changes are being seen. */
  ready: Promise<void>;
  close(): Promise<void>;
}

/**
 * Editors write a save within a few milliseconds (vim's probe, backup rename and write; a
 * JetBrains temp file renamed over the original); every millisecond here is a millisecond
 * before the new code can answer.
 */
const DEBOUNCE_MS = 15;
const LAMBKIN = "lambkin";

export function startWatching(options: WatchOptions): Watching {
  const { lambkin, log } = options;
  const projectFiles = new Set(options.projectFiles);
  const debounceMs = options.debounceMs ?? DEBOUNCE_MS;
  const say = (functionName: string, line: string) => platformLine(log, functionName, undefined, line);
  const shown = (path: string) => relative(process.cwd(), path) || path;

  let roots = new Map<string, Root[]>();
  let watched = new Set<string>();
  // Files lambkin itself writes (the Event journal, destination files): a change there is no
  // change of code, even when they sit in a code folder.
  let ownFiles = new Set<string>();
  const allRoots = () => [...roots.values()].flat();
  const watcher: FSWatcher = watch([], {
    ignoreInitial: true,
    ignored: (path, stats) => ownFiles.has(path) || ignoredBy(allRoots(), path, stats?.isDirectory()),
  });
  // The config, templates and env files are watched through their folders (not recursively):
  // editors replace a file by renaming another over it, and a watch on the file itself does not
  // survive that on every engine (Deno's fs.watch loses it).
  let configFiles = new Set<string>();
  let configDirs = new Set<string>();
  const configWatcher: FSWatcher = watch([], {
    ignoreInitial: true,
    depth: 0,
    ignored: (path, stats) => !configDirs.has(path) && !configFiles.has(path) && stats !== undefined,
  });

  /** Watches what the running config names, and stops watching what it no longer does. */
  const sync = () => {
    ownFiles = lambkinWrites(lambkin.config);
    roots = new Map(
      [...lambkin.config.functions.values()].map((fn) => [
        fn.name,
        rootsOf({ name: fn.name, codeDir: fn.codeDir, watch: fn.watch ?? [], envFiles: fn.envFiles ?? [] }),
      ]),
    );
    const next = new Set(allRoots().flatMap((root) => (root.kind === "file" ? [] : [root.path])));
    const added = [...next].filter((p) => !watched.has(p));
    const removed = [...watched].filter((p) => !next.has(p));
    if (removed.length > 0) watcher.unwatch(removed);
    if (added.length > 0) watcher.add(added);
    watched = next;
    configFiles = new Set([
      ...projectFiles,
      ...allRoots().flatMap((root) => (root.kind === "file" ? [root.path] : [])),
    ]);
    const dirs = new Set([...configFiles].map((file) => dirname(file)));
    const newDirs = [...dirs].filter((d) => !configDirs.has(d));
    const oldDirs = [...configDirs].filter((d) => !dirs.has(d));
    configDirs = dirs;
    if (oldDirs.length > 0) configWatcher.unwatch(oldDirs);
    if (newDirs.length > 0) configWatcher.add(newDirs);
  };

  const pending = new Map<string, { files: string[]; timer: ReturnType<typeof setTimeout> }>();
  /** Collects a burst of changes for one function (or the config) and acts once it is quiet. */
  const schedule = (key: string, file: string, act: (files: string[]) => void) => {
    const entry = pending.get(key) ?? { files: [], timer: undefined as never };
    clearTimeout(entry.timer);
    if (!entry.files.includes(file)) entry.files.push(file);
    entry.timer = setTimeout(() => {
      pending.delete(key);
      act(entry.files);
    }, debounceMs);
    pending.set(key, entry);
  };

  /** Functions whose code folder is gone, said once until it is back. */
  const gone = new Set<string>();
  const codeFolderGone = (name: string, dir: string) => {
    if (gone.has(name)) return;
    gone.add(name);
    // A "provided" program is looked for before it is started (Runtime.InvalidEntrypoint); the
    // others' engines start and exit at once.
    const provided = lambkin.config.functions.get(name)?.runtime === "provided";
    const answer = provided ? "Runtime.InvalidEntrypoint" : "Runtime.ExitError";
    say(name, `Code folder ${shown(dir)} was deleted: invokes answer ${answer} until it is back`);
    void lambkin.recycle(name, `${shown(dir)} deleted`).catch(() => {});
    // chokidar drops a folder that is gone; watched again, it is seen when it comes back.
    watcher.unwatch(dir);
    watcher.add(dir);
  };

  const reload = (name: string, files: string[]) => {
    // The code folder gone: whether chokidar reported the folder itself or (now and then) only the
    // files in it, its absence is looked at here, once.
    const codeDir = roots.get(name)?.[0]?.path;
    if (codeDir && !existsSync(codeDir)) return codeFolderGone(name, codeDir);
    gone.delete(name);
    const what = files.length === 1 ? shown(files[0]!) : `${shown(files[0]!)} and ${files.length - 1} more`;
    // Generations count from 1 and each recycle starts the next; the events of the new one may
    // come only after this line.
    const before = options.generation(name) ?? 1;
    const done = lambkin.recycle(name, `${what} changed`, { prewarm: true });
    const generation = Math.max(options.generation(name) ?? 0, before + 1);
    options.setGeneration?.(name, generation);
    say(name, `Reloaded: ${what} changed (generation ${generation})`);
    // Shown now rather than with the next batch of log lines: it is what the user waits for.
    (log as { flush?: () => void }).flush?.();
    done.catch((error: unknown) => say(name, `Reload failed: ${(error as Error).message}`));
  };

  const reloadConfig = async (files: string[]) => {
    let config: LambkinConfig;
    try {
      config = await options.readConfig();
      const { added, removed, changed } = await lambkin.update(config);
      const parts = [
        added.length > 0 ? `added ${added.join(", ")}` : "",
        removed.length > 0 ? `removed ${removed.join(", ")}` : "",
        changed.length > 0 ? `reconfigured ${changed.join(", ")}` : "",
      ].filter(Boolean);
      say(LAMBKIN, `${files.map(shown).join(", ")} changed: ${parts.join("; ") || "no function changed"}`);
    } catch (error) {
      if (closed) return;
      say(LAMBKIN, `${(error as Error).message} (not applied: lambkin keeps running the config it had)`);
      return;
    }
    // Stopped meanwhile (Ctrl-C during the update): adding paths would start closed watchers again.
    if (!closed) sync();
  };

  // An env file is part of the config: reading it again is an update, which recycles only the
  // functions whose variables changed.
  configWatcher.on("all", (event, path) => {
    if (event !== "addDir" && event !== "unlinkDir" && configFiles.has(path))
      schedule(LAMBKIN, path, (files) => void reloadConfig(files));
  });

  watcher.on("all", (event, path) => {
    const isDir = event === "addDir" || event === "unlinkDir";
    for (const [name, fnRoots] of roots) {
      // The code folder itself, gone or back: `reload` looks at which, once the burst is over.
      if (isDir && fnRoots[0]?.path === path) {
        schedule(name, path, (files) => reload(name, files));
        continue;
      }
      // A folder made or removed inside is no change of code by itself; its files say what changed.
      if (isDir) continue;
      if (fnRoots.some((root) => !ignoredBy([root], path, false)))
        schedule(name, path, (files) => reload(name, files));
    }
  });

  let closed = false;
  let warned = false;
  const onError = (error: unknown) => {
    if (warned) return;
    warned = true;
    say(LAMBKIN, watchErrorMessage(error as NodeJS.ErrnoException));
  };
  watcher.on("error", onError);
  configWatcher.on("error", onError);

  sync();
  // chokidar says "ready" once the paths it was given are scanned: one given none (a config
  // without functions) never says it, and has nothing to scan.
  const scanning = [watched.size > 0 && watcher, configDirs.size > 0 && configWatcher].filter(
    (w): w is FSWatcher => w !== false,
  );
  const ready = Promise.all(
    scanning.map((w) => new Promise<void>((resolve) => w.once("ready", () => resolve()))),
  ).then(() => {});
  return {
    ready,
    async close() {
      closed = true;
      for (const { timer } of pending.values()) clearTimeout(timer);
      pending.clear();
      await Promise.all([watcher.close(), configWatcher.close()]);
    },
  };
}

/** One line a user can act on, for the error that stops a folder from being watched. */
export function watchErrorMessage(error: NodeJS.ErrnoException): string {
  const keep = "lambkin keeps serving; changes there are not seen until lambkin restarts";
  const limit = (name: string) => {
    let value = "?";
    try {
      value = readFileSync(`/proc/sys/fs/inotify/${name}`, "utf8").trim();
    } catch {}
    return `the inotify limit fs.inotify.${name} (${value}) is reached: raise it with \`sudo sysctl fs.inotify.${name}=524288\` (and in /etc/sysctl.conf to keep it); ${keep}`;
  };
  if (error.code === "ENOSPC")
    return `Cannot watch ${error.path ?? "a folder"}: ${limit("max_user_watches")}`;
  if (error.code === "EMFILE")
    return `Cannot watch ${error.path ?? "a folder"}: too many open files or ${limit("max_user_instances")}`;
  return `Cannot watch ${error.path ?? "a folder"}: ${error.message}; ${keep}`;
}

/** The files lambkin writes while it runs: the Event journal and every destination file. */
function lambkinWrites(config: ResolvedConfig): Set<string> {
  const files = new Set<string>();
  if (config.eventJournal) files.add(config.eventJournal);
  for (const fn of config.functions.values()) {
    for (const dest of [fn.destinations?.onSuccess, fn.destinations?.onFailure]) {
      if (dest?.kind === "file") files.add(dest.path);
    }
  }
  return files;
}

// The host on Deno, from `Deno.*` and web globals only. Deno loads its Node-compatibility layer on
// the first node:* import or the first touch of the `process` global (measured here: an empty
// module starts in ~15 ms, one that reads `process.env` in ~27 ms, one that imports node:fs,
// node:module, node:path and node:url in ~40 ms), so nothing here touches either. node:module is
// imported only where nothing else can do the job: a CommonJS handler, or a node_modules lookup.
import { createFormat, type InspectOptions } from "./format.ts";
import type { CommonJsRequire, Host, PathOps } from "./host.ts";
import { posixFileUrl, posixPath } from "./posix-path.ts";

// The few Deno APIs used here, typed structurally: the published .d.ts must not mention `Deno`'s
// own types (they clash with @types/node).
interface DenoWriter {
  writeSync(bytes: Uint8Array): number;
}
declare const Deno: {
  readonly build: { readonly os: string };
  readonly env: {
    get(name: string): string | undefined;
    set(name: string, value: string): void;
    delete(name: string): void;
    toObject(): Record<string, string>;
  };
  readonly stdout: DenoWriter;
  readonly stderr: DenoWriter;
  cwd(): string;
  exit(code: number): never;
  statSync(path: string): { readonly isFile: boolean };
  readDirSync(
    path: string,
  ): Iterable<{ readonly name: string; readonly isFile: boolean; readonly isSymlink: boolean }>;
  inspect(value: unknown, options?: Record<string, unknown>): string;
};

// node:util.inspect's defaults where Deno.inspect's differ: depth 2 (not 4), single quotes first,
// and at most 100 items of any array, Set or Map, as Node prints them.
const NODE_INSPECT = { depth: 2, quotes: ["'", '"', "`"], iterableLimit: 100 };
const inspect = (value: unknown, options?: InspectOptions) =>
  Deno.inspect(value, options ? { ...NODE_INSPECT, ...options } : NODE_INSPECT);

const encoder = new TextEncoder();

function writeAll(writer: DenoWriter, text: string): void {
  let bytes = encoder.encode(text);
  while (bytes.length > 0) bytes = bytes.subarray(writer.writeSync(bytes));
}

/** `process.env` as Deno's own compatibility layer presents it: a live view of Deno.env. */
const env = new Proxy({} as Record<string, string | undefined>, {
  get: (_target, name) => (typeof name === "string" && name !== "" ? Deno.env.get(name) : undefined),
  set(_target, name, value) {
    if (typeof name !== "string") return false;
    Deno.env.set(name, String(value));
    return true;
  },
  deleteProperty(_target, name) {
    if (typeof name === "string") Deno.env.delete(name);
    return true;
  },
  has: (_target, name) => typeof name === "string" && name !== "" && Deno.env.get(name) !== undefined,
  ownKeys: () => Object.keys(Deno.env.toObject()),
  getOwnPropertyDescriptor(_target, name) {
    const value = typeof name === "string" && name !== "" ? Deno.env.get(name) : undefined;
    return value === undefined ? undefined : { value, writable: true, enumerable: true, configurable: true };
  },
});

export async function createDenoHost(): Promise<Host> {
  // Windows paths (drive letters, backslashes) are node:path's job; POSIX ones are simple enough.
  const windows = Deno.build.os === "windows";
  const path: PathOps = windows ? (await import("node:path")).default : posixPath(() => Deno.cwd());
  const fileUrl = windows
    ? ((await import("node:url")).pathToFileURL as (p: string) => URL)
    : (p: string) => posixFileUrl(p);

  // The handler loader asks for up to seven files of one folder. A `statSync` of a missing file
  // throws, and Deno builds a NotFound error for each: ~1 ms apiece at start-up (measured here: 2.2–3
  // ms for index, index.js and index.mjs, against 0.6 ms to list the folder once). So each folder
  // is listed once; the handler is looked up at init only, so the listing cannot go stale.
  const listings = new Map<string, Map<string, { isFile: boolean; isSymlink: boolean }>>();
  const listing = (dir: string) => {
    let names = listings.get(dir);
    if (!names) {
      names = new Map();
      try {
        for (const entry of Deno.readDirSync(dir || "/")) names.set(entry.name, entry);
      } catch {
        // No such folder (or not readable): nothing is in it for the loader.
      }
      listings.set(dir, names);
    }
    return names;
  };

  return {
    env,
    setEnv(name, value) {
      if (value === undefined) Deno.env.delete(name);
      else Deno.env.set(name, value);
    },
    cwd: () => Deno.cwd(),
    exit: (code) => Deno.exit(code),
    writeStdout: (text) => writeAll(Deno.stdout, text),
    writeStderr: (text) => writeAll(Deno.stderr, text),
    format: createFormat(inspect),
    onUncaughtException(listener) {
      globalThis.addEventListener("error", (event) => {
        event.preventDefault();
        listener((event as ErrorEvent).error);
      });
    },
    onUnhandledRejection(listener) {
      globalThis.addEventListener("unhandledrejection", (event) => {
        event.preventDefault();
        listener((event as PromiseRejectionEvent).reason);
      });
    },
    onBeforeExit(listener) {
      // `beforeunload` is Deno's `beforeExit`, except that the process ends right after it unless
      // a listener cancels it (work the listener starts does not count, nor do promise callbacks
      // it queued, which have not run yet). Cancelled, the event loop runs once more: those
      // callbacks run and start their requests. Only the first time: a listener that keeps the
      // loop going for ever must not be what keeps the process alive.
      let cancelled = false;
      const onBeforeUnload = (event: Event) => {
        if (!cancelled) event.preventDefault();
        cancelled = true;
        listener();
      };
      globalThis.addEventListener("beforeunload", onBeforeUnload);
      return () => globalThis.removeEventListener("beforeunload", onBeforeUnload);
    },
    path,
    async isFile(file) {
      if (!windows) {
        const at = file.lastIndexOf("/");
        const entry = listing(file.slice(0, at)).get(file.slice(at + 1));
        if (entry === undefined) return false;
        if (!entry.isSymlink) return entry.isFile;
      }
      try {
        return Deno.statSync(file).isFile;
      } catch {
        return false;
      }
    },
    importModule: (file) => import(String(fileUrl(file))),
    async createRequire(file) {
      const { createRequire } = await import("node:module");
      return createRequire(file) as CommonJsRequire;
    },
  };
}

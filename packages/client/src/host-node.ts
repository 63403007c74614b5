// The host on Node and Bun: the `process` global, and node:* modules taken with
// `process.getBuiltinModule` when first needed rather than imported. On Node an ES import of a
// builtin builds a module namespace of all its exports: ~2 ms for node:fs, node:path and
// node:url together (and ~2 ms for node:process), against ~0.05 ms this way. node:util (on Bun
// ~2–5 ms) waits for the first console call with something to format, node:module for CommonJS.
// On Bun even getBuiltinModule pays for the module (measured here: node:fs ~4 ms, node:url ~2 ms
// of every cold start), so the handler's file is found and loaded with Bun's own API, and POSIX
// paths are handled without node:path.
// Nothing here runs until createNodeHost() is called, so Deno never touches `process`.
import type { EngineName } from "./engine.ts";
import type { CommonJsRequire, Host, PathOps } from "./host.ts";
import { posixPath } from "./posix-path.ts";

// The Bun APIs used here, typed structurally (the published .d.ts must not mention Bun's types).
declare const Bun: {
  /** `exists()` is true for a regular file (links followed), false for a directory or nothing. */
  file(path: string): { exists(): Promise<boolean> };
  pathToFileURL(path: string): URL;
};
interface BunImportMeta {
  /** Bun's synchronous `require`, which also loads ES modules (without top-level await). */
  require(id: string): unknown;
}

/** Bun refuses to `require` a module graph with top-level await: that one needs `import()`. */
const ASYNC_MODULE = /require\(\) async module/;

/** File lookups and module loading through Bun's own API, or node:fs, node:url and import(). */
function fileOps(engine: EngineName): Pick<Host, "isFile" | "importModule"> {
  if (engine === "bun") {
    return {
      isFile: (file) => Bun.file(file).exists(),
      async importModule(file) {
        // The first `import()` of a Bun process costs ~3 ms more than a `require` of the same
        // module (measured here, a cold start's largest single step after the engine's own).
        // A graph with top-level await makes `require` throw once it reaches the await, without
        // evaluating anything twice: `import()` then finishes the same evaluation.
        try {
          return (import.meta as unknown as BunImportMeta).require(file);
        } catch (error) {
          if (error instanceof Error && ASYNC_MODULE.test(error.message))
            return import(Bun.pathToFileURL(file).href);
          throw error;
        }
      },
    };
  }
  const { statSync } = process.getBuiltinModule("node:fs");
  const { pathToFileURL } = process.getBuiltinModule("node:url");
  return {
    async isFile(file) {
      try {
        // No exception for a missing file: the loader asks for several that are not there.
        return statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
      } catch {
        return false;
      }
    },
    importModule: (file) => import(pathToFileURL(file).href),
  };
}

export function createNodeHost(engine: EngineName = "node"): Host {
  let utilFormat: ((...args: unknown[]) => string) | undefined;
  // Windows paths (drive letters, backslashes) are node:path's job; POSIX ones are simple enough.
  const path: PathOps =
    engine === "bun" && process.platform !== "win32"
      ? posixPath(() => process.cwd())
      : process.getBuiltinModule("node:path");
  return {
    env: process.env,
    setEnv(name, value) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    },
    cwd: () => process.cwd(),
    exit: (code) => process.exit(code),
    writeStdout(text) {
      process.stdout.write(text);
    },
    writeStderr(text) {
      process.stderr.write(text);
    },
    format(...args) {
      // A lone string is what util.format would return as it is, and what most logging passes.
      if (args.length === 1 && typeof args[0] === "string") return args[0];
      utilFormat ??= process.getBuiltinModule("node:util").format;
      return utilFormat(...args);
    },
    onUncaughtException(listener) {
      process.on("uncaughtException", listener);
    },
    onUnhandledRejection(listener) {
      process.on("unhandledRejection", (reason) => listener(reason));
    },
    onBeforeExit(listener) {
      const onBeforeExit = () => listener();
      process.on("beforeExit", onBeforeExit);
      return () => process.off("beforeExit", onBeforeExit);
    },
    path,
    ...fileOps(engine),
    createRequire: async (file) =>
      process.getBuiltinModule("node:module").createRequire(file) as unknown as CommonJsRequire,
  };
}

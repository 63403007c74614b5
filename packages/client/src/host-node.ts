// The host on Node and Bun: the `process` global, and node:* modules taken with
// `process.getBuiltinModule` when first needed rather than imported. On Node an ES import of a
// builtin builds a module namespace of all its exports: ~2 ms for node:fs, node:path and
// node:url together (and ~2 ms for node:process), against ~0.05 ms this way. node:util (on Bun
// ~2–5 ms) waits for the first console call with something to format, node:module for CommonJS.
// Nothing here runs until createNodeHost() is called, so Deno never touches `process`.
import type { CommonJsRequire, Host } from "./host.ts";

export function createNodeHost(): Host {
  const { statSync } = process.getBuiltinModule("node:fs");
  const { pathToFileURL } = process.getBuiltinModule("node:url");
  let utilFormat: ((...args: unknown[]) => string) | undefined;
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
    path: process.getBuiltinModule("node:path"),
    isFile(file) {
      try {
        return statSync(file).isFile();
      } catch {
        return false;
      }
    },
    fileUrl: (file) => pathToFileURL(file).href,
    createRequire: async (file) =>
      process.getBuiltinModule("node:module").createRequire(file) as unknown as CommonJsRequire,
  };
}

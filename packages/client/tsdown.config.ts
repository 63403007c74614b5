import { defineConfig } from "tsdown";

export default defineConfig([
  // The library (run/createRuntime, streamifyResponse, types).
  {
    entry: ["src/index.ts"],
    format: "esm",
    platform: "node",
    dts: true,
    sourcemap: true,
    fixedExtension: false,
  },
  // The executable entry, built on its own so that it shares no chunk with the library: every
  // module file costs a cold start on Bun and Deno ~1 ms to load, and the runtime loads this one
  // file (plus lazy chunks for what only some functions need: streaming, TypeScript, Deno's host).
  {
    entry: ["src/runtime.ts"],
    format: "esm",
    platform: "node",
    dts: true,
    sourcemap: true,
    fixedExtension: false,
    clean: false,
  },
]);

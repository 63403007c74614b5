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
    // What the entry and its lazy chunks (streaming, TypeScript) share goes in one chunk, not one
    // per module: each module file is another ~1 ms of a Bun or Deno cold start.
    outputOptions: {
      codeSplitting: { groups: [{ name: "shared", test: /src[\\/](errors|transport|transport-deno)\.ts$/ }] },
    },
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

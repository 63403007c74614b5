import { defineConfig } from "tsdown";

export default defineConfig({
  // main: the orchestrator (`npm run bench`). The others are the programs it starts, each run by
  // the engine under test: host (lambkin), relay (the floor), caller (the load), loop (the bare
  // runtime loop), bare-start (an engine's own start-up) and cdp-profile (profiles a Deno host).
  entry: [
    "src/main.ts",
    "src/host.ts",
    "src/relay.ts",
    "src/caller.ts",
    "src/loop.ts",
    "src/bare-start.ts",
    "src/cdp-profile.ts",
  ],
  format: "esm",
  platform: "node",
  dts: false,
  sourcemap: false,
  fixedExtension: false,
});

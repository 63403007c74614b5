import { defineConfig } from "tsdown";

export default defineConfig({
  // index: the programmatic API (run, loadConfig); cli: the `lambkin` bin.
  entry: ["src/index.ts", "src/cli.ts"],
  format: "esm",
  platform: "node",
  dts: true,
  sourcemap: true,
  fixedExtension: false,
});

import { defineConfig } from "tsdown";

export default defineConfig({
  // index: the library (run/createRuntime, streamifyResponse, types); runtime: the executable entry.
  entry: ["src/index.ts", "src/runtime.ts"],
  format: "esm",
  platform: "node",
  dts: true,
  sourcemap: true,
  fixedExtension: false,
});

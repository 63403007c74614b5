import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // The short soak: a few hundred invocations per host engine, each run with a kill -9 and a
    // restart of lambkin, on a shared 2-core machine.
    testTimeout: 600_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});

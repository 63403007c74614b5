import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Tests start real engines and runtime processes on a shared 2-core machine: generous bounds,
    // no timing assertions.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

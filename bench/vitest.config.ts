import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // The smoke test starts real engines on a shared 2-core machine: generous bounds, no timing asserts.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

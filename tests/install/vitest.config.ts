import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // These tests install from the npm registry (the packed packages' dependencies, bun, deno,
    // the AWS SDK) and build a fresh clone: minutes, not seconds, on a shared 2-core machine.
    // Every step has its own bound (see run() in src/shell.ts), so a hung step fails, not hangs.
    testTimeout: 600_000,
    hookTimeout: 600_000,
    fileParallelism: false,
  },
});

import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Installs curl and the AWS CLI when missing (the npm-start test runs the lines that use them).
    globalSetup: ["./globalSetup.ts"],
    // Tests start real engines and runtime processes on a shared 2-core machine: generous bounds,
    // no timing assertions.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

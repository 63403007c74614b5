import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // Installs the system tools and the aws-lambda-ric fixture (a ~40 s native build the first
    // time, a stamp check afterwards) before any test file runs.
    globalSetup: ["./globalSetup.ts"],
    // These tests start real processes (runtimes, the AWS CLI) on a shared 2-core machine:
    // generous limits, one file at a time, each in its own forked process.
    testTimeout: 30_000,
    hookTimeout: 30_000,
    pool: "forks",
    fileParallelism: false,
  },
});

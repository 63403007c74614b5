import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["src/**/*.test.ts"],
    // One file per engine, in parallel: each spends most of its time waiting (a 12 s long-poll).
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});

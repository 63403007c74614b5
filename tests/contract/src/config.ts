/**
 * The functions the contract suite runs: one real runtime process (fixtures/behave/bootstrap,
 * raw node:http, no lambkin code) configured several ways. Shared by every host engine.
 */
import { fileURLToPath } from "node:url";

export const fixturesDir = fileURLToPath(new URL("../fixtures", import.meta.url));

const behave = { runtime: "provided" as const, codeDir: "behave", command: ["./bootstrap"] };

export const contractConfig = {
  port: 0,
  urlPort: 0,
  region: "eu-west-1",
  accountId: "123456789012",
  // The suite's runtimes write files the test reads (and wait for files it writes) in the host's
  // /tmp, which a sandboxed runtime cannot see: its own /tmp is private and everything else it
  // sees is read-only. So these functions run unsandboxed; the "sandboxed" function is the one
  // sandbox.contract.ts checks (and packages/cli/src/sandbox.test.ts runs a project sandboxed).
  sandbox: false,
  functions: {
    sandboxed: { ...behave, sandbox: true, concurrency: 2 },
    behave: { ...behave, timeout: 2, memorySize: 256, concurrency: 4, environment: { GREETING: "hi" } },
    single: { ...behave, concurrency: 1, queueSize: 0 },
    queued: { ...behave, concurrency: 1, queueSize: 5 },
    cors: {
      ...behave,
      url: {
        cors: {
          allowOrigins: ["http://app.example:5173"],
          allowMethods: ["GET", "POST"],
          allowHeaders: ["x-custom"],
          exposeHeaders: ["x-fixture"],
          maxAge: 300,
        },
      },
    },
    late: { ...behave, timeout: 1, concurrency: 8, queueSize: 64 },
    jsonlogs: { ...behave, logFormat: "JSON" as const },
    "init-error": { ...behave, environment: { INIT_ERROR: "1" } },
    "init-exit": { ...behave, environment: { INIT_EXIT: "2" } },
    "init-hang": { ...behave, environment: { INIT_HANG: "1" } },
    missing: { ...behave, command: ["./does-not-exist"] },
    "not-executable": { ...behave, command: ["./not-executable"] },
    dotenv: { ...behave, envFile: "dotenv.env", environment: { OVER: "config" } },
  },
};

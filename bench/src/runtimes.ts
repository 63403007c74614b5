/**
 * The function runtimes a warm row can use, each with the same echo function: how lambkin is
 * configured to start it, and how the floor starts the very same process by hand.
 */
import { execFileSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import { type FunctionConfig, nodeFlags } from "@lambkin/core";
import { BENCH, DIST, type Engine, engineCommands, ROOT } from "./engines.ts";

export type RuntimeKind = "node" | "bun" | "deno" | "aws-lambda-ric" | "shell" | "bare-loop";
export const RUNTIMES: readonly RuntimeKind[] = [
  "node",
  "bun",
  "deno",
  "aws-lambda-ric",
  "shell",
  "bare-loop",
];

export const ECHO_DIR = `${BENCH}functions/echo`;
const SHELL_DIR = `${BENCH}functions/shell`;
const RIC_DIR = `${ROOT}tests/fixtures/ric`;
const RIC_ADDON = `${RIC_DIR}/node_modules/aws-lambda-ric/rapid-client.node`;
const BOOTSTRAP_SH = `${ROOT}packages/client/bootstrap.sh`;

export const RUNTIME_LABELS: Record<RuntimeKind, string> = {
  node: "@lambkin/client on Node",
  bun: "@lambkin/client on Bun",
  deno: "@lambkin/client on Deno",
  "aws-lambda-ric": "aws-lambda-ric 4 (Node)",
  shell: "bootstrap.sh (sh + curl)",
  "bare-loop": "provided: a bare node:http runtime (Node)",
};

function ricEntry(): string {
  return realpathSync(`${RIC_DIR}/node_modules/.bin/aws-lambda-ric`);
}

/** The lambkin function for `kind`, answering with its event. */
export function functionFor(kind: RuntimeKind): FunctionConfig {
  switch (kind) {
    case "node":
    case "bun":
    case "deno":
      return { runtime: kind, codeDir: ECHO_DIR, handler: "index.handler" };
    case "aws-lambda-ric":
      // As the fixture's bootstrap does, without the shell in between.
      return {
        runtime: "provided",
        codeDir: ECHO_DIR,
        handler: "index.handler",
        command: [process.execPath, ricEntry()],
      };
    case "shell":
      return {
        runtime: "provided",
        codeDir: SHELL_DIR,
        handler: "function.handler",
        command: ["/bin/sh", BOOTSTRAP_SH],
      };
    case "bare-loop":
      return { runtime: "provided", codeDir: ECHO_DIR, command: [process.execPath, `${DIST}loop.js`] };
  }
}

/**
 * The flags lambkin starts an engine's functions with: AWS's memory-derived ones for Node (128 MB,
 * the default memory size, as every bench function has), none for Bun and Deno.
 */
export const engineFlags = (engine: Engine): string[] => (engine === "node" ? nodeFlags(128) : []);

/** The same process as lambkin starts for `kind`, for the floor: argv, folder and environment. */
export function floorProcess(
  kind: RuntimeKind,
  runtimeApi: string,
): { argv: string[]; cwd: string; env: NodeJS.ProcessEnv } {
  const fn = functionFor(kind);
  const engines = engineCommands();
  const argv =
    fn.runtime === "provided"
      ? fn.command!
      : [...engines[fn.runtime], ...engineFlags(fn.runtime), engines.client ?? "@lambkin/client not found"];
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH ?? "/usr/local/bin:/usr/bin:/bin",
    HOME: process.env.HOME ?? "/tmp",
    AWS_LAMBDA_RUNTIME_API: runtimeApi,
    LAMBDA_TASK_ROOT: fn.codeDir,
    AWS_LAMBDA_FUNCTION_NAME: "relay",
    AWS_LAMBDA_FUNCTION_VERSION: "$LATEST",
    AWS_LAMBDA_FUNCTION_MEMORY_SIZE: "128",
    AWS_LAMBDA_LOG_GROUP_NAME: "/aws/lambda/relay",
    AWS_LAMBDA_LOG_STREAM_NAME: "2020/01/01/[$LATEST]00000000000000000000000000000000",
    AWS_REGION: "us-east-1",
    AWS_DEFAULT_REGION: "us-east-1",
    TZ: ":UTC",
    LANG: "en_US.UTF-8",
  };
  if (fn.handler !== undefined) env._HANDLER = fn.handler;
  return { argv, cwd: fn.codeDir, env };
}

/**
 * Why `kind` cannot run on this machine, or undefined when it can. aws-lambda-ric is installed by
 * its test fixture's script when missing (it builds a native addon: ~40 s, once).
 */
export function unavailable(kind: RuntimeKind): string | undefined {
  if (kind === "shell") {
    try {
      execFileSync("curl", ["--version"], { stdio: "ignore" });
    } catch {
      return "curl is not installed (bootstrap.sh needs it)";
    }
  }
  if (kind === "aws-lambda-ric" && !existsSync(RIC_ADDON)) {
    try {
      execFileSync(`${RIC_DIR}/install.sh`, { stdio: ["ignore", "ignore", "inherit"], timeout: 300_000 });
    } catch (error) {
      return `tests/fixtures/ric/install.sh failed: ${(error as Error).message.split("\n")[0]}`;
    }
    if (!existsSync(RIC_ADDON)) return "aws-lambda-ric is not installed (tests/fixtures/ric/install.sh)";
  }
  if ((kind === "node" || kind === "bun" || kind === "deno") && !engineCommands().client) {
    return "@lambkin/client is not built (npx turbo run build)";
  }
  return undefined;
}

/**
 * Which JavaScript engine runs the CLI, the matching `Platform` adapter, and `--host-engine`:
 * relaunching this same CLI on another engine from the workspace's installs.
 */
import { spawn } from "node:child_process";
import { engineCommands, type Platform } from "@lambkin/core";
import { CliError } from "./args.ts";
import { currentEngine, type EngineName } from "./current-engine.ts";
import { ENGINE_FIX } from "./function-engines.ts";

export { currentEngine, type EngineName };

/**
 * The adapter for `engine`, imported dynamically so that Node never loads the Bun or Deno one
 * (each touches its engine's globals).
 */
export async function loadPlatform(engine: EngineName = currentEngine()): Promise<Platform> {
  const packageName = `@lambkin/${engine}`;
  const exportName = `${engine}Platform`;
  let module: Record<string, unknown>;
  try {
    switch (engine) {
      case "node":
        module = await import("@lambkin/node");
        break;
      case "bun":
        module = await import("@lambkin/bun");
        break;
      case "deno":
        module = await import("@lambkin/deno");
        break;
    }
  } catch (error) {
    throw new CliError(`cannot load ${packageName} to run on ${engine}: ${(error as Error).message}`);
  }
  const platform = module[exportName] as Platform | undefined;
  if (!platform || typeof platform.serve !== "function") {
    throw new CliError(
      `${packageName} does not export ${exportName}: lambkin cannot run on ${engine} with this install`,
    );
  }
  return platform;
}

/**
 * The command line that runs a script on `engine`: the running engine's own binary when it is the
 * same, else the workspace's `node_modules` install (npm packages `bun` and `deno`), else the PATH.
 */
export function engineCommand(engine: EngineName): string[] {
  const self = currentEngine();
  // The same lookup core uses to start function runtimes.
  return engineCommands({ name: self, execPath: process.execPath })[engine];
}

/**
 * Runs `script args` on `engine` with this process's stdio, forwards SIGINT/SIGTERM/SIGHUP, and
 * resolves with the exit status to leave with (128 + signal number when the child was killed).
 */
export function relaunch(engine: EngineName, script: string, args: readonly string[]): Promise<number> {
  const [program, ...engineArgs] = engineCommand(engine);
  const argv = [...engineArgs, script, ...args];
  return (currentEngine() === "deno" ? relaunchWithDenoCommand : relaunchWithChildProcess)(
    engine,
    program!,
    argv,
  );
}

const FORWARDED = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** Tells the relaunched lambkin which process to outlive by no more than a moment (see start.ts). */
export const WRAPPER_PID_VARIABLE = "LAMBKIN_WRAPPER_PID";

function wrapperEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
  env[WRAPPER_PID_VARIABLE] = String(process.pid);
  return env;
}

function relaunchWithChildProcess(engine: EngineName, program: string, argv: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    // Its own process group: a terminal's Ctrl-C then reaches only this process, which forwards
    // it once. Otherwise the child would see every Ctrl-C twice and take the second as "force quit".
    const child = spawn(program, argv, { stdio: "inherit", detached: true, env: wrapperEnv() });
    const forward = (signal: NodeJS.Signals) => {
      try {
        child.kill(signal);
      } catch {
        // already gone
      }
    };
    for (const signal of FORWARDED) process.on(signal, forward);
    const cleanup = () => {
      for (const signal of FORWARDED) process.off(signal, forward);
    };
    child.once("error", (error) => {
      cleanup();
      reject(new CliError(`cannot start ${engine} (${program}): ${error.message}: ${ENGINE_FIX[engine]}`));
    });
    child.once("exit", (code, signal) => {
      cleanup();
      resolve(code ?? 128 + signalNumber(signal));
    });
  });
}

// The part of Deno's API used below, typed here: the published .d.ts must not depend on Deno's types.
declare const Deno: {
  Command: new (
    program: string,
    options: {
      args: string[];
      stdin: "inherit";
      stdout: "inherit";
      stderr: "inherit";
      detached: boolean;
      env: Record<string, string>;
    },
  ) => {
    spawn(): { kill(signal: string): void; status: Promise<{ code: number; signal: string | null }> };
  };
  addSignalListener(signal: string, handler: () => void): void;
  removeSignalListener(signal: string, handler: () => void): void;
};

/**
 * On Deno, `node:child_process` reports a child that handled a forwarded signal and then exited 0
 * as killed by that signal (Deno 2.9); `Deno.Command` reports the real status.
 */
async function relaunchWithDenoCommand(engine: EngineName, program: string, argv: string[]): Promise<number> {
  let child: ReturnType<InstanceType<typeof Deno.Command>["spawn"]>;
  try {
    child = new Deno.Command(program, {
      args: argv,
      stdin: "inherit",
      stdout: "inherit",
      stderr: "inherit",
      detached: true,
      env: wrapperEnv(),
    }).spawn();
  } catch (error) {
    throw new CliError(
      `cannot start ${engine} (${program}): ${(error as Error).message}: ${ENGINE_FIX[engine]}`,
    );
  }
  const listeners = FORWARDED.map((signal) => {
    const forward = () => {
      try {
        child.kill(signal);
      } catch {
        // already gone
      }
    };
    Deno.addSignalListener(signal, forward);
    return () => Deno.removeSignalListener(signal, forward);
  });
  try {
    const status = await child.status;
    return status.signal === null ? status.code : 128 + signalNumber(status.signal as NodeJS.Signals);
  } finally {
    for (const remove of listeners) remove();
  }
}

function signalNumber(signal: NodeJS.Signals | null): number {
  switch (signal) {
    case "SIGHUP":
      return 1;
    case "SIGINT":
      return 2;
    case "SIGKILL":
      return 9;
    case "SIGTERM":
      return 15;
    default:
      return 0;
  }
}

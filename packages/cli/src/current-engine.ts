/**
 * Which JavaScript engine runs the CLI. On its own, without @lambkin/core, so that commands that
 * only need to know it (reading a config for `lambkin invoke`) do not load the emulator.
 */
// The engine table is core's (a type only: nothing of core is loaded at run time).
import type { EngineName } from "@lambkin/core";

export type { EngineName };

export function currentEngine(): EngineName {
  if ("Bun" in globalThis) return "bun";
  if ("Deno" in globalThis) return "deno";
  return "node";
}

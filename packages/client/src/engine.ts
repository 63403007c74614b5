// Which JavaScript engine runs this process. Read from globals at run time (not at build time), so
// one dist/runtime.js serves all three.

export type EngineName = "node" | "bun" | "deno";

export function detectEngine(): EngineName {
  const g = globalThis as { Bun?: unknown; Deno?: unknown };
  if (g.Bun !== undefined) return "bun";
  if (g.Deno !== undefined) return "deno";
  return "node";
}

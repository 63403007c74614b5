/**
 * Called first by platform.ts: on another engine, importing @lambkin/bun fails with what to do
 * instead of `ReferenceError: Bun is not defined` from deep inside the adapter. (A function call,
 * not a bare import: the package is `sideEffects: false`, so a bundler may drop a bare import.)
 */
const g = globalThis as { Bun?: unknown; Deno?: { version?: { deno?: string } } };
export function requireBun(): void {
  if (g.Bun !== undefined) return;
  const here = g.Deno ? `Deno ${g.Deno.version?.deno ?? ""}`.trim() : `Node ${process.versions.node}`;
  const instead = g.Deno ? "@lambkin/deno" : "@lambkin/node";
  throw new Error(
    `@lambkin/bun runs only inside Bun, and this is ${here}: import ${instead} here, or run with bun`,
  );
}

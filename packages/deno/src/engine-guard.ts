/**
 * Called first by platform.ts: on another engine, importing @lambkin/deno fails with what to do
 * instead of `ReferenceError: Deno is not defined` from deep inside the adapter. (A function call,
 * not a bare import: the package is `sideEffects: false`, so a bundler may drop a bare import.)
 */
const g = globalThis as { Deno?: unknown; Bun?: { version?: string } };
export function requireDeno(): void {
  if (g.Deno !== undefined) return;
  const here = g.Bun ? `Bun ${g.Bun.version ?? ""}`.trim() : `Node ${process.versions.node}`;
  const instead = g.Bun ? "@lambkin/bun" : "@lambkin/node";
  throw new Error(
    `@lambkin/deno runs only inside Deno, and this is ${here}: import ${instead} here, or run with deno run -A`,
  );
}

/**
 * An engine's own start-up, for the cold-start comparison: start, then make one HTTP request to
 * the URL given, and exit. The least any runtime must do before its first `next`, in the cheapest
 * way the engine offers: node:http on Node; `fetch` on Bun and Deno, without loading their
 * node:http layers (importing it costs Bun ~12 ms and Deno ~22 ms), so `lambkin cold − this` is
 * everything lambkin and its client add.
 *
 *   node|bun|deno bare-start.js http://127.0.0.1:PORT/
 */
const engine = globalThis as { Bun?: { argv: string[] }; Deno?: { args: string[] } };

if (engine.Deno) {
  await (await fetch(engine.Deno.args[0]!)).text();
} else if (engine.Bun) {
  await (await fetch(engine.Bun.argv[2]!)).text();
} else {
  const { get } = await import("node:http");
  await new Promise<void>((resolve, reject) =>
    get(process.argv[2]!, (res) => res.resume().on("end", resolve)).on("error", reject),
  );
}

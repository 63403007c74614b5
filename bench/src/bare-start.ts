/**
 * An engine's own start-up, for the cold-start comparison: start, then make one HTTP request to
 * the URL in argv, and exit. The request is made the way lambkin's client makes its first `next`
 * on that engine (node:http on Node, fetch on Bun and Deno), so `lambkin cold − this` is what
 * lambkin and its client add to a cold start.
 *
 *   node|bun|deno bare-start.js http://127.0.0.1:PORT/
 */
import http from "node:http";

const url = process.argv[2]!;
if ("Bun" in globalThis || "Deno" in globalThis) {
  await (await fetch(url)).text();
} else {
  await new Promise<void>((resolve, reject) =>
    http.get(url, (res) => res.resume().on("end", resolve)).on("error", reject),
  );
}

/**
 * lambkin hosted on whichever engine runs this file (Bun or Deno in the contract suite), with
 * the contract suite's functions. Prints one JSON line with its URLs when ready; stops cleanly on
 * SIGTERM, so the suite can check that no runtime process outlives it.
 */
import { contractConfig, fixturesDir } from "../src/config.ts";

declare const Bun: unknown;
declare const Deno: { addSignalListener(signal: string, handler: () => void): void } | undefined;

const engine = typeof Bun !== "undefined" ? "bun" : typeof Deno !== "undefined" ? "deno" : "node";
const adapter = (await import(`@lambkin/${engine}`)) as typeof import("@lambkin/node");
const lk = await adapter.start(contractConfig, { baseDir: fixturesDir, log: () => {} });
console.log(JSON.stringify({ ready: true, engine, url: lk.url, functionUrl: lk.functionUrl }));

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  await lk.close();
  console.log(JSON.stringify({ closed: true }));
  process.exit(0);
};
if (typeof Deno !== "undefined") Deno.addSignalListener("SIGTERM", stop);
else process.on("SIGTERM", stop);

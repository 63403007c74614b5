/**
 * lambkin hosted on whichever engine runs this file (Bun or Deno in the contract suite), with
 * the contract suite's functions. Prints one JSON line with its URLs when ready, answers control
 * requests from stdin (host-control.ts); stops cleanly on SIGTERM, so the suite can check that no
 * runtime process outlives it.
 */
import { contractConfig, fixturesDir } from "../src/config.ts";
import { answer, type ControlRequest, localControl } from "../src/host-control.ts";

declare const Bun: unknown;
declare const Deno: { addSignalListener(signal: string, handler: () => void): void } | undefined;

const engine = typeof Bun !== "undefined" ? "bun" : typeof Deno !== "undefined" ? "deno" : "node";
const adapter = (await import(`@lambkin/${engine}`)) as typeof import("@lambkin/node");
const lk = await adapter.start(contractConfig, { baseDir: fixturesDir, log: () => {} });
const control = localControl(lk);
console.log(JSON.stringify({ ready: true, engine, url: lk.url, functionUrl: lk.functionUrl }));

// Control requests (recycle, update, events) arrive as JSON lines on stdin; replies go to stdout.
let pending = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk: string) => {
  pending += chunk;
  for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
    const request = JSON.parse(pending.slice(0, nl)) as ControlRequest;
    pending = pending.slice(nl + 1);
    void answer(control, request).then((reply) => console.log(JSON.stringify(reply)));
  }
});

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

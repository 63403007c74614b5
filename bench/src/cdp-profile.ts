/**
 * A CPU profile of an engine that has no `--cpu-prof` (Deno): started with `--inspect`, it is
 * profiled over the Chrome DevTools Protocol by this helper, which needs a WebSocket client (run
 * it on Bun or Deno). Ready: `@@bench {"profiling":true}`; a `stop` line on stdin ends the profile
 * and writes it, in the .cpuprofile format `node --cpu-prof` writes, to the path given.
 *
 *   bun cdp-profile.js http://127.0.0.1:PORT out.cpuprofile
 */
import { writeFileSync } from "node:fs";
import { announce } from "./announce.ts";

const [inspector, out] = process.argv.slice(2) as [string, string];
const targets = (await (await fetch(`${inspector}/json/list`)).json()) as { webSocketDebuggerUrl: string }[];
const socket = new WebSocket(targets[0]!.webSocketDebuggerUrl);
await new Promise((resolve, reject) => {
  socket.onopen = resolve;
  socket.onerror = reject;
});
let id = 0;
const waiting = new Map<number, (result: unknown) => void>();
socket.onmessage = (event) => {
  const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
  if (message.id !== undefined) waiting.get(message.id)?.(message.result);
};
const send = (method: string, params: Record<string, unknown> = {}) =>
  new Promise<unknown>((resolve) => {
    waiting.set(++id, resolve);
    socket.send(JSON.stringify({ id, method, params }));
  });

await send("Profiler.enable");
// 1 ms, as node --cpu-prof samples.
await send("Profiler.setSamplingInterval", { interval: 1000 });
await send("Profiler.start");
// A program started with --inspect may wait for a debugger; let it run.
await send("Runtime.runIfWaitingForDebugger");
announce({ profiling: true });

process.stdin.on("data", async (chunk) => {
  if (!String(chunk).includes("stop")) return;
  const { profile } = (await send("Profiler.stop")) as { profile: unknown };
  writeFileSync(out, JSON.stringify(profile));
  socket.close();
  process.exit(0);
});

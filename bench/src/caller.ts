/**
 * The caller: the one load generator for every row, lambkin and floor alike, in its own Node
 * process so that the host's CPU is the host's alone (see load.ts for how it loads).
 *
 * Protocol: one JSON `RunRequest` per stdin line → one JSON `RunResult` per stdout line.
 */
import { createInterface } from "node:readline";
import { announce } from "./announce.ts";
import { agents, type RunRequest, run } from "./load.ts";

const lines = createInterface({ input: process.stdin });
// One run at a time: the orchestrator waits for each answer before it sends the next request.
lines.on("line", async (line) => {
  const result = await run(JSON.parse(line) as RunRequest);
  process.stdout.write(`${JSON.stringify(result)}\n`);
});
lines.on("close", () => {
  for (const agent of agents.values()) agent.destroy();
});
announce({ pid: process.pid });

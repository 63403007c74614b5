#!/usr/bin/env node
/**
 * The `lambkin` executable. The same file runs on Node (`npx lambkin`), Bun (`bunx lambkin`,
 * `bun …/cli.js`) and Deno (`deno run -A npm:lambkin`); `run` picks the adapter of the engine.
 */
import { fileURLToPath } from "node:url";
import { processOutput } from "./output.ts";
import { run } from "./run.ts";

const code = await run(process.argv.slice(2), { self: fileURLToPath(import.meta.url) });
await processOutput.flush();
// Exit explicitly: after `start` has stopped, keep-alive sockets or timers of a closed server
// must not keep the process around.
process.exit(code);

// Runs on Bun or Deno (started by bun.test.ts / deno.test.ts): loads that engine's built adapter,
// serves the contract's control API on it and prints `{"port":…}` once listening.
import type { Platform } from "@lambkin/core";
import { controlHandler, createControl } from "./control.ts";

const engine = "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : "node";
const adapter = (await import(`@lambkin/${engine}`)) as Record<string, Platform>;
const platform = adapter[`${engine}Platform`]!;
const control = createControl(platform);
const server = await platform.serve(controlHandler(control), { hostname: "127.0.0.1", port: 0 });
console.log(JSON.stringify({ port: server.port }));

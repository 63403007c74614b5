/**
 * A lambkin host: lambkin started by the adapter of the engine running this file (`@lambkin/node`,
 * `/bun` or `/deno`) on the config the orchestrator wrote, exactly as a user's program would start
 * it. Its log lines go to stdout, as with `lambkin start`. Ready: `@@bench {"port":…}` on stderr.
 * Closing stdin stops lambkin (every runtime process with it) and exits.
 *
 *   node|bun|deno host.js <spec.json>
 */
import { readFileSync } from "node:fs";
import {
  type LambkinOptions,
  type Platform,
  type StartConfig,
  silentSink,
  startLambkin,
} from "@lambkin/core";
import { announce, onShutdown } from "./announce.ts";

export interface HostSpec {
  config: StartConfig;
  /** The folder code folders are relative to. */
  baseDir: string;
  /**
   * Drop lambkin's log lines instead of printing them (core's `silentSink`): only for `--profile
   * --silent-logs`, to show what printing costs. Every figure of a normal run prints them.
   */
  silentLogs?: boolean;
}

type Start = (config: StartConfig, options?: LambkinOptions) => ReturnType<typeof startLambkin>;

const engine = "Bun" in globalThis ? "bun" : "Deno" in globalThis ? "deno" : "node";

/**
 * The adapter's `start()`, or (while an adapter exports only its Platform) core's `startLambkin`
 * with that Platform, which is all `start()` does.
 */
async function adapterStart(): Promise<Start> {
  // Each engine imports only its own adapter: the Bun and Deno ones touch their engine's globals.
  const adapter: Record<string, unknown> =
    engine === "bun"
      ? await import("@lambkin/bun")
      : engine === "deno"
        ? await import("@lambkin/deno")
        : await import("@lambkin/node");
  if (typeof adapter.start === "function") return adapter.start as Start;
  const platform = adapter[`${engine}Platform`] as Platform | undefined;
  if (platform) return (config, options) => startLambkin(config, platform, options);
  throw new Error(`@lambkin/${engine} exports neither start() nor ${engine}Platform`);
}

const spec = JSON.parse(readFileSync(process.argv[2]!, "utf8")) as HostSpec;
const start = await adapterStart();
const lk = await start(
  spec.config,
  spec.silentLogs ? { baseDir: spec.baseDir, log: silentSink } : { baseDir: spec.baseDir },
);
onShutdown(() => lk.close(), {
  // The heap after a full collection (when the engine lets us ask for one: node --expose-gc): what
  // lambkin keeps. It tells a leak (it grows with invokes) from a heap that is still sizing up.
  memory: () => {
    (globalThis as { gc?: () => void }).gc?.();
    const m = process.memoryUsage();
    const mb = (bytes: number) => bytes / 2 ** 20;
    return {
      heap_used_mb: mb(m.heapUsed),
      heap_total_mb: mb(m.heapTotal),
      external_mb: mb(m.external),
      array_buffers_mb: mb(m.arrayBuffers),
      rss_mb: mb(m.rss),
      collected: "gc" in globalThis,
    };
  },
});
announce({ port: lk.port, pid: process.pid, engine });

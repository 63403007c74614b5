/**
 * @lambkin/deno: lambkin hosted on Deno. `start(config)` runs the emulator with Deno's
 * `Platform`; everything else is core's.
 */
import { type LambkinOptions, type StartConfig, type StartedLambkin, startLambkin } from "@lambkin/core";
import { denoPlatform } from "./platform.ts";

export type { InvokeResponse, LambkinConfig, StartConfig, StartedLambkin } from "@lambkin/core";
export { denoPlatform };

/** Starts lambkin on Deno: `const lk = await start({ functions: {…}, port: 0 }); await lk.invoke("fn", {})`. */
export function start(config: StartConfig, options?: LambkinOptions): Promise<StartedLambkin> {
  return startLambkin(config, denoPlatform, options);
}

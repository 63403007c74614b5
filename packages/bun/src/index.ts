/**
 * @lambkin/bun: lambkin hosted on Bun. `start(config)` runs the emulator with Bun's
 * `Platform`; everything else is core's.
 */
import { type LambkinOptions, type StartConfig, type StartedLambkin, startLambkin } from "@lambkin/core";
import { bunPlatform } from "./platform.ts";

export type { InvokeResponse, LambkinConfig, StartConfig, StartedLambkin } from "@lambkin/core";
export { bunPlatform };

/** Starts lambkin on Bun: `const lk = await start({ functions: {…}, port: 0 }); await lk.invoke("fn", {})`. */
export function start(config: StartConfig, options?: LambkinOptions): Promise<StartedLambkin> {
  return startLambkin(config, bunPlatform, options);
}

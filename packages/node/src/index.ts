/**
 * @lambkin/node: lambkin hosted on Node.js. `start(config)` runs the emulator with Node's
 * `Platform`; everything else is core's.
 */
import { type LambkinOptions, type StartConfig, type StartedLambkin, startLambkin } from "@lambkin/core";
import { nodePlatform } from "./platform.ts";

export type { InvokeResponse, LambkinConfig, StartConfig, StartedLambkin } from "@lambkin/core";
export { nodePlatform };

/** Starts lambkin on Node: `const lk = await start({ functions: {…}, port: 0 }); await lk.invoke("fn", {})`. */
export function start(config: StartConfig, options?: LambkinOptions): Promise<StartedLambkin> {
  return startLambkin(config, nodePlatform, options);
}

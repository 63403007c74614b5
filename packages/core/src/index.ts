/**
 * @lambkin/core: AWS Lambda's execution model on web standards. `createLambkin(config, platform)`
 * (lambkin.ts) runs it; `startLambkin` (start.ts) is what every adapter's `start()` wraps.
 */
import type { InvokeOutput } from "@lambkin/protocol";

export { InvokeApiError } from "@lambkin/protocol";
export type { AsyncEvent } from "./async-queue.ts";
export {
  ConfigError,
  type CorsConfig,
  type DestinationConfig,
  type DestinationsConfig,
  type FunctionConfig,
  type LambkinConfig,
  RESERVED_VARIABLES,
  type ResolvedConfig,
  type ResolvedFunction,
  type ResolvedRoute,
  type RouteConfig,
  RUNTIMES,
  type RuntimeName,
  resolveConfig,
  resolvePath,
} from "./config.ts";
export type { DestinationCondition, InvocationRecord } from "./destinations.ts";
export {
  defaultEngineCommands,
  ENGINE_NAMES,
  type EngineCommands,
  type EngineName,
  engineCommands,
  type HostEngine,
  isEngineName,
} from "./engines.ts";
export type * from "./events.ts";
export type {
  AccessConfig,
  AuthConfig,
  FunctionUrlConfig,
} from "./gate/access-config.ts";
export type { FunctionError, Outcome } from "./invocation.ts";
export type { InvokeResult } from "./invoke/service.ts";
export {
  createLambkin,
  type InvokeOptions,
  type Lambkin,
  type LambkinOptions,
  type ListenInfo,
  type UpdateResult,
} from "./lambkin.ts";
export {
  type BatchedWriter,
  batchedWriter,
  consoleSink,
  type LogRecord,
  type LogSink,
  platformLine,
  readLines,
  silentSink,
} from "./logs.ts";
export type * from "./platform.ts";
export * from "./platform-kit.ts";
export { routeCollisions } from "./route-config.ts";
export { nodeFlags } from "./runtimes.ts";
export {
  decodePayload,
  type InvokeResponse,
  type StartConfig,
  type StartedLambkin,
  startLambkin,
} from "./start.ts";

const decoder = new TextDecoder();

/** Decodes an invoke's payload bytes as text (convenience for tests and the CLI). */
export function payloadText(output: Pick<InvokeOutput, "payload">): string {
  return decoder.decode(output.payload);
}

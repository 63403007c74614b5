/**
 * What ListFunctions, GetFunction and GetFunctionConfiguration report for a function: its
 * settings in AWS's `FunctionConfiguration` shape.
 */
import { type FunctionConfiguration, LATEST, logGroupName } from "@lambkin/protocol";
import type { ResolvedConfig, ResolvedFunction } from "../config.ts";
import { type EngineCommands, type HostEngine, lambdaRuntimeId } from "../engines.ts";
import { functionArnOf } from "../runtimes.ts";

export interface FunctionConfigurationContext {
  readonly config: ResolvedConfig;
  /** When lambkin started: reported as every function's LastModified. */
  readonly startedAt: Date;
  readonly host: HostEngine;
  readonly engines: EngineCommands;
}

/** What ListFunctions and GetFunction report for `fn`. */
export function functionConfiguration(
  fn: ResolvedFunction,
  ctx: FunctionConfigurationContext,
): FunctionConfiguration {
  const { config, startedAt } = ctx;
  const out: FunctionConfiguration = {
    FunctionName: fn.name,
    FunctionArn: functionArnOf(fn.name, config),
    Runtime: lambdaRuntimeId(fn.runtime, ctx.host, ctx.engines),
    Role: `arn:aws:iam::${config.accountId}:role/lambkin`,
    Handler: fn.handler,
    CodeSize: 0,
    Description: fn.description,
    Timeout: fn.timeout,
    MemorySize: fn.memorySize,
    LastModified: startedAt.toISOString().replace("Z", "+0000"),
    CodeSha256: "",
    Version: LATEST,
    TracingConfig: { Mode: "PassThrough" },
    RevisionId: "00000000-0000-0000-0000-000000000000",
    State: "Active",
    LastUpdateStatus: "Successful",
    PackageType: "Zip",
    Architectures: ["x86_64"],
    EphemeralStorage: { Size: fn.ephemeralStorage },
    LoggingConfig: { LogFormat: fn.logFormat, LogGroup: logGroupName(fn.name) },
  };
  if (Object.keys(fn.environment).length > 0) out.Environment = { Variables: { ...fn.environment } };
  if (fn.handler === undefined) delete out.Handler;
  return out;
}

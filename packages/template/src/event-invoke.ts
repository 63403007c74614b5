/**
 * Async invocation settings: SAM's `EventInvokeConfig` on a function and CloudFormation's (and
 * CDK's) `AWS::Lambda::EventInvokeConfig` resource → the function's `maximumRetryAttempts`,
 * `maximumEventAgeInSeconds` and `destinations`. A Lambda destination that is a function of the
 * same template is wired; other destinations (SQS, SNS, S3, EventBridge, a function elsewhere)
 * are not run, and lambkin says so once each.
 */
import type { DestinationConfig, FunctionConfig } from "@lambkin/core";
import { type ResolveContext, resolveValue, Unresolved } from "./intrinsics.ts";

export const EVENT_INVOKE_CONFIG = "AWS::Lambda::EventInvokeConfig";

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const LAMBDA_ARN = /^arn:aws[a-zA-Z-]*:lambda:[^:]*:\d*:function:([^:]+)(?::\$LATEST)?$/;
const SERVICE = /^arn:aws[a-zA-Z-]*:([a-z0-9-]+):/;

export interface EventInvokeTarget {
  /** The function's lambkin name and its config, updated in place. */
  name: string;
  config: FunctionConfig;
}

/**
 * Applies one `EventInvokeConfig` value (already resolved) to `fn`. `where` names it for
 * warnings (`template.yaml: Orders.Properties.EventInvokeConfig`); `names` are the template's
 * running functions.
 */
export function applyEventInvokeConfig(
  fn: EventInvokeTarget,
  value: unknown,
  where: string,
  names: ReadonlySet<string>,
  warn: (message: string) => void,
): void {
  if (!isObject(value)) return;
  const whole = (v: unknown) => (typeof v === "string" && /^\d+$/.test(v) ? Number(v) : v);
  const retries = whole(value.MaximumRetryAttempts);
  if (typeof retries === "number") fn.config.maximumRetryAttempts = retries;
  const age = whole(value.MaximumEventAgeInSeconds);
  if (typeof age === "number") fn.config.maximumEventAgeInSeconds = age;
  const destinations = isObject(value.DestinationConfig) ? value.DestinationConfig : {};
  for (const [key, when] of [
    ["OnSuccess", "onSuccess"],
    ["OnFailure", "onFailure"],
  ] as const) {
    const dest = destinations[key];
    if (!isObject(dest)) continue;
    const target = lambdaDestination(dest);
    const at = `${where}.DestinationConfig.${key}`;
    if (target === undefined) {
      const kind = typeof dest.Type === "string" ? dest.Type : serviceOf(dest.Destination);
      warn(`${at}: the ${kind} destination is not run locally; its records are not sent`);
      continue;
    }
    if (!names.has(target)) {
      warn(`${at}: the function "${target}" is not in this template; its records are not sent`);
      continue;
    }
    fn.config.destinations = { ...fn.config.destinations, [when]: { function: target } as DestinationConfig };
  }
}

/** The function name a Lambda destination names (an ARN, or a name from `Ref`); else undefined. */
function lambdaDestination(dest: Record<string, unknown>): string | undefined {
  const value = dest.Destination;
  if (typeof value !== "string") return undefined;
  if (dest.Type !== undefined && dest.Type !== "Lambda") return undefined;
  const arn = LAMBDA_ARN.exec(value);
  if (arn) return arn[1];
  // SAM's Type: Lambda with `!Ref Fn` gives the function's name.
  return dest.Type === "Lambda" && !value.startsWith("arn:") ? value : undefined;
}

function serviceOf(destination: unknown): string {
  if (destination instanceof Unresolved) return `unresolvable (${destination.reason})`;
  const service = typeof destination === "string" ? SERVICE.exec(destination)?.[1] : undefined;
  return service === undefined ? JSON.stringify(destination) : service.toUpperCase();
}

/**
 * Every `AWS::Lambda::EventInvokeConfig` resource, applied to the function its `FunctionName`
 * names (a `Ref` gives the name).
 */
export function applyEventInvokeResources(
  resources: Readonly<Record<string, { Type?: unknown; Properties?: unknown }>>,
  functions: readonly EventInvokeTarget[],
  ctx: ResolveContext,
  warn: (message: string) => void,
): void {
  const names = new Set(functions.map((f) => f.name));
  for (const [id, resource] of Object.entries(resources)) {
    if (resource?.Type !== EVENT_INVOKE_CONFIG) continue;
    const props = resolveValue(resource.Properties ?? {}, ctx, { logicalId: id, property: "Properties" });
    if (!isObject(props)) continue;
    const name =
      typeof props.FunctionName === "string"
        ? (LAMBDA_ARN.exec(props.FunctionName)?.[1] ?? props.FunctionName)
        : undefined;
    const fn = functions.find((f) => f.name === name);
    if (!fn) {
      warn(
        `${ctx.file}: ${id}: FunctionName ${JSON.stringify(name)} is not a function lambkin runs; ignored`,
      );
      continue;
    }
    applyEventInvokeConfig(fn, props, `${ctx.file}: ${id}.Properties`, names, warn);
  }
}

/**
 * A function's `destinations`: where the record of each finished Event invocation goes, as
 * Lambda's `DestinationConfig` has it (`OnSuccess`, `OnFailure`). A destination is another
 * function of the same config (invoked asynchronously with the record as its event) or a
 * JSON-lines file that lambkin appends each record to.
 */
import { isValidFunctionName, parseFunctionName } from "@lambkin/protocol";
import { ConfigError } from "./config-error.ts";

/** One destination: exactly one of `function` and `file`. */
export interface DestinationConfig {
  /** A function of this config, by name or Lambda ARN (`arn:aws:lambda:…:function:audit`). */
  function?: string;
  /** A JSON-lines file, relative to the config file: one record per line, appended and fsync'd. */
  file?: string;
}

export interface DestinationsConfig {
  /** Where records of events the function handled go (`condition: "Success"`). */
  onSuccess?: DestinationConfig;
  /** Where records of events that failed every attempt or grew too old go. */
  onFailure?: DestinationConfig;
}

export type ResolvedDestination = { kind: "function"; functionName: string } | { kind: "file"; path: string };

export interface ResolvedDestinations {
  onSuccess?: ResolvedDestination;
  onFailure?: ResolvedDestination;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const show = (v: unknown) => (typeof v === "string" ? `"${v}"` : JSON.stringify(v));
const WHEN = ["onSuccess", "onFailure"] as const;

/**
 * Checks one function's `destinations` (at = "functions.NAME"); `resolvePath` makes a file
 * absolute. Function names are checked against the whole config by `checkDestinationFunctions`.
 */
export function resolveDestinations(
  at: string,
  value: unknown,
  resolvePath: (path: string) => string,
): ResolvedDestinations {
  if (value === undefined) return {};
  if (!isObject(value)) {
    throw new ConfigError(
      `${at}.destinations must be an object like { "onFailure": { "file": "failed-events.jsonl" } }, got ${show(value)}`,
    );
  }
  const out: ResolvedDestinations = {};
  for (const [key, dest] of Object.entries(value)) {
    if (!(WHEN as readonly string[]).includes(key))
      throw new ConfigError(`${at}.destinations: unknown key "${key}" (allowed: onSuccess, onFailure)`);
    const where = `${at}.destinations.${key}`;
    const keys = isObject(dest) ? Object.keys(dest) : [];
    if (!isObject(dest) || keys.length !== 1 || !(keys[0] === "function" || keys[0] === "file")) {
      throw new ConfigError(
        `${where} must be { "function": "<name of a function in this config>" } or { "file": "<path of a JSON-lines file>" }, got ${show(dest)}`,
      );
    }
    const target = dest[keys[0]];
    if (typeof target !== "string" || target === "")
      throw new ConfigError(`${where}.${keys[0]} must be a non-empty string, got ${show(target)}`);
    out[key as (typeof WHEN)[number]] =
      keys[0] === "file"
        ? { kind: "file", path: resolvePath(target) }
        : { kind: "function", functionName: functionNameOf(`${where}.function`, target) };
  }
  return out;
}

/** A name, or the name in a Lambda function ARN (unqualified or `:$LATEST`: lambkin runs $LATEST). */
function functionNameOf(where: string, value: string): string {
  if (isValidFunctionName(value)) return value;
  let ref: ReturnType<typeof parseFunctionName>;
  try {
    ref = parseFunctionName(value);
  } catch {
    throw new ConfigError(`${where} must be a function name or a Lambda function ARN, got ${show(value)}`);
  }
  if (ref.qualifier !== undefined && ref.qualifier !== "$LATEST") {
    throw new ConfigError(
      `${where}: lambkin runs every function as $LATEST; name it without the qualifier ":${ref.qualifier}"`,
    );
  }
  return ref.name;
}

/** Every destination function must be another function of the config. */
export function checkDestinationFunctions(
  functions: ReadonlyMap<string, { name: string; destinations: ResolvedDestinations }>,
): void {
  for (const fn of functions.values()) {
    for (const when of WHEN) {
      const dest = fn.destinations[when];
      if (dest?.kind !== "function") continue;
      const where = `functions.${fn.name}.destinations.${when}.function`;
      if (dest.functionName === fn.name) {
        throw new ConfigError(
          `${where}: a function cannot be its own destination (each record would invoke it again, without end); name another function or use { "file": … }`,
        );
      }
      if (!functions.has(dest.functionName)) {
        throw new ConfigError(
          `${where} names "${dest.functionName}", which is not a function of this config (its functions: ${[...functions.keys()].join(", ")}): add "${dest.functionName}" under "functions", or name one of those`,
        );
      }
    }
  }
}

/** CORS settings as CloudFormation writes them for HTTP APIs and Function URLs → lambkin's shape. */
import type { CorsConfig } from "@lambkin/core";

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** HTTP API `CorsConfiguration` (also a Function URL's `Cors`): `true`, or the AllowOrigins… object. */
export function httpCors(cors: unknown): CorsConfig | undefined {
  if (cors === true) return { allowOrigins: ["*"], allowMethods: ["*"], allowHeaders: ["*"] };
  if (!isObject(cors)) return undefined;
  const list = (v: unknown) => (Array.isArray(v) ? v.map(String) : undefined);
  const out: CorsConfig = {};
  for (const [from, to] of [
    ["AllowOrigins", "allowOrigins"],
    ["AllowMethods", "allowMethods"],
    ["AllowHeaders", "allowHeaders"],
    ["ExposeHeaders", "exposeHeaders"],
  ] as const) {
    const value = list(cors[from]);
    if (value) out[to] = value;
  }
  if (typeof cors.MaxAge === "number") out.maxAge = cors.MaxAge;
  if (cors.AllowCredentials === true) out.allowCredentials = true;
  return out;
}

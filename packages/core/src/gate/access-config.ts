/**
 * Who may call lambkin: the config keys of the gate in front of the Invoke API and Function URLs
 * (allowed browser origins and host names, SigV4 credentials, each function's URL auth and CORS),
 * validated with errors that name the key and the fix.
 */
import type { CorsConfig } from "../route-config.ts";

/** A function's Function URL settings (AWS::Lambda::Url). */
export interface FunctionUrlConfig {
  /** `NONE` (default): anyone who can reach the port; `AWS_IAM`: SigV4 with lambkin's `auth` credentials. */
  authType?: "NONE" | "AWS_IAM";
  cors?: CorsConfig;
}

/** The credentials SigV4 requests must be signed with. */
export interface AuthConfig {
  accessKeyId: string;
  secretAccessKey: string;
}

/** The top-level keys of the gate. */
export interface AccessConfig {
  /** Browser origins (`http://localhost:5173`) allowed besides lambkin's own; `*` allows any. */
  allowedOrigins?: string[];
  /** Host names (besides loopback ones) requests may name while lambkin is bound to loopback. */
  allowedHosts?: string[];
  /** SigV4 credentials: required for the Invoke API and AWS_IAM Function URLs when set, and to bind beyond loopback. */
  auth?: AuthConfig;
}

export interface ResolvedCors {
  allowOrigins: string[];
  allowMethods: string[];
  allowHeaders: string[];
  exposeHeaders: string[];
  maxAge: number;
  allowCredentials: boolean;
}

export interface ResolvedFunctionUrl {
  authType: "NONE" | "AWS_IAM";
  cors: ResolvedCors | undefined;
}

export interface ResolvedAccess {
  allowedOrigins: string[];
  allowedHosts: string[];
  auth: AuthConfig | undefined;
}

/** Same message shape as the rest of config validation; `fail` throws the caller's ConfigError. */
type Fail = (message: string) => never;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
const show = (v: unknown) => (typeof v === "string" ? `"${v}"` : JSON.stringify(v));

function strings(where: string, value: unknown, fail: Fail): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((s) => typeof s !== "string" || s === "")) {
    fail(`${where} must be a list of non-empty strings, got ${show(value)}`);
  }
  return value as string[];
}

/** An origin as browsers send it: scheme, host and port, nothing else (no path, no slash). */
function checkOrigins(where: string, origins: string[], fail: Fail): string[] {
  for (const origin of origins) {
    if (origin !== "*" && !/^[a-z][a-z0-9+.-]*:\/\/[^/?#\s]+$/i.test(origin) && origin !== "null") {
      fail(
        `${where}: "${origin}" is not an origin; write scheme://host[:port] (e.g. "http://localhost:5173") or "*"`,
      );
    }
  }
  return origins.map((o) => o.toLowerCase());
}

export function resolveAccess(input: Record<string, unknown>, fail: Fail): ResolvedAccess {
  const allowedOrigins = checkOrigins(
    "allowedOrigins",
    strings("allowedOrigins", input.allowedOrigins, fail),
    fail,
  );
  const allowedHosts = strings("allowedHosts", input.allowedHosts, fail).map((h) => h.toLowerCase());
  let auth: AuthConfig | undefined;
  if (input.auth !== undefined) {
    const a = input.auth;
    if (
      !isObject(a) ||
      typeof a.accessKeyId !== "string" ||
      a.accessKeyId === "" ||
      typeof a.secretAccessKey !== "string" ||
      a.secretAccessKey === "" ||
      Object.keys(a).some((k) => k !== "accessKeyId" && k !== "secretAccessKey")
    ) {
      fail(`auth must be { "accessKeyId": "…", "secretAccessKey": "…" } (the credentials clients sign with)`);
    }
    auth = { accessKeyId: a.accessKeyId as string, secretAccessKey: a.secretAccessKey as string };
  }
  return { allowedOrigins, allowedHosts, auth };
}

const CORS_KEYS = [
  "allowOrigins",
  "allowMethods",
  "allowHeaders",
  "exposeHeaders",
  "maxAge",
  "allowCredentials",
];

export function resolveFunctionUrl(at: string, value: unknown, fail: Fail): ResolvedFunctionUrl {
  if (value === undefined) return { authType: "NONE", cors: undefined };
  if (!isObject(value))
    fail(`${at}.url must be an object ({ "authType": …, "cors": … }), got ${show(value)}`);
  for (const key of Object.keys(value)) {
    if (key !== "authType" && key !== "cors")
      fail(`${at}.url: unknown key "${key}" (allowed: authType, cors)`);
  }
  const authType = value.authType ?? "NONE";
  if (authType !== "NONE" && authType !== "AWS_IAM") {
    fail(`${at}.url.authType must be "NONE" or "AWS_IAM", got ${show(authType)}`);
  }
  let cors: ResolvedCors | undefined;
  if (value.cors !== undefined) {
    const c = value.cors;
    if (!isObject(c)) fail(`${at}.url.cors must be an object, got ${show(c)}`);
    for (const key of Object.keys(c)) {
      if (!CORS_KEYS.includes(key))
        fail(`${at}.url.cors: unknown key "${key}" (allowed: ${CORS_KEYS.join(", ")})`);
    }
    const maxAge = c.maxAge ?? 0;
    if (typeof maxAge !== "number" || !Number.isInteger(maxAge) || maxAge < 0 || maxAge > 86_400) {
      fail(`${at}.url.cors.maxAge must be a whole number 0–86400 seconds, got ${show(maxAge)}`);
    }
    if (c.allowCredentials !== undefined && typeof c.allowCredentials !== "boolean") {
      fail(`${at}.url.cors.allowCredentials must be true or false, got ${show(c.allowCredentials)}`);
    }
    cors = {
      allowOrigins: checkOrigins(
        `${at}.url.cors.allowOrigins`,
        strings(`${at}.url.cors.allowOrigins`, c.allowOrigins, fail),
        fail,
      ),
      allowMethods: strings(`${at}.url.cors.allowMethods`, c.allowMethods, fail).map((m) => m.toUpperCase()),
      allowHeaders: strings(`${at}.url.cors.allowHeaders`, c.allowHeaders, fail).map((h) => h.toLowerCase()),
      exposeHeaders: strings(`${at}.url.cors.exposeHeaders`, c.exposeHeaders, fail),
      maxAge: maxAge as number,
      allowCredentials: c.allowCredentials === true,
    };
  }
  return { authType: authType as "NONE" | "AWS_IAM", cors };
}

/** True for an address that only this machine can reach. */
export function isLoopbackAddress(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/**
 * Checks of single config values, shared by the top level and each function; each error names the
 * key and the value it got.
 */
import { ConfigError } from "./config-error.ts";

export const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);
export const show = (v: unknown) => (typeof v === "string" ? `"${v}"` : JSON.stringify(v));

export function integer(where: string, value: unknown, min: number, max: number, unit = ""): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${where} must be a whole number ${min}–${max}${unit}, got ${show(value)}`);
  }
  return value;
}

export function sandboxFlag(value: unknown, where = "sandbox"): boolean {
  if (typeof value !== "boolean") throw new ConfigError(`${where} must be true or false, got ${show(value)}`);
  return value;
}

/** Joins POSIX paths; `to` wins when absolute. Core avoids `node:path` to stay engine-neutral. */
export function resolvePath(from: string, to: string): string {
  const joined = to.startsWith("/") ? to : `${from.replace(/\/+$/, "")}/${to}`;
  const out: string[] = [];
  for (const seg of joined.split("/")) {
    if (seg === "" || seg === ".") continue;
    if (seg === "..") out.pop();
    else out.push(seg);
  }
  return `/${out.join("/")}`;
}

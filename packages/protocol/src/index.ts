// @lambkin/protocol: every fact of Lambda's protocols that lambkin honours, as pure TypeScript.
// No I/O and no engine API here, so the same code serves core, the runtime client and tests on
// Node, Bun and Deno.
export * from "./api-gateway-event.ts";
export * from "./errors.ts";
export * from "./event-stream.ts";
export * from "./headers.ts";
export * from "./http-event.ts";
export * from "./http-prelude.ts";
export * from "./ids.ts";
export * from "./limits.ts";
export * from "./log-lines.ts";
export * from "./names.ts";
export * from "./routes.ts";
export * from "./types.ts";

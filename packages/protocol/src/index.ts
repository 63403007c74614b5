// @lambkin/protocol: every fact of Lambda's protocols that lambkin honours, as pure TypeScript.
// No I/O and no engine API here, so the same code serves core, the runtime client and tests on
// Node, Bun and Deno.
export * from "./event-stream.ts";
export * from "./http-event.ts";

// The Runtime API's names on the wire — header names and routes — alone, for the runtime client:
// it inlines them at build time, and this entry pulls in nothing else of the protocol package
// (no event-stream tables, no encoders), so the client's one-file runtime stays as small as it was.
export * from "./headers.ts";
export { RUNTIME_API_VERSION, runtimeRoutes } from "./routes.ts";

/**
 * A header name in the casing clients send it (`lambda-runtime-function-error-type` →
 * `Lambda-Runtime-Function-Error-Type`, as Go's net/http and AWS's clients spell it), for
 * the names a runtime sends.
 */
export const canonicalHeaderName = (name: string): string =>
  name.replace(/(^|-)([a-z])/g, (_, dash: string, letter: string) => dash + letter.toUpperCase());

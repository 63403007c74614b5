// @lambkin/client: a Lambda runtime client for Node, Bun and Deno. `dist/runtime.js` is the
// executable entry (`node|bun|deno run -A …/dist/runtime.js`); this module is the library side:
// the loop for custom bootstraps, and the streaming helpers handlers import.
export { createRuntime, type Runtime, type RuntimeOptions, run } from "./create-runtime.ts";
export { detectEngine, type EngineName } from "./engine.ts";
export {
  type ErrorBody,
  formatError,
  HandlerNotFoundError,
  ImportModuleError,
  MalformedHandlerNameError,
  RuntimeError,
  UserCodeSyntaxError,
} from "./errors.ts";
export { HttpResponseStream, streamifyResponse } from "./streaming.ts";
export type {
  Callback,
  ClientContext,
  CognitoIdentity,
  Context,
  Handler,
  HttpResponseMetadata,
  ResponseStream,
  StreamifyOptions,
  StreamingHandler,
} from "./types.ts";

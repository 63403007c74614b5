// `streamifyResponse` and `HttpResponseStream`, with the shapes of AWS's Node.js runtime (where
// they are `awslambda.streamifyResponse` and `awslambda.HttpResponseStream`). A handler is marked
// with the same global symbols AWS uses, so a handler wrapped by any copy of these functions (this
// package bundled into user code, or AWS's own global) is recognised by the runtime.
import { RuntimeError } from "./errors.ts";
import type { HttpResponseMetadata, ResponseStream, StreamifyOptions, StreamingHandler } from "./types.ts";

export const HANDLER_STREAMING = Symbol.for("aws.lambda.runtime.handler.streaming");
export const HANDLER_HIGHWATERMARK = Symbol.for("aws.lambda.runtime.handler.streaming.highWaterMark");
const STREAM_RESPONSE = "response";

export const HTTP_INTEGRATION_CONTENT_TYPE = "application/vnd.awslambda.http-integration-response";
/** Eight NUL bytes separate the JSON prelude from the body. */
const PRELUDE_DELIMITER_LENGTH = 8;

/** Marks `handler` as a response-streaming handler: `async (event, responseStream, context)`. */
export function streamifyResponse<T extends StreamingHandler>(handler: T, options?: StreamifyOptions): T {
  const marked = handler as unknown as Record<symbol, unknown>;
  marked[HANDLER_STREAMING] = STREAM_RESPONSE;
  if (typeof options?.highWaterMark === "number") {
    marked[HANDLER_HIGHWATERMARK] = Math.trunc(options.highWaterMark);
  }
  return handler;
}

/** How the runtime reads the marks; a mark other than `response` is an error, as in AWS. */
export function streamingMetadata(handler: unknown): {
  streaming: boolean;
  highWaterMark: number | undefined;
} {
  const marks = handler as Record<symbol, unknown>;
  const mode = marks[HANDLER_STREAMING];
  if (mode === undefined || mode === null || mode === false)
    return { streaming: false, highWaterMark: undefined };
  if (mode !== STREAM_RESPONSE) {
    throw new RuntimeError("Runtime.MalformedStreamingHandler", "Only response streaming is supported.");
  }
  const hwm = Number.parseInt(String(marks[HANDLER_HIGHWATERMARK]), 10);
  return { streaming: true, highWaterMark: Number.isNaN(hwm) ? undefined : hwm };
}

interface PreludeCapable {
  setContentType(contentType: string): void;
  _onBeforeFirstWrite?: ((write: (chunk: string | Uint8Array) => void) => void) | undefined;
}

/**
 * The response stream of a Function URL or API Gateway integration: sets the http-integration
 * content type and, right before the first body bytes, writes `metadata` as JSON followed by 8 NUL
 * bytes. Returns the same stream.
 */
export const HttpResponseStream = {
  from<S extends ResponseStream>(responseStream: S, metadata: HttpResponseMetadata): S {
    const stream = responseStream as S & PreludeCapable;
    stream.setContentType(HTTP_INTEGRATION_CONTENT_TYPE);
    const prelude = JSON.stringify(metadata);
    stream._onBeforeFirstWrite = (write) => {
      write(prelude);
      write(new Uint8Array(PRELUDE_DELIMITER_LENGTH));
    };
    return responseStream;
  },
};

/** Installs `globalThis.awslambda` as AWS's Node.js runtime does, unless the user opted out. */
export function installAwsLambdaGlobal(env: Record<string, string | undefined>): void {
  const optOut = env.AWS_LAMBDA_NODEJS_NO_GLOBAL_AWSLAMBDA;
  if (optOut === "1" || optOut === "true") return;
  (globalThis as { awslambda?: unknown }).awslambda = { streamifyResponse, HttpResponseStream };
}

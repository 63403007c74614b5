/**
 * A streamed response (`Lambda-Runtime-Function-Response-Mode: streaming`), relayed to the caller
 * as it arrives. The runtime's request ends only after the caller has taken every byte; trailers
 * then say whether the stream failed mid-way. Past MAX_STREAMED_RESPONSE_BYTES the stream fails
 * with `Function.ResponseSizeTooLarge`.
 */
import { H_FUNCTION_ERROR_BODY, H_FUNCTION_ERROR_TYPE, MAX_STREAMED_RESPONSE_BYTES } from "@lambkin/protocol";
import type { FunctionError, Invocation } from "../invocation.ts";
import type { RequestInfo } from "../platform.ts";
import { responseTooLarge, streamInterrupted, trailerError } from "./failures.ts";
import { accepted, entityTooLarge } from "./runtime-api.ts";

export interface RelayHooks {
  /** Registers how the environment fails the relay when it dies under it (timeout, crash); undefined once over. */
  setAbort(abort: ((error: FunctionError) => void) | undefined): void;
  /** The stream is over: END/REPORT (`failure` when lambkin failed it, `reportedError` when the function did). */
  finish(failure: FunctionError | undefined, reportedError: string | undefined): void;
  /** The platform's `Response` for the runtime's answer. */
  Response: typeof Response;
}

export function relayStream(
  invocation: Invocation,
  request: Request,
  info: RequestInfo,
  contentType: string,
  hooks: RelayHooks,
): Promise<Response> {
  let size = 0;
  let resolveCompletion!: (error: FunctionError | undefined) => void;
  const completion = new Promise<FunctionError | undefined>((resolve) => {
    resolveCompletion = resolve;
  });
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      size += chunk.byteLength;
      if (size > MAX_STREAMED_RESPONSE_BYTES) controller.error(responseTooLarge);
      else controller.enqueue(chunk);
    },
  });
  // Settled by the body's end, or first by the environment dying under it (timeout, crash).
  let abort!: (error: FunctionError) => void;
  const aborted = new Promise<never>((_, reject) => {
    abort = reject;
  });
  hooks.setAbort(abort);
  const source = request.body ?? new ReadableStream<Uint8Array>({ start: (c) => c.close() });
  const piped = source.pipeTo(counter.writable);
  invocation.settle({ kind: "stream", contentType, body: counter.readable, completion });

  return Promise.race([piped, aborted]).then(
    async () => {
      hooks.setAbort(undefined);
      const trailers = await info.trailers();
      const error = trailerError(trailers.get(H_FUNCTION_ERROR_TYPE), trailers.get(H_FUNCTION_ERROR_BODY));
      resolveCompletion(error);
      hooks.finish(undefined, error?.errorType);
      return accepted(hooks.Response);
    },
    (reason: unknown) => {
      hooks.setAbort(undefined);
      const error: FunctionError =
        reason && typeof reason === "object" && "errorType" in reason
          ? (reason as FunctionError)
          : streamInterrupted(reason);
      resolveCompletion(error);
      hooks.finish(error, undefined);
      return error === responseTooLarge ? entityTooLarge() : accepted(hooks.Response);
    },
  );
}

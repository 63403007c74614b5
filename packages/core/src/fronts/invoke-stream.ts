/**
 * InvokeWithResponseStream (2021-11-15): the result as an AWS event stream — a `PayloadChunk` per
 * chunk the runtime sends, as it sends it, then `InvokeComplete` with the error (if any) and the
 * log tail. A buffered result is one chunk.
 */
import {
  encodeInvokeComplete,
  encodePayloadChunk,
  H_AMZN_REQUEST_ID,
  H_EXECUTED_VERSION,
  type InvokeCompleteEvent,
  LATEST,
} from "@lambkin/protocol";
import type { FunctionError } from "../invocation.ts";
import type { InvokeRequest, InvokeService, InvokeTarget } from "../invoke/service.ts";

const decoder = new TextDecoder();

export async function invokeWithResponseStream(
  service: InvokeService,
  target: InvokeTarget,
  request: InvokeRequest,
): Promise<Response> {
  if (request.invocationType === "DryRun") {
    const result = await service.invoke(target, request);
    return new Response(null, {
      status: 204,
      headers: { [H_EXECUTED_VERSION]: LATEST, [H_AMZN_REQUEST_ID]: result.requestId },
    });
  }
  const invocation = service.start(target, request);
  const outcome = await invocation.outcome;
  const complete = async (error: FunctionError | undefined) => {
    const event: InvokeCompleteEvent = {};
    if (error) {
      event.ErrorCode = error.errorType;
      event.ErrorDetails = decoder.decode(error.body);
    }
    if (request.tail) event.LogResult = await service.tail(invocation);
    return encodeInvokeComplete(event);
  };
  let stream: ReadableStream<Uint8Array>;
  if (outcome.kind === "stream") {
    const completion = outcome.completion;
    stream = outcome.body.pipeThrough(
      new TransformStream<Uint8Array, Uint8Array>({
        transform: (chunk, controller) => controller.enqueue(encodePayloadChunk(chunk)),
        flush: async (controller) => controller.enqueue(await complete(await completion)),
      }),
    );
  } else {
    const error = outcome.kind === "error" ? outcome : undefined;
    const frames: Uint8Array[] = [];
    if (!error && outcome.body.byteLength > 0) frames.push(encodePayloadChunk(outcome.body));
    frames.push(await complete(error));
    stream = new ReadableStream({
      start(controller) {
        for (const frame of frames) controller.enqueue(frame);
        controller.close();
      },
    });
  }
  return new Response(stream, {
    status: 200,
    headers: {
      // The service model binds ResponseStreamContentType to Content-Type: the function's own.
      "content-type": outcome.kind === "stream" ? outcome.contentType : "application/json",
      [H_EXECUTED_VERSION]: LATEST,
      [H_AMZN_REQUEST_ID]: invocation.requestId,
    },
  });
}

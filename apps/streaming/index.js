// streaming: a response-streaming Lambda function. It sends a short progress report line by line
// as the work happens, instead of one response at the end.
//   curl -N http://127.0.0.1:3000/streaming/?steps=5          (Function URL: text, as it comes)
//   lambkin invoke streaming --payload '{"steps":3}'          (Invoke API: the whole text at the end)
//
// `streamifyResponse` and `HttpResponseStream` are the ones AWS's Node.js runtime offers as
// `awslambda.streamifyResponse`/`awslambda.HttpResponseStream`; @lambkin/client exports the same.
import { HttpResponseStream, streamifyResponse } from "@lambkin/client";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** `steps` (1–20, default 5) and `delayMs` (0–2000, default 200) from the event or query string. */
function options(event) {
  const source = event?.requestContext?.http ? (event.queryStringParameters ?? {}) : (event ?? {});
  const number = (value, fallback, min, max) => {
    const n = Number(value ?? fallback);
    return Number.isInteger(n) && n >= min && n <= max ? n : fallback;
  };
  return { steps: number(source.steps, 5, 1, 20), delayMs: number(source.delayMs, 200, 0, 2000) };
}

export const handler = streamifyResponse(async (event, responseStream, context) => {
  const { steps, delayMs } = options(event);
  // Called through a Function URL, the status and headers go first (the http-integration prelude);
  // through the Invoke API the stream is the payload itself.
  const stream = event?.requestContext?.http
    ? HttpResponseStream.from(responseStream, {
        statusCode: 200,
        headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
      })
    : responseStream;
  if (!event?.requestContext?.http) stream.setContentType("text/plain; charset=utf-8");

  stream.write(`report ${context.awsRequestId}: ${steps} steps\n`);
  for (let step = 1; step <= steps; step++) {
    await sleep(delayMs);
    stream.write(`step ${step}/${steps} done\n`);
    console.log(`sent step ${step}`);
  }
  stream.end("finished\n");
});

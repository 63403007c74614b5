// Response-streaming handlers, marked with the `awslambda` global as AWS's Node.js runtime users do.
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

// Resolves once the Runtime API has received this response's first bytes (test server only).
const firstChunkArrived = (context) =>
  fetch(`http://${process.env.AWS_LAMBDA_RUNTIME_API}/test/first-chunk/${context.awsRequestId}`).then((r) =>
    r.text(),
  );

export const handler = awslambda.streamifyResponse(async (event, responseStream, context) => {
  switch (event.action) {
    case "signal":
      responseStream.write("first;");
      await firstChunkArrived(context);
      responseStream.write("second");
      responseStream.end();
      return;
    case "fail-mid":
      responseStream.write("partial");
      await firstChunkArrived(context);
      throw new Error("mid-stream failure");
    case "fail-early":
      throw new TypeError("failed before writing");
    case "http": {
      const stream = awslambda.HttpResponseStream.from(responseStream, {
        statusCode: 201,
        headers: { "x-fixture": "yes" },
        cookies: ["a=1"],
      });
      stream.write("hello ");
      stream.end("world");
      return;
    }
    case "http-empty":
      awslambda.HttpResponseStream.from(responseStream, { statusCode: 204 }).end();
      return;
    case "content-type":
      responseStream.setContentType("text/plain; charset=utf-8");
      responseStream.end("typed");
      return;
    case "object-chunk":
      responseStream.write({ an: "object" });
      responseStream.end();
      return;
    case "pipeline":
      await pipeline(Readable.from(["a", "b", "c"]), responseStream);
      return;
    case "pipeline-fail":
      await pipeline(
        Readable.from(
          (async function* () {
            yield "x";
            throw new Error("source failed");
          })(),
        ),
        responseStream,
      );
      return;
    case "never":
      // Waits on nothing that can ever happen: no timer, no socket. (Once bytes were written, the
      // open post keeps the process alive, and the invocation ends at its timeout, as in AWS.)
      await new Promise(() => {});
      return;
    default:
      throw new Error(`unknown action ${JSON.stringify(event.action)}`);
  }
});

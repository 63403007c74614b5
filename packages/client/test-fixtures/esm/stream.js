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
    case "backpressure": {
      // Honours write()'s false and waits for 'drain', as a careful handler does.
      const chunk = "x".repeat(64 * 1024);
      let falses = 0;
      let drains = 0;
      responseStream.on("drain", () => drains++);
      for (let i = 0; i < 40; i++) {
        if (!responseStream.write(chunk)) {
          falses++;
          await new Promise((resolve) => responseStream.once("drain", resolve));
        }
      }
      let called = false;
      responseStream.end(`|${falses > 0 && falses === drains}|`, () => {
        called = true;
      });
      await new Promise((resolve) => responseStream.once("finish", resolve));
      console.log(`finished: end callback ${called}, writableFinished ${responseStream.writableFinished}`);
      return;
    }
    case "pipe":
      await new Promise((resolve, reject) => {
        Readable.from(["p1,", "p2,", "p3"]).pipe(responseStream);
        responseStream.on("finish", resolve).on("error", reject);
      });
      return;
    case "destroy":
      responseStream.write("before;");
      responseStream.destroy(new Error("destroyed by the handler"));
      return;
    case "write-after-end":
      responseStream.end("done");
      responseStream.write("late");
      return;
    case "cork":
      responseStream.cork();
      responseStream.write("a");
      responseStream.write("b");
      setTimeout(() => responseStream.uncork(), 1);
      await new Promise((resolve) => setTimeout(resolve, 5));
      responseStream.end(new Uint8Array([99]));
      return;
    case "encodings":
      responseStream.write("aGk=", "base64");
      responseStream.write(new Uint8Array([33]));
      responseStream.end("\u00e9", "latin1");
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

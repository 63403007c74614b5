// The response stream a streaming handler writes to: a Node.js Writable whose bytes go to
// `POST /runtime/invocation/{id}/response` as they are written (chunked transfer encoding), and
// whose failure is reported in the HTTP trailers `Lambda-Runtime-Function-Error-Type` and
// `Lambda-Runtime-Function-Error-Body` (base64 of the error JSON), per docs/protocol.md ("Streamed responses").
//
// The post goes through node:http, on Node and Bun. A web `fetch` with a ReadableStream body can
// stream on Bun and Deno but cannot send trailers at all, so it could not report a mid-stream
// failure; Bun's node:http layer does send chunked bodies with `addTrailers()` (checked against a
// node:http server here). Deno's would too, but loading it (and node:stream) costs a streaming
// function ~25 ms of cold start there: Deno has its own stream, response-stream-deno.ts.
import http from "node:http";
import { Writable } from "node:stream";
import { type ErrorBody, InvalidStreamingOperationError, RuntimeApiError } from "./errors.ts";
import {
  DEFAULT_CONTENT_TYPE,
  ERROR_BODY_TRAILER,
  ERROR_TYPE_TRAILER,
  type ResponseStreamTarget,
  STREAMING_HEADERS,
  trailerSafe,
} from "./response-stream-protocol.ts";

type RawWrite = (chunk: string | Uint8Array) => void;

export class LambdaResponseStream extends Writable {
  readonly #target: ResponseStreamTarget;
  #contentType = DEFAULT_CONTENT_TYPE;
  #request: http.ClientRequest | undefined;
  #requestError: Error | undefined;
  #writeCalled = false;
  #bytesStarted = false;
  #failure: ErrorBody | undefined;
  #postEnded = false;
  #apiError: RuntimeApiError | undefined;
  // Settles when the Runtime API has answered the post.
  readonly #answered: Promise<void>;
  #answer!: { resolve: () => void; reject: (error: Error) => void };
  // Rejects when the Writable closes (destroyed, or failed) before the post was ended.
  readonly #closedEarly: Promise<never>;

  /**
   * Set by `HttpResponseStream.from`: runs once, right before the first bytes, to write the
   * http-integration prelude. Named as in AWS's runtime, so its HttpResponseStream works here too.
   */
  _onBeforeFirstWrite: ((write: RawWrite) => void) | undefined;

  constructor(target: ResponseStreamTarget) {
    super(target.highWaterMark === undefined ? {} : { highWaterMark: target.highWaterMark });
    this.#target = target;
    this.#answered = new Promise<void>((resolve, reject) => {
      this.#answer = { resolve, reject };
    });
    this.#closedEarly = new Promise<never>((_resolve, reject) => {
      this.once("close", () => {
        if (this.#postEnded) return;
        reject(
          this.#apiError ??
            (this as { errored?: Error | null }).errored ??
            new InvalidStreamingOperationError("Response stream was destroyed before it ended."),
        );
      });
    });
    // Failures are observed through `completed()`; an 'error' event nobody listens to (a handler
    // calling destroy(err), a failed post) must not become an uncaught exception.
    this.on("error", () => {});
    // Likewise for the promises when nobody awaits them.
    this.#answered.catch(() => {});
    this.#closedEarly.catch(() => {});
  }

  /** Sets the response's Content-Type. Only before the first write, as in AWS. */
  setContentType(contentType: string): void {
    if (this.#writeCalled) {
      throw new InvalidStreamingOperationError("Cannot set content-type, too late.");
    }
    this.#contentType = contentType;
  }

  // Objects are written as JSON, as AWS's response stream does.
  override write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    this.#writeCalled = true;
    const done = (typeof encoding === "function" ? encoding : callback) as WriteCallback | undefined;
    const bytes = toBytes(chunk, typeof encoding === "string" ? encoding : undefined);
    return done ? super.write(bytes, done) : super.write(bytes);
  }

  override end(chunk?: unknown, encoding?: unknown, callback?: unknown): this {
    if (typeof chunk === "function") return super.end(chunk as () => void);
    const done = (typeof encoding === "function" ? encoding : callback) as (() => void) | undefined;
    if (chunk === undefined || chunk === null) return done ? super.end(done) : super.end();
    this.#writeCalled = true;
    const bytes = toBytes(chunk, typeof encoding === "string" ? encoding : undefined);
    return done ? super.end(bytes, done) : super.end(bytes);
  }

  override _write(chunk: Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    let req: http.ClientRequest;
    try {
      req = this.#open();
      this.#startBytes(req);
    } catch (error) {
      callback(error as Error);
      return;
    }
    if (this.#requestError) {
      callback(this.#requestError);
      return;
    }
    // A zero-length chunk would read as the end of a chunked body; there is nothing to send.
    if (chunk.length === 0 || req.write(chunk)) {
      callback();
      return;
    }
    const onDrain = () => {
      req.off("error", onError);
      callback();
    };
    const onError = (error: Error) => {
      req.off("drain", onDrain);
      callback(error);
    };
    req.once("drain", onDrain);
    req.once("error", onError);
  }

  override _final(callback: (error?: Error | null) => void): void {
    try {
      this.#finishPost();
      callback(this.#requestError ?? null);
    } catch (error) {
      callback(error as Error);
    }
  }

  /**
   * Resolves once the whole response has been posted and the Runtime API has answered; rejects
   * when the stream was destroyed without ending or the post itself failed.
   */
  completed(): Promise<void> {
    return Promise.race([this.#answered, this.#closedEarly]);
  }

  /**
   * Ends the post with the error trailers. Bytes already written stay written (the caller has
   * them); anything still buffered in this Writable is sent first.
   */
  async fail(error: ErrorBody): Promise<void> {
    if (this.#postEnded) return this.#answered; // already complete: too late to report it
    this.#failure = error;
    if (!this.destroyed && !this.writableEnded) {
      this.end();
    } else if (this.destroyed) {
      // Destroyed (say, by a pipeline whose source failed): the Writable will not run _final,
      // so end the post here.
      this.#finishPost();
    }
    // writableEnded without destroyed: _final is still to run and will add the trailers.
    return this.#answered;
  }

  #open(): http.ClientRequest {
    if (this.#request) return this.#request;
    const { hostname, port, path, agent } = this.#target;
    const req = http.request({
      hostname,
      port,
      path,
      method: "POST",
      agent,
      headers: { ...STREAMING_HEADERS, "Content-Type": this.#contentType },
    });
    req.on("response", (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const status = res.statusCode ?? 0;
        if (status >= 500) {
          this.#answer.reject(
            new RuntimeApiError(
              `the Runtime API answered ${status} to the streamed response: ${Buffer.concat(chunks).toString()}`,
            ),
          );
        } else {
          this.#answer.resolve();
        }
      });
    });
    req.on("error", (error) => {
      this.#requestError = error;
      this.#apiError = new RuntimeApiError(`posting the streamed response failed: ${error.message}`);
      this.#answer.reject(this.#apiError);
    });
    this.#request = req;
    return req;
  }

  #startBytes(req: http.ClientRequest): void {
    if (this.#bytesStarted) return;
    this.#bytesStarted = true;
    const hook = this._onBeforeFirstWrite;
    if (typeof hook === "function") {
      hook((chunk) => {
        const bytes = toBytes(chunk);
        if (bytes.length > 0) req.write(bytes);
      });
    }
  }

  #finishPost(): void {
    if (this.#postEnded) return;
    this.#postEnded = true;
    const req = this.#open();
    // An http-integration stream that ends without a body still owes the caller its prelude
    // (status and headers); AWS writes it only before a first write, which loses a bodiless 204.
    this.#startBytes(req);
    if (this.#failure) {
      req.addTrailers({
        [ERROR_TYPE_TRAILER]: trailerSafe(this.#failure.errorType),
        [ERROR_BODY_TRAILER]: Buffer.from(JSON.stringify(this.#failure)).toString("base64"),
      });
    }
    req.end();
  }
}

type WriteCallback = (error?: Error | null) => void;

function toBytes(chunk: unknown, encoding?: string): Buffer {
  if (typeof chunk === "string") return Buffer.from(chunk, encoding as BufferEncoding | undefined);
  if (chunk instanceof Uint8Array) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  return Buffer.from(JSON.stringify(chunk) ?? "");
}

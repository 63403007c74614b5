// The response stream on Deno: the contract of response-stream.ts (bytes posted as they are
// written, a failure reported in the trailers) without node:http and node:stream, whose loading
// would cost a streaming function ~25 ms of cold start on Deno.
//
// - The post is HTTP/1.1 written by hand on a socket of the Deno transport's (transport-deno.ts,
//   which also reads the answer): a chunked body, then the trailers. (`fetch` can stream a body
//   but cannot send trailers.) One connection per response, closed by the server after its answer.
// - The stream is a Writable look-alike: write/end/destroy/cork with backpressure, and the
//   EventEmitter methods and 'drain'/'finish'/'error'/'close' events that handlers and
//   node:stream's pipe(), pipeline() and finished() use (to them it is a stream without
//   `_writableState`, which they support). Events follow a Writable's order: 'finish' then
//   'close' after end(); 'error' then 'close' after destroy(error).
import { type ErrorBody, InvalidStreamingOperationError, RuntimeApiError } from "./errors.ts";
import {
  DEFAULT_CONTENT_TYPE,
  ERROR_BODY_TRAILER,
  ERROR_TYPE_TRAILER,
  type ResponseStreamTarget,
  STREAMING_HEADERS,
  trailerSafe,
} from "./response-stream-protocol.ts";
import { base64, chunked, encoder, type RawWrite, toBytes } from "./stream-bytes.ts";
import { Emitter } from "./stream-emitter.ts";
import { authority } from "./transport.ts";
import { Connection } from "./transport-deno.ts";

type WriteCallback = (error?: Error | null) => void;

/** A Writable's default highWaterMark for bytes. */
const DEFAULT_HIGH_WATER_MARK = 16 * 1024;

export class DenoResponseStream extends Emitter {
  readonly #target: ResponseStreamTarget;
  readonly #highWaterMark: number;
  #contentType = DEFAULT_CONTENT_TYPE;
  #defaultEncoding = "utf8";
  #connection: Promise<Connection> | undefined;
  // Socket writes, one after another: the head, then each chunk, then the end of the body.
  #socketWrites: Promise<void> = Promise.resolve();
  #requestError: Error | undefined;
  #writeCalled = false;
  #bytesStarted = false;
  #failure: ErrorBody | undefined;
  #postEnded = false;
  #apiError: RuntimeApiError | undefined;
  // Writable state.
  #buffered = 0; // bytes written but not yet on the socket
  #needDrain = false;
  #corked = 0;
  #corkedWrites: { bytes: Uint8Array; callback: WriteCallback | undefined }[] = [];
  #ending = false;
  #finalCalled = false;
  #finishing = false;
  #finished = false;
  #destroyed = false;
  #closed = false;
  #errored: Error | null = null;
  #onFinished: WriteCallback[] = [];
  // Settles when the Runtime API has answered the post.
  readonly #answered: Promise<void>;
  #answer!: { resolve: () => void; reject: (error: Error) => void };
  // Rejects when the stream closes (destroyed, or failed) before the post was ended.
  readonly #closedEarly: Promise<never>;

  /** Set by `HttpResponseStream.from`: writes the http-integration prelude before the first bytes. */
  _onBeforeFirstWrite: ((write: RawWrite) => void) | undefined;

  constructor(target: ResponseStreamTarget) {
    super();
    this.#target = target;
    this.#highWaterMark = target.highWaterMark ?? DEFAULT_HIGH_WATER_MARK;
    this.#answered = new Promise<void>((resolve, reject) => {
      this.#answer = { resolve, reject };
    });
    this.#closedEarly = new Promise<never>((_resolve, reject) => {
      this.once("close", () => {
        if (this.#postEnded) return;
        reject(
          this.#apiError ??
            this.#errored ??
            new InvalidStreamingOperationError("Response stream was destroyed before it ended."),
        );
      });
    });
    // As in response-stream.ts: failures are observed through `completed()`.
    this.on("error", () => {});
    this.#answered.catch(() => {});
    this.#closedEarly.catch(() => {});
  }

  get writable(): boolean {
    return !this.#destroyed && !this.#ending && this.#errored === null;
  }
  get writableEnded(): boolean {
    return this.#ending;
  }
  get writableFinished(): boolean {
    return this.#finished;
  }
  get writableLength(): number {
    return this.#buffered;
  }
  get writableHighWaterMark(): number {
    return this.#highWaterMark;
  }
  get writableNeedDrain(): boolean {
    return !this.#destroyed && !this.#ending && this.#needDrain;
  }
  get writableObjectMode(): boolean {
    return false;
  }
  get writableCorked(): number {
    return this.#corked;
  }
  get writableErrored(): Error | null {
    return this.#errored;
  }
  get errored(): Error | null {
    return this.#errored;
  }
  get destroyed(): boolean {
    return this.#destroyed;
  }
  get closed(): boolean {
    return this.#closed;
  }

  /** Sets the response's Content-Type. Only before the first write, as in AWS. */
  setContentType(contentType: string): void {
    if (this.#writeCalled) {
      throw new InvalidStreamingOperationError("Cannot set content-type, too late.");
    }
    this.#contentType = contentType;
  }

  setDefaultEncoding(encoding: string): this {
    this.#defaultEncoding = encoding;
    return this;
  }

  // Objects are written as JSON, as AWS's response stream does.
  write(chunk: unknown, encoding?: unknown, callback?: unknown): boolean {
    const done = (typeof encoding === "function" ? encoding : callback) as WriteCallback | undefined;
    const error = this.#ending
      ? streamError("ERR_STREAM_WRITE_AFTER_END", "write after end")
      : this.#destroyed
        ? streamError("ERR_STREAM_DESTROYED", "Cannot call write after a stream was destroyed")
        : undefined;
    if (error) {
      queueMicrotask(() => done?.(error));
      this.destroy(error);
      return false;
    }
    this.#writeCalled = true;
    const bytes = toBytes(chunk, typeof encoding === "string" ? encoding : this.#defaultEncoding);
    this.#buffered += bytes.length;
    const ok = this.#buffered < this.#highWaterMark;
    if (!ok) this.#needDrain = true;
    if (this.#corked > 0) this.#corkedWrites.push({ bytes, callback: done });
    else this.#send(bytes, done);
    return ok;
  }

  end(chunk?: unknown, encoding?: unknown, callback?: unknown): this {
    let done: WriteCallback | undefined;
    if (typeof chunk === "function") {
      done = chunk as WriteCallback;
      chunk = undefined;
    } else if (typeof encoding === "function") {
      done = encoding as WriteCallback;
      encoding = undefined;
    } else {
      done = callback as WriteCallback | undefined;
    }
    if (chunk !== undefined && chunk !== null) this.write(chunk, encoding);
    if (this.#corked > 0) {
      this.#corked = 1;
      this.uncork();
    }
    let error: Error | undefined;
    if (this.#errored === null && !this.#ending) {
      this.#ending = true;
      this.#final();
    } else if (this.#finished) {
      error = streamError("ERR_STREAM_ALREADY_FINISHED", "Cannot call end after a stream was finished");
    } else if (this.#destroyed) {
      error = streamError("ERR_STREAM_DESTROYED", "Cannot call end after a stream was destroyed");
    }
    if (done) {
      if (error) queueMicrotask(() => done(error));
      else if (this.#finished) queueMicrotask(() => done(null));
      else this.#onFinished.push(done);
    }
    return this;
  }

  cork(): void {
    this.#corked++;
  }

  uncork(): void {
    if (this.#corked === 0) return;
    this.#corked--;
    if (this.#corked > 0) return;
    for (const { bytes, callback } of this.#corkedWrites.splice(0)) this.#send(bytes, callback);
    this.#final();
  }

  destroy(error?: Error | null): this {
    if (this.#destroyed) return this;
    this.#destroyed = true;
    if (error) this.#errored ??= error;
    // Writes still corked never reach the request; those already sent to it stay sent.
    const dropped = this.#corkedWrites.splice(0);
    const finished = this.#onFinished.splice(0);
    queueMicrotask(() => {
      const destroyed = streamError("ERR_STREAM_DESTROYED", "Cannot call write after a stream was destroyed");
      for (const { callback } of dropped) callback?.(destroyed);
      for (const callback of finished) callback(error ?? destroyed);
      if (error) this.emit("error", error);
      this.#closed = true;
      this.emit("close");
    });
    return this;
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
   * them); anything still corked in this stream is sent first.
   */
  async fail(error: ErrorBody): Promise<void> {
    if (this.#postEnded) return this.#answered; // already complete: too late to report it
    this.#failure = error;
    if (!this.#destroyed && !this.#ending) this.end();
    // Destroyed (by a pipeline whose source failed, say): no final step will run, end it here.
    else if (this.#destroyed) this.#finishPost();
    // Ended but not yet finished: the final step is still to run and will add the trailers.
    return this.#answered;
  }

  /** Queues `bytes` after what is already on its way to the socket. */
  #send(bytes: Uint8Array, callback: WriteCallback | undefined): void {
    this.#socketWrites = this.#socketWrites
      .then(async () => {
        const conn = await this.#open();
        await this.#startBytes(conn);
        // A zero-length chunk would read as the end of a chunked body; there is nothing to send.
        if (bytes.length > 0) await conn.write(chunked(bytes));
      })
      .then(
        () => {
          this.#buffered -= bytes.length;
          callback?.(null);
          if (this.#needDrain && this.#buffered === 0 && !this.#destroyed) {
            this.#needDrain = false;
            this.emit("drain");
          }
          this.#finishMaybe();
        },
        (error: Error) => {
          this.#buffered -= bytes.length;
          this.#requestFailed(error);
          callback?.(error);
          this.destroy(error);
        },
      );
  }

  /**
   * A Writable's `_final`, once end() was called and nothing is corked: the end of the post goes
   * after the writes already queued (as response-stream.ts ends its request right away).
   */
  #final(): void {
    if (!this.#ending || this.#finalCalled || this.#destroyed || this.#corked > 0) return;
    this.#finalCalled = true;
    this.#finishPost();
    this.#finishMaybe();
  }

  /** After the final step, once every write is on its way: 'finish', then 'close'. */
  #finishMaybe(): void {
    if (!this.#finalCalled || this.#finishing || this.#buffered > 0 || this.#destroyed) return;
    this.#finishing = true;
    queueMicrotask(() => {
      if (this.#destroyed) return;
      if (this.#requestError) {
        this.destroy(this.#requestError);
        return;
      }
      this.#finished = true;
      for (const callback of this.#onFinished.splice(0)) callback(null);
      this.emit("finish");
      this.destroy();
    });
  }

  #finishPost(): void {
    if (this.#postEnded) return;
    this.#postEnded = true;
    const failure = this.#failure;
    this.#socketWrites = this.#socketWrites
      .then(async () => {
        const conn = await this.#open();
        // An http-integration stream that ends without a body still owes the caller its prelude.
        await this.#startBytes(conn);
        let end = "0\r\n";
        if (failure) {
          end += `${ERROR_TYPE_TRAILER}: ${trailerSafe(failure.errorType)}\r\n`;
          end += `${ERROR_BODY_TRAILER}: ${base64(encoder.encode(JSON.stringify(failure)))}\r\n`;
        }
        await conn.write(encoder.encode(`${end}\r\n`));
      })
      .catch((error: Error) => this.#requestFailed(error));
  }

  #open(): Promise<Connection> {
    if (this.#requestError) return Promise.reject(this.#requestError);
    this.#connection ??= (async () => {
      const { hostname, port, path } = this.#target;
      const contentType = this.#contentType;
      if (/[^\t\x20-\x7e\x80-\xff]/.test(contentType)) {
        throw Object.assign(new TypeError(`Invalid character in header content ["Content-Type"]`), {
          code: "ERR_INVALID_CHAR",
        });
      }
      const conn = await Connection.open(hostname, port);
      void this.#readAnswer(conn);
      const headers = { Host: authority(hostname, port), ...STREAMING_HEADERS, "Content-Type": contentType };
      let head = `POST ${path} HTTP/1.1\r\n`;
      for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
      // The server closes the connection after its answer: the end of the answer is plain to see.
      await conn.write(encoder.encode(`${head}Connection: close\r\n\r\n`));
      return conn;
    })();
    return this.#connection;
  }

  async #startBytes(conn: Connection): Promise<void> {
    if (this.#bytesStarted) return;
    this.#bytesStarted = true;
    const hook = this._onBeforeFirstWrite;
    if (typeof hook !== "function") return;
    const prelude: Uint8Array[] = [];
    hook((chunk) => {
      const bytes = toBytes(chunk, "utf8");
      if (bytes.length > 0) prelude.push(chunked(bytes));
    });
    for (const bytes of prelude) await conn.write(bytes);
  }

  /** Reads the Runtime API's answer to the post: 5xx means it is broken, anything else is fine. */
  async #readAnswer(conn: Connection): Promise<void> {
    try {
      const answer = await conn.readAnswer();
      if (answer.status >= 500) {
        this.#answer.reject(
          new RuntimeApiError(
            `the Runtime API answered ${answer.status} to the streamed response: ${answer.body}`,
          ),
        );
      } else {
        this.#answer.resolve();
      }
    } catch (error) {
      this.#requestFailed(error as Error);
    } finally {
      conn.close();
    }
  }

  #requestFailed(error: Error): void {
    if (this.#requestError) return;
    this.#requestError = error;
    this.#apiError = new RuntimeApiError(`posting the streamed response failed: ${error.message}`);
    this.#answer.reject(this.#apiError);
  }
}

function streamError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code });
}

// The shapes a handler sees. They mirror `@types/aws-lambda` (Context, Handler, Callback) so that
// handlers typed with that package are accepted as they are; they are declared here because the
// client has no runtime or type dependencies.

/** Mobile client information from the caller's `X-Amz-Client-Context`, as Lambda parses it. */
export interface ClientContext {
  client?: Record<string, unknown>;
  Custom?: unknown;
  env?: Record<string, unknown>;
  [key: string]: unknown;
}

/** The Amazon Cognito identity of a mobile caller. */
export interface CognitoIdentity {
  cognitoIdentityId?: string;
  cognitoIdentityPoolId?: string;
  [key: string]: unknown;
}

/** The second argument of every handler, as AWS's Node.js runtime builds it. */
export interface Context {
  /**
   * Accepted for compatibility. AWS's runtime waits for the event loop to drain before it answers a
   * callback-style handler; this client answers at once (it never freezes the process, so pending
   * work simply keeps running).
   */
  callbackWaitsForEmptyEventLoop: boolean;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  /** A decimal string, as in AWS (`"128"`). */
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
  identity?: CognitoIdentity | undefined;
  clientContext?: ClientContext | undefined;
  tenantId?: string | undefined;
  /** Milliseconds until the invocation's deadline (may be negative once it has passed). */
  getRemainingTimeInMillis(): number;
  /** @deprecated Use the callback or return a promise. */
  done(error?: unknown, result?: unknown): void;
  /** @deprecated Use the callback or return a promise. */
  fail(error?: unknown): void;
  /** @deprecated Use the callback or return a promise. */
  succeed(result?: unknown): void;
}

/** Node-style completion callback of a callback-style handler. */
export type Callback<TResult = unknown> = (error?: unknown, result?: TResult) => void;

/**
 * A buffered handler: `async (event, context)`, or `(event, context, callback)`. A plain function
 * that returns a value (not a promise) answers with that value, as AWS's Node.js 24 runtime does.
 */
export type Handler<TEvent = any, TResult = any> = (
  event: TEvent,
  context: Context,
  callback: Callback<TResult>,
  // biome-ignore lint/suspicious/noConfusingVoidType: as in @types/aws-lambda: a callback-style handler returns void.
) => void | TResult | Promise<TResult>;

/** The writable a streaming handler writes its response to (a Node.js `Writable`). */
export interface ResponseStream {
  write(chunk: string | Uint8Array | object, callback?: (error?: Error | null) => void): boolean;
  write(
    chunk: string | Uint8Array | object,
    encoding?: string,
    callback?: (error?: Error | null) => void,
  ): boolean;
  end(callback?: () => void): this;
  end(chunk: string | Uint8Array | object, callback?: () => void): this;
  end(chunk: string | Uint8Array | object, encoding?: string, callback?: () => void): this;
  /** Sets the response's content type; only before the first write. */
  setContentType(contentType: string): void;
  destroy(error?: Error): this;
  on(event: string, listener: (...args: any[]) => void): this;
  once(event: string, listener: (...args: any[]) => void): this;
  off(event: string, listener: (...args: any[]) => void): this;
  readonly writable: boolean;
  readonly writableEnded: boolean;
  readonly writableFinished: boolean;
  readonly writableNeedDrain: boolean;
  readonly destroyed: boolean;
}

/** A handler wrapped by `streamifyResponse`: `async (event, responseStream, context)`. */
export type StreamingHandler<TEvent = any> = (
  event: TEvent,
  responseStream: ResponseStream,
  context: Context,
) => Promise<void>;

export interface StreamifyOptions {
  /** Buffer size of the response stream before `write` returns false (bytes). */
  highWaterMark?: number;
}

/** The prelude of an HTTP-integration stream (Function URL, API Gateway). */
export interface HttpResponseMetadata {
  statusCode?: number;
  headers?: Record<string, string>;
  cookies?: string[];
  [key: string]: unknown;
}

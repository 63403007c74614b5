// The Runtime API (2018-06-01) as four calls: next, response, error, init/error. Routes and headers
// per docs/protocol.md ("Runtime API"); the transport underneath is chosen per engine.
import type { Agent } from "node:http";
import { canonicalHeaderName, H_FUNCTION_ERROR_TYPE, runtimeRoutes } from "@lambkin/protocol/runtime-wire";

const ERROR_TYPE_HEADER = canonicalHeaderName(H_FUNCTION_ERROR_TYPE);

import type { EngineName } from "./engine.ts";
import { type ErrorBody, RuntimeApiError } from "./errors.ts";
import type { ResponseStreamTarget } from "./response-stream-protocol.ts";
import { parseRuntimeApi, type Transport } from "./transport.ts";
import { createDenoTransport } from "./transport-deno.ts";
import { createFetchTransport } from "./transport-fetch.ts";
import { createNodeTransport } from "./transport-node.ts";

/** What the loop needs of a response stream; handlers see a Writable (see response-stream.ts). */
export interface ResponseStreamLike {
  end(): unknown;
  /** Ends the post with the error trailers. */
  fail(error: ErrorBody): Promise<void>;
  /** Settles once the whole response was posted and answered. */
  completed(): Promise<void>;
}

type ResponseStreamClass = new (target: ResponseStreamTarget) => ResponseStreamLike;

// The response stream is loaded only for a streaming handler, and per engine: node:http and
// node:stream on Node and Bun (response-stream.ts); on Deno a socket of its own
// (response-stream-deno.ts), since importing node:http there costs ~22 ms of start-up and
// node:stream ~17 ms (Bun: ~12 ms for node:http), which no cold start should pay when it can
// be avoided.
let responseStreamClass: Promise<ResponseStreamClass> | undefined;
const loadResponseStream = (engine: EngineName) => {
  responseStreamClass ??=
    engine === "deno"
      ? import("./response-stream-deno.ts").then((m) => m.DenoResponseStream)
      : import("./response-stream.ts").then((m) => m.LambdaResponseStream);
  return responseStreamClass;
};

export interface NextInvocation {
  /** The event bytes as text (JSON). */
  body: string;
  /** Header names in lower case. */
  headers: Record<string, string>;
}

export class RuntimeApiClient {
  readonly #transport: Transport;
  readonly #engine: EngineName;
  readonly #hostname: string;
  readonly #port: number;
  readonly #agent: Agent | undefined;

  private constructor(
    engine: EngineName,
    hostname: string,
    port: number,
    transport: Transport,
    agent: Agent | undefined,
  ) {
    this.#engine = engine;
    this.#hostname = hostname;
    this.#port = port;
    this.#transport = transport;
    this.#agent = agent;
  }

  /** A client for `host:port`: over node:http on Node, `fetch` on Bun, a socket of its own on Deno. */
  static create(runtimeApi: string, engine: EngineName): RuntimeApiClient {
    const { hostname, port } = parseRuntimeApi(runtimeApi);
    if (engine === "node") {
      const transport = createNodeTransport(hostname, port);
      return new RuntimeApiClient(engine, hostname, port, transport, transport.agent);
    }
    const transport =
      engine === "deno" ? createDenoTransport(hostname, port) : createFetchTransport(hostname, port);
    return new RuntimeApiClient(engine, hostname, port, transport, undefined);
  }

  /** Loads what streamed responses need ahead of the first one (for a streaming handler). */
  preloadStreaming(): Promise<void> {
    return loadResponseStream(this.#engine).then(() => {});
  }

  /** Waits (with no time limit) for the next invocation. */
  async next(): Promise<NextInvocation> {
    const res = await this.#transport.request("GET", runtimeRoutes.next);
    if (res.status !== 200) {
      throw new RuntimeApiError(`the Runtime API answered ${res.status} to next: ${res.body}`);
    }
    return { body: res.body, headers: res.headers };
  }

  postResponse(requestId: string, json: string): Promise<void> {
    return this.#post(runtimeRoutes.response(encodeURIComponent(requestId)), json, {
      "Content-Type": "application/json",
    });
  }

  /**
   * Reports a failed invocation. The error-type header is optional in the protocol (AWS's Node.js
   * runtime leaves it out); it is sent so the emulator can print the type in its REPORT line.
   */
  postError(requestId: string, error: ErrorBody): Promise<void> {
    return this.#post(runtimeRoutes.error(encodeURIComponent(requestId)), JSON.stringify(error), {
      "Content-Type": "application/json",
      [ERROR_TYPE_HEADER]: headerSafe(error.errorType),
    });
  }

  postInitError(error: ErrorBody): Promise<void> {
    return this.#post(runtimeRoutes.initError, JSON.stringify(error), {
      "Content-Type": "application/json",
      [ERROR_TYPE_HEADER]: headerSafe(error.errorType),
    });
  }

  async openResponseStream(requestId: string, highWaterMark?: number): Promise<ResponseStreamLike> {
    const ResponseStream = await loadResponseStream(this.#engine);
    return new ResponseStream({
      hostname: this.#hostname,
      port: this.#port,
      path: runtimeRoutes.response(encodeURIComponent(requestId)),
      agent: this.#agent,
      highWaterMark,
    });
  }

  async #post(path: string, body: string, headers: Record<string, string>): Promise<void> {
    const res = await this.#transport.request("POST", path, body, headers);
    // 4xx answers (a response too large, a second answer) end this invocation, not the runtime:
    // AWS's clients go on to `next`. A 5xx means the Runtime API itself is broken: exit.
    if (res.status >= 500) {
      throw new RuntimeApiError(`the Runtime API answered ${res.status} to POST ${path}: ${res.body}`);
    }
  }
}

/** Header values cannot carry control characters; an odd error name must not break the post. */
function headerSafe(value: string): string {
  return value.replace(/[^\t\x20-\x7e]/g, "?");
}

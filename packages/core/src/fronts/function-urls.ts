/**
 * Function URLs: plain HTTP in, a payload 2.0 event to the function, its result mapped back to
 * HTTP — what curl and browsers use. The first path segment names the function:
 * `GET :3000/hello/a/b?x=1` runs `hello` with `rawPath` `/a/b`. A function that streams an
 * http-integration response (prelude + 8 NULs + body) is relayed as it arrives.
 */
import {
  BAD_GATEWAY_BODY,
  fromHttpPrelude,
  fromHttpResult,
  H_AMZN_REQUEST_ID,
  HTTP_INTEGRATION_CONTENT_TYPE,
  HttpPreludeParser,
  InvokeApiError,
  MAX_SYNC_PAYLOAD_BYTES,
  newRequestId,
  toHttpEvent,
  toHttpResponse,
} from "@lambkin/protocol";
import { readBody } from "../body.ts";
import type { Outcome } from "../invocation.ts";
import type { InvokeService, InvokeTarget } from "../invoke/service.ts";
import type { FetchHandler } from "../platform.ts";
import { pathnameOf } from "../request-url.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const json = (status: number, body: unknown, headers: Record<string, string> = {}) =>
  new Response(typeof body === "string" ? body : JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json", ...headers },
  });

const badGateway = (requestId: string) => json(502, BAD_GATEWAY_BODY, { [H_AMZN_REQUEST_ID]: requestId });

/** Function URLs as a fetch handler over the invoke service: this front only maps HTTP. */
export function createFunctionUrls(service: InvokeService): FetchHandler {
  const find = (name: string): InvokeTarget | undefined => {
    try {
      return service.lookup(name);
    } catch {
      return undefined;
    }
  };
  return async (request, info) => {
    const path = pathnameOf(request.url);
    const slash = path.indexOf("/", 1);
    const name = decodeURIComponent(path.slice(1, slash < 0 ? undefined : slash));
    const target = name ? find(name) : undefined;
    if (!target) {
      const known = service.functions().map((fn) => `/${fn.name}/`);
      return json(404, {
        message: name ? `No function named "${name}"` : "Name a function in the first path segment",
        functions: known,
      });
    }
    const body = await readBody(request, MAX_SYNC_PAYLOAD_BYTES);
    if (body === undefined) return json(413, { message: "Request Entity Too Large" });

    const requestId = newRequestId();
    const event = toHttpEvent(request, {
      rawPath: slash < 0 ? "/" : path.slice(slash),
      body,
      requestId,
      sourceIp: info.remoteAddress,
    });
    let invocation: ReturnType<InvokeService["start"]>;
    try {
      invocation = service.start(target, { payload: encoder.encode(JSON.stringify(event)), requestId });
    } catch (error) {
      if (error instanceof InvokeApiError && error.status === 429)
        return json(429, { message: "Rate Exceeded." });
      throw error;
    }
    return toResponse(await invocation.outcome, invocation.requestId);
  };
}

async function toResponse(outcome: Outcome, requestId: string): Promise<Response> {
  if (outcome.kind === "error") return badGateway(requestId);
  if (outcome.kind === "response") {
    let result: unknown;
    try {
      result = outcome.body.byteLength === 0 ? undefined : JSON.parse(decoder.decode(outcome.body));
    } catch {
      return badGateway(requestId);
    }
    try {
      const parts = fromHttpResult(result);
      parts.headers.set(H_AMZN_REQUEST_ID, requestId);
      return toHttpResponse(parts);
    } catch {
      return badGateway(requestId);
    }
  }
  // Streamed: status and headers come from the prelude (http-integration), or 200 with the
  // stream's own content type. A failure mid-stream cuts the response, as on AWS.
  if (!outcome.contentType.startsWith(HTTP_INTEGRATION_CONTENT_TYPE)) {
    return new Response(failOnError(outcome.body, outcome.completion), {
      status: 200,
      headers: { "content-type": outcome.contentType, [H_AMZN_REQUEST_ID]: requestId },
    });
  }
  const reader = outcome.body.getReader();
  const parser = new HttpPreludeParser();
  let first: Uint8Array | undefined;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) {
        parser.end();
        break;
      }
      const part = parser.push(value);
      if (part.prelude) {
        first = part.body;
        break;
      }
    }
  } catch {
    reader.cancel().catch(() => {});
    return badGateway(requestId);
  }
  const { status, headers } = fromHttpPrelude(parser.prelude ?? {});
  headers.set(H_AMZN_REQUEST_ID, requestId);
  const rest = new ReadableStream<Uint8Array>({
    start(controller) {
      if (first && first.byteLength > 0) controller.enqueue(first);
    },
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
  return new Response(failOnError(rest, outcome.completion), { status, headers });
}

/** Passes a stream through, erroring it (so the HTTP response is cut) if the function failed. */
function failOnError(
  body: ReadableStream<Uint8Array>,
  completion: Promise<unknown>,
): ReadableStream<Uint8Array> {
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      async flush(controller) {
        const error = await completion;
        if (error) controller.error(new Error("the function failed mid-stream"));
      },
    }),
  );
}

/**
 * The Runtime API (2018-06-01) of one execution environment, as a fetch handler: routing, the
 * documented error replies, and reading bodies within Lambda's limits. What each call means for
 * the environment's state is the environment's business (environment.ts).
 */
import {
  H_RESPONSE_MODE,
  MAX_RESPONSE_BYTES,
  matchRuntimeRoute,
  RUNTIME_ACCEPTED_BODY,
  runtimeErrorResponse,
} from "@lambkin/protocol";
import type { FetchHandler, RequestInfo } from "../platform.ts";
import { pathnameOf } from "../request-url.ts";

/** What the Runtime API asks of its environment. Each method returns the reply to the runtime. */
export interface RuntimeApiHost {
  next(): Promise<Response> | Response;
  response(
    requestId: string,
    request: Request,
    info: RequestInfo,
    streaming: boolean,
  ): Promise<Response> | Response;
  error(requestId: string, request: Request): Promise<Response> | Response;
  initError(request: Request): Promise<Response> | Response;
}

/** The `202 {"status":"OK"}` reply to an accepted post. */
export const accepted = (R: typeof Response): Response =>
  new R(RUNTIME_ACCEPTED_BODY, { status: 202, headers: { "content-type": "application/json" } });

export const invalidRequestId = (requestId: string): Response =>
  runtimeErrorResponse(400, "InvalidRequestID", `Invalid request ID: "${requestId}"`);

export const invalidStateTransition = (message: string): Response =>
  runtimeErrorResponse(403, "InvalidStateTransition", message);

/**
 * The reply to a `/response` or `/error` for an invocation whose deadline has passed: 410
 * `InvokeTimeout`, as AWS's Runtime Interface Emulator renders it (rapi/rendering, RenderInvokeTimeout).
 * The caller has its `Sandbox.Timedout` already; the post changes nothing.
 */
export const invokeTimedOut = (): Response => runtimeErrorResponse(410, "InvokeTimeout", "Invoke timeout");

export const entityTooLarge = (): Response =>
  runtimeErrorResponse(
    413,
    "RequestEntityTooLarge",
    `Exceeded maximum allowed payload size (${MAX_RESPONSE_BYTES} bytes).`,
  );

export function createRuntimeApi(host: RuntimeApiHost): FetchHandler {
  return (request, info) => {
    const pathname = pathnameOf(request.url);
    const route = matchRuntimeRoute(request.method, pathname);
    if (!route) {
      return runtimeErrorResponse(404, "NotFound", `No Runtime API route for ${request.method} ${pathname}`);
    }
    switch (route.kind) {
      case "next":
        return host.next();
      case "response": {
        const mode = request.headers.get(H_RESPONSE_MODE);
        if (mode !== null && mode.toLowerCase() !== "streaming") {
          return runtimeErrorResponse(
            400,
            "InvalidFunctionResponseMode",
            `Lambda-Runtime-Function-Response-Mode must be "streaming" when present, got "${mode}"`,
          );
        }
        return host.response(route.requestId, request, info, mode !== null);
      }
      case "error":
        return host.error(route.requestId, request);
      case "init-error":
        return host.initError(request);
    }
  };
}

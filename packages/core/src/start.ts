/**
 * `start(config)`: the programmatic API every adapter exports (`@lambkin/node`, `/bun`, `/deno`),
 * for users' own tests: lambkin listening, and an `invoke` that returns the result decoded.
 */

import type { LambkinConfig } from "./config.ts";
import {
  createLambkin,
  type InvokeOptions,
  type Lambkin,
  type LambkinOptions,
  type ListenInfo,
} from "./lambkin.ts";
import type { Platform } from "./platform.ts";

export interface InvokeResponse {
  /** 200 for a synchronous invoke (also when the function failed), 202 for Event, 204 for DryRun. */
  statusCode: number;
  requestId: string;
  /** The result parsed as JSON, or as text when it is not JSON (undefined when empty). */
  payload: unknown;
  /** The result bytes exactly as the runtime sent them. */
  body: Uint8Array;
  /** `Unhandled` when the function failed; `payload` is then the error JSON. */
  functionError?: "Unhandled";
  /** Base64 of the last 4 KB of the invocation's log (with `tail: true`). */
  logResult?: string;
  /** `logResult` decoded. */
  log?: string;
}

export interface StartedLambkin {
  /** The Invoke API endpoint: `new LambdaClient({ endpoint: lk.url })`, `aws --endpoint-url`. */
  readonly url: string;
  readonly port: number;
  /** The Function URL base: `fetch(`${lk.functionUrl}/hello/path`)`. */
  readonly functionUrl: string;
  readonly urlPort: number;
  readonly lambkin: Lambkin;
  /** See `Lambkin.subscribe`. */
  subscribe: Lambkin["subscribe"];
  /** See `Lambkin.recycle`. */
  recycle: Lambkin["recycle"];
  /** See `Lambkin.update`. */
  update: Lambkin["update"];
  invoke(functionName: string, payload?: unknown, options?: InvokeOptions): Promise<InvokeResponse>;
  close(): Promise<void>;
}

export type StartConfig = Omit<LambkinConfig, "functions"> & { functions: LambkinConfig["functions"] };

const decoder = new TextDecoder();

export function decodePayload(body: Uint8Array): unknown {
  if (body.byteLength === 0) return undefined;
  const text = decoder.decode(body);
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

export async function startLambkin(
  config: StartConfig,
  platform: Platform,
  options?: LambkinOptions,
): Promise<StartedLambkin> {
  const lambkin = await createLambkin(config, platform, options);
  let listening: ListenInfo;
  try {
    listening = await lambkin.listen();
  } catch (error) {
    await lambkin.close();
    throw error;
  }
  return {
    url: listening.url,
    port: listening.port,
    functionUrl: listening.functionUrl,
    urlPort: listening.urlPort,
    lambkin,
    subscribe: (listener) => lambkin.subscribe(listener),
    recycle: (functionName, reason, opts) => lambkin.recycle(functionName, reason, opts),
    update: (config) => lambkin.update(config),
    async invoke(functionName, payload, opts) {
      const out = await lambkin.invoke(functionName, payload, opts);
      const response: InvokeResponse = {
        statusCode: out.statusCode,
        requestId: out.requestId,
        payload: decodePayload(out.payload),
        body: out.payload,
      };
      if (out.functionError) response.functionError = out.functionError;
      if (out.logResult !== undefined) {
        response.logResult = out.logResult;
        response.log = decoder.decode(Uint8Array.from(atob(out.logResult), (c) => c.charCodeAt(0)));
      }
      return response;
    },
    close: () => lambkin.close(),
  };
}

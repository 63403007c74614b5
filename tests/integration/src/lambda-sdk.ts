import { LambdaClient } from "@aws-sdk/client-lambda";

// @aws-sdk/client-lambda pointed at a local endpoint, plus the raw HTTP status and headers of
// each reply it received: the SDK maps most headers to output fields and drops the rest, and
// the tests assert the exact headers lambkin sent.

export interface RawResponse {
  statusCode: number;
  /** Lower-case names, as Node's HTTP client gives them. */
  headers: Record<string, string>;
}

export interface CapturingClient {
  client: LambdaClient;
  /** Every HTTP reply the client received, retries included, oldest first. */
  responses: RawResponse[];
  /** The last HTTP reply; fails the test when there was none. */
  last(): RawResponse;
}

export function lambdaClient(endpoint: string, opts: { maxAttempts?: number } = {}): CapturingClient {
  const client = new LambdaClient({
    endpoint,
    region: "us-east-1",
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
    // One attempt unless a test says otherwise: a retry would hide a throttle or a server error.
    maxAttempts: opts.maxAttempts ?? 1,
  });
  const responses: RawResponse[] = [];
  // In the deserialize step at low priority, so below the deserializer (and the retries): it sees
  // the raw reply of every attempt, including the error replies that then become exceptions.
  client.middlewareStack.add(
    (next) => async (args) => {
      const result = await next(args);
      const response = result.response as { statusCode?: number; headers?: Record<string, string> };
      if (typeof response?.statusCode === "number") {
        responses.push({ statusCode: response.statusCode, headers: { ...response.headers } });
      }
      return result;
    },
    { step: "deserialize", priority: "low", name: "lambkinTestCaptureRawResponse" },
  );
  return {
    client,
    responses,
    last() {
      const response = responses.at(-1);
      if (!response) throw new Error("the client received no HTTP reply");
      return response;
    },
  };
}

/** The headers lambkin chose: a reply's headers without the transport's own (date, connection). */
export function lambdaHeaders(response: RawResponse): Record<string, string> {
  const { date: _date, connection: _connection, "keep-alive": _keepAlive, ...rest } = response.headers;
  return rest;
}

const decoder = new TextDecoder("utf-8", { fatal: true });
export const text = (bytes: Uint8Array | undefined): string => (bytes ? decoder.decode(bytes) : "");
export const bytes = (value: string): Uint8Array => new TextEncoder().encode(value);

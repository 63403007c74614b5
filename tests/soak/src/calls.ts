import { InvokeWithResponseStreamCommand, LambdaClient } from "@aws-sdk/client-lambda";

// One invocation of each kind, made as a user's client makes it (fetch for the Invoke API and
// Function URLs, the AWS SDK for InvokeWithResponseStream), and checked: the answer is this
// invocation's own (it echoes the payload's id, or names the request id lambkin gave it) and of
// the expected class. A call the network cut (lambkin killed under it) throws `ConnectionLost`:
// the caller retries it once lambkin is back.

export const KINDS = [
  "ok",
  "error",
  "crash",
  "timeout",
  "oversize",
  "flood",
  "stream-invoke",
  "stream-url",
  "event",
] as const;
export type Kind = (typeof KINDS)[number];

/** How often each kind comes, out of 100: mostly plain calls, a few of the costly ones. */
export const MIX: Record<Kind, number> = {
  ok: 45,
  error: 10,
  crash: 2,
  timeout: 2,
  oversize: 2,
  flood: 3,
  "stream-invoke": 8,
  "stream-url": 8,
  event: 20,
};

/** One in this many events fails (and is retried once, then goes to onFailure). */
export const EVENT_FAIL_EVERY = 5;

export class ConnectionLost extends Error {}

export interface Endpoint {
  invokeUrl: string;
  functionUrl: string;
  lambda: LambdaClient;
}

export function endpoint(invokeUrl: string, functionUrl: string): Endpoint {
  const lambda = new LambdaClient({
    endpoint: invokeUrl,
    region: "us-east-1",
    credentials: { accessKeyId: "soak", secretAccessKey: "soak" },
    // The soak counts and retries lost connections itself.
    maxAttempts: 1,
  });
  return { invokeUrl, functionUrl, lambda };
}

export type Answer =
  | { ok: true /** Event: the request id of the accepted event. */; requestId?: string }
  | { ok: false; problem: string };

const NO_ANSWER_MS = 60_000;
const decoder = new TextDecoder();

/** A fetch whose network failures (refused, reset, cut mid-body) become ConnectionLost. */
async function send(url: string, init: RequestInit): Promise<{ res: Response; text: string }> {
  try {
    const res = await fetch(url, { ...init, signal: AbortSignal.timeout(NO_ANSWER_MS) });
    return { res, text: await res.text() };
  } catch (error) {
    if ((error as Error).name === "TimeoutError") throw error;
    throw new ConnectionLost((error as Error).message);
  }
}

const FUNCTION_OF: Record<Exclude<Kind, "stream-invoke" | "stream-url">, string> = {
  ok: "work",
  error: "work",
  oversize: "work",
  flood: "work",
  crash: "crash",
  timeout: "slow",
  event: "ev",
};

/** Makes the call and checks its answer; throws ConnectionLost, or a timeout (no answer). */
export async function call(kind: Kind, id: string, to: Endpoint): Promise<Answer> {
  if (kind === "stream-invoke") return streamInvoke(id, to);
  if (kind === "stream-url") {
    const { res, text } = await send(`${to.functionUrl}/streamer/`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ id }),
    });
    return res.status === 200 && text === streamed(id)
      ? { ok: true }
      : { ok: false, problem: `stream-url: ${res.status} ${text.slice(0, 200)}` };
  }
  const payload = kind === "event" ? { id, fail: isFailingEvent(id) } : { id, kind };
  const { res, text } = await send(`${to.invokeUrl}/2015-03-31/functions/${FUNCTION_OF[kind]}/invocations`, {
    method: "POST",
    headers: kind === "event" ? { "X-Amz-Invocation-Type": "Event" } : {},
    body: JSON.stringify(payload),
  });
  const requestId = res.headers.get("x-amzn-requestid") ?? "";
  const fail = (problem: string): Answer => ({
    ok: false,
    problem: `${kind} ${id}: ${problem} (${res.status}, ${text.slice(0, 200)})`,
  });
  if (kind === "event") return res.status === 202 ? { ok: true, requestId } : fail("not accepted");
  if (res.status !== 200) return fail("not 200");
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return fail("not JSON");
  }
  const functionError = res.headers.get("x-amz-function-error");
  if (kind === "ok" || kind === "flood") {
    return functionError === null && body.id === id && body.kind === kind
      ? { ok: true }
      : fail("wrong answer");
  }
  if (functionError === null) return fail("no function error");
  const expected: Record<string, (b: Record<string, unknown>) => boolean> = {
    error: (b) => b.errorMessage === `soak failure ${id}`,
    crash: (b) => b.errorType === "Runtime.ExitError" && String(b.errorMessage).includes(requestId),
    timeout: (b) => b.errorType === "Sandbox.Timedout" && String(b.errorMessage).includes(requestId),
    oversize: (b) =>
      b.errorType === "Function.ResponseSizeTooLarge" &&
      String(b.errorMessage).includes("maximum allowed payload size"),
  };
  return expected[kind]!(body) ? { ok: true } : fail("wrong error");
}

/** What the streamer sends for `id`. */
const streamed = (id: string) => `${id} chunk 0\n${id} chunk 1\n${id} chunk 2\n${id} end\n`;

export const isFailingEvent = (id: string) => Number(id.split("-").at(-1)) % EVENT_FAIL_EVERY === 0;

async function streamInvoke(id: string, to: Endpoint): Promise<Answer> {
  let text = "";
  let complete: { ErrorCode?: string; ErrorDetails?: string } | undefined;
  try {
    const out = await to.lambda.send(
      new InvokeWithResponseStreamCommand({ FunctionName: "streamer", Payload: JSON.stringify({ id }) }),
      { abortSignal: AbortSignal.timeout(NO_ANSWER_MS) },
    );
    for await (const event of out.EventStream ?? []) {
      if (event.PayloadChunk?.Payload) text += decoder.decode(event.PayloadChunk.Payload, { stream: true });
      if (event.InvokeComplete) complete = event.InvokeComplete;
    }
  } catch (error) {
    // A service error has an HTTP status; anything else is the connection.
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status !== undefined) return { ok: false, problem: `stream-invoke ${id}: ${status} ${error}` };
    if ((error as Error).name === "AbortError") throw error;
    throw new ConnectionLost((error as Error).message);
  }
  if (complete === undefined) throw new ConnectionLost("the event stream ended without InvokeComplete");
  return text === streamed(id) && complete.ErrorCode === undefined
    ? { ok: true }
    : { ok: false, problem: `stream-invoke ${id}: ${JSON.stringify(complete)} ${text.slice(0, 200)}` };
}

/** The kind of the i-th invocation: the mix, spread evenly (deterministic, so runs compare). */
export function kindOf(i: number): Kind {
  let slot = (i * 37) % 100;
  for (const kind of KINDS) {
    if (slot < MIX[kind]) return kind;
    slot -= MIX[kind];
  }
  return "ok";
}

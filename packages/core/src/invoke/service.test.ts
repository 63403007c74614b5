// The invoke service with a fake environment: lookup and the caller's ARN, payload checks,
// RequestResponse / Event / DryRun, one result type, 429, and a retried call joining the one
// still running (logged with its production hazard).
import { InvokeApiError } from "@lambkin/protocol";
import { afterEach, describe, expect, it } from "vitest";
import { type FakeEnvironment, fakeScheduler } from "../_fake-environment.ts";
import { AsyncQueue } from "../async-queue.ts";
import type { ResolvedConfig, ResolvedFunction } from "../config.ts";
import { exitError } from "../environment/failures.ts";
import { EventBus } from "../events.ts";
import type { LogRecord } from "../logs.ts";
import type { FunctionScheduler } from "../scheduler.ts";
import { InvokeService } from "./service.ts";

const config = { region: "eu-west-1", accountId: "123456789012", asyncRetryDelaysMs: [0] } as ResolvedConfig;
const ARN = "arn:aws:lambda:eu-west-1:123456789012:function:f";
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const closing: Array<() => Promise<void>> = [];

afterEach(async () => {
  for (const close of closing.splice(0)) await close();
});

function setup(overrides: Partial<ResolvedFunction> = {}) {
  const { scheduler, created } = fakeScheduler(overrides);
  const schedulers = new Map<string, FunctionScheduler>([["f", scheduler]]);
  const logs: LogRecord[] = [];
  const log = (record: LogRecord) => logs.push(record);
  const asyncQueue = new AsyncQueue({
    config,
    log,
    events: new EventBus(),
    scheduler: (n) => schedulers.get(n),
  });
  const service = new InvokeService({ config, schedulers, asyncQueue, log });
  closing.push(async () => {
    asyncQueue.close();
    await scheduler.close((id) => exitError(id, { code: null, signal: "SIGTERM" }));
  });
  return { service, created, logs };
}

const bytes = (text: string) => encoder.encode(text);

/** Lets the fake environment start, take its invocation and answer `text`. */
async function runOnce(env: FakeEnvironment, text: string, fail = false): Promise<void> {
  env.next();
  if (fail) env.fail(text);
  else env.answer(text);
  await new Promise((r) => setTimeout(r, 0));
}

describe("InvokeService", () => {
  it("looks functions up by name; an unknown one or a qualifier other than $LATEST is a 404 naming the ARN", () => {
    const { service } = setup();
    expect(service.lookup("f").invokedArn).toBe(ARN);
    expect(service.lookup("f", "$LATEST").invokedArn).toBe(`${ARN}:$LATEST`);
    for (const [name, qualifier, arn] of [
      ["nope", undefined, "arn:aws:lambda:eu-west-1:123456789012:function:nope"],
      ["f", "v1", `${ARN}:v1`],
    ] as const) {
      try {
        service.lookup(name, qualifier);
        expect.unreachable();
      } catch (error) {
        expect(error).toBeInstanceOf(InvokeApiError);
        expect((error as InvokeApiError).errorType).toBe("ResourceNotFoundException");
        expect((error as InvokeApiError).message).toBe(`Function not found: ${arn}`);
      }
    }
  });

  it("checks payloads: empty runs as {}, not JSON or not UTF-8 is a 400, past the type's limit a 413", () => {
    const { service } = setup();
    expect(decoder.decode(service.check(new Uint8Array(0)))).toBe("{}");
    expect(service.check(bytes('{"a":1}'))).toEqual(bytes('{"a":1}'));
    const code = (f: () => unknown) => {
      try {
        f();
      } catch (error) {
        return (error as InvokeApiError).errorType;
      }
    };
    expect(code(() => service.check(bytes("{nope")))).toBe("InvalidRequestContentException");
    expect(code(() => service.check(Uint8Array.of(0x22, 0xff, 0x22)))).toBe("InvalidRequestContentException");
    // Small and large payloads take different paths to their text: both refuse what is not UTF-8
    // (a lone continuation byte; an overlong "/") and accept what is.
    for (const size of [8, 4096]) {
      const pad = " ".repeat(size);
      expect(code(() => service.check(bytes(`"é€😀"${pad}`)))).toBeUndefined();
      for (const bad of [[0x80], [0xc0, 0xaf]]) {
        const payload = Uint8Array.from([...bytes(`${pad}"`), ...bad, ...bytes('"')]);
        expect(code(() => service.check(payload))).toBe("InvalidRequestContentException");
      }
      expect(code(() => service.check(bytes(`${pad}{"a":}`)))).toBe("InvalidRequestContentException");
    }
    const big = bytes(JSON.stringify("x".repeat(1_048_576)));
    expect(code(() => service.check(big, "Event"))).toBe("RequestTooLargeException");
    expect(code(() => service.check(big, "RequestResponse"))).toBeUndefined();
    expect(code(() => service.check(new Uint8Array(6_291_457)))).toBe("RequestTooLargeException");
  });

  it("RequestResponse returns the function's bytes with the invocation's request id", async () => {
    const { service, created } = setup();
    const result = service.invoke(service.lookup("f", "$LATEST"), { payload: bytes("{}") });
    await runOnce(created[0]!, '"hi"');
    const out = await result;
    expect(out).toMatchObject({ statusCode: 200, payload: bytes('"hi"') });
    expect(out.requestId).toBe(created[0]!.seen[0]!.requestId);
    expect(created[0]!.seen[0]!.invokedArn).toBe(`${ARN}:$LATEST`);
    expect(out.functionError).toBeUndefined();
  });

  it("a function error is Unhandled with its error type", async () => {
    const { service, created } = setup();
    const result = service.invoke(service.lookup("f"), { payload: bytes("{}") });
    await runOnce(created[0]!, '{"errorType":"Boom","errorMessage":"b"}', true);
    expect(await result).toMatchObject({ statusCode: 200, functionError: "Unhandled", errorType: "Boom" });
  });

  it("DryRun answers 204 with a fresh request id and runs nothing", async () => {
    const { service, created } = setup();
    const out = await service.invoke(service.lookup("f"), { invocationType: "DryRun", payload: bytes("{}") });
    expect(out.statusCode).toBe(204);
    expect(out.requestId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(created).toHaveLength(0);
  });

  it("Event answers 202 at once; the event runs in the background with the same request id", async () => {
    const { service, created } = setup();
    const out = await service.invoke(service.lookup("f"), {
      invocationType: "Event",
      payload: bytes('{"e":1}'),
    });
    expect(out).toMatchObject({ statusCode: 202, payload: new Uint8Array(0) });
    await new Promise((r) => setTimeout(r, 0));
    created[0]!.next();
    expect(created[0]!.current?.requestId).toBe(out.requestId);
    expect(decoder.decode(created[0]!.current?.payload)).toBe('{"e":1}');
  });

  it("passes the scheduler's 429 on", () => {
    const { service } = setup({ concurrency: 1, queueSize: 0 });
    void service.invoke(service.lookup("f"), { payload: bytes("{}") });
    expect(() => service.invoke(service.lookup("f"), { payload: bytes("{}") })).toThrow(InvokeApiError);
  });

  it("joins a retried call to the one still running, once, and says it would run again on AWS", async () => {
    const { service, created, logs } = setup();
    const target = service.lookup("f");
    const first = service.invoke(target, { payload: bytes("{}"), callId: "call-1" });
    const retry = service.invoke(target, { payload: bytes("{}"), callId: "call-1" });
    const other = service.invoke(target, { payload: bytes("{}"), callId: "call-2" });
    expect(created).toHaveLength(2); // call-1 once, call-2 once
    await runOnce(created[0]!, '"one"');
    await runOnce(created[1]!, '"two"');
    const [a, b] = await Promise.all([first, retry, other]);
    expect(b).toBe(a);
    const joined = logs.filter((l) => l.line.includes("joined invocation"));
    expect(joined).toHaveLength(1);
    expect(joined[0]!.requestId).toBe(a!.requestId);
    expect(joined[0]!.line).toMatch(/amz-sdk-invocation-id call-1.*On AWS the retry would run it again/);
    // Once answered to a caller still there, it is forgotten: the same id runs anew.
    void service.invoke(target, { payload: bytes("{}"), callId: "call-1" });
    created[0]!.next();
    expect(created[0]!.seen).toHaveLength(2);
  });
});

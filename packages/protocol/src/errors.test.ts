import { describe, expect, it } from "vitest";
import {
  exitErrorBody,
  exitReason,
  InvokeApiError,
  type InvokeApiErrorName,
  initTimeoutErrorBody,
  invalidEntrypointErrorBody,
  invokeErrorResponse,
  notFound,
  RUNTIME_ACCEPTED_BODY,
  responseTooLargeErrorBody,
  runtimeErrorResponse,
  signalDescription,
  timeoutErrorBody,
  tooManyRequests,
} from "./errors.ts";
import { H_AMZN_ERROR_TYPE, H_AMZN_REQUEST_ID } from "./headers.ts";

const ID = "8f507cfc-1b2c-4697-b07a-ac58fc914c95";

// The builders return JSON text; callers receive it byte for byte, so both the exact text and
// the parsed shape matter (key order is part of what AWS sends: errorType first).
function parsed(text: string): unknown {
  return JSON.parse(text);
}

describe("timeoutErrorBody", () => {
  it("is Sandbox.Timedout with the timeout in seconds to two decimals", () => {
    expect(timeoutErrorBody(ID, 3)).toBe(
      `{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: ${ID} Error: Task timed out after 3.00 seconds"}`,
    );
  });

  it("formats the largest and a fractional timeout", () => {
    expect(parsed(timeoutErrorBody(ID, 900))).toEqual({
      errorType: "Sandbox.Timedout",
      errorMessage: `RequestId: ${ID} Error: Task timed out after 900.00 seconds`,
    });
    expect(parsed(timeoutErrorBody(ID, 1.5))).toMatchObject({
      errorMessage: `RequestId: ${ID} Error: Task timed out after 1.50 seconds`,
    });
  });
});

describe("exitErrorBody and exitReason", () => {
  it("reports a non-zero exit code as Go's `exit status N`", () => {
    expect(exitErrorBody(ID, { code: 1, signal: null })).toBe(
      `{"errorType":"Runtime.ExitError","errorMessage":"RequestId: ${ID} Error: Runtime exited with error: exit status 1"}`,
    );
    expect(exitReason({ code: 127, signal: null })).toBe("Runtime exited with error: exit status 127");
    expect(exitReason({ code: 255, signal: null })).toBe("Runtime exited with error: exit status 255");
  });

  it("reports exit 0 as an exit without a reason", () => {
    expect(exitErrorBody(ID, { code: 0, signal: null })).toBe(
      `{"errorType":"Runtime.ExitError","errorMessage":"RequestId: ${ID} Error: Runtime exited without providing a reason"}`,
    );
  });

  it("reports a signal in Go's wording, even when a code is also present", () => {
    expect(exitErrorBody(ID, { code: null, signal: "SIGKILL" })).toBe(
      `{"errorType":"Runtime.ExitError","errorMessage":"RequestId: ${ID} Error: Runtime exited with error: signal: killed"}`,
    );
    // A signal wins: a process killed by a signal has no exit status of its own.
    expect(exitReason({ code: 0, signal: "SIGTERM" })).toBe("Runtime exited with error: signal: terminated");
  });

  // Go's syscall signal names (zerrors_linux), which is what Lambda's messages quote.
  const GO_SIGNAL_NAMES: Array<[string, string]> = [
    ["SIGKILL", "killed"],
    ["SIGTERM", "terminated"],
    ["SIGINT", "interrupt"],
    ["SIGSEGV", "segmentation fault"],
    ["SIGABRT", "aborted"],
    ["SIGBUS", "bus error"],
    ["SIGFPE", "floating point exception"],
    ["SIGILL", "illegal instruction"],
    ["SIGHUP", "hangup"],
    ["SIGPIPE", "broken pipe"],
    ["SIGQUIT", "quit"],
    ["SIGTRAP", "trace/breakpoint trap"],
    ["SIGUSR1", "user defined signal 1"],
    ["SIGUSR2", "user defined signal 2"],
  ];

  for (const [signal, words] of GO_SIGNAL_NAMES) {
    it(`describes ${signal} as "${words}"`, () => {
      expect(signalDescription(signal)).toBe(words);
      expect(parsed(exitErrorBody(ID, { code: null, signal }))).toEqual({
        errorType: "Runtime.ExitError",
        errorMessage: `RequestId: ${ID} Error: Runtime exited with error: signal: ${words}`,
      });
    });
  }

  it("falls back to the lower-case name for a signal without a known description", () => {
    expect(signalDescription("SIGWINCH")).toBe("winch");
    expect(signalDescription("SIGXCPU")).toBe("xcpu");
  });

  it("says `unknown` when neither code nor signal is known", () => {
    expect(exitReason({ code: null, signal: null })).toBe("Runtime exited with error: exit status unknown");
  });
});

describe("responseTooLargeErrorBody", () => {
  it("is Function.ResponseSizeTooLarge naming the 6 MiB + 100 byte limit", () => {
    expect(responseTooLargeErrorBody()).toBe(
      '{"errorType":"Function.ResponseSizeTooLarge","errorMessage":"Response payload size exceeded maximum allowed payload size (6291556 bytes)."}',
    );
  });
});

describe("invalidEntrypointErrorBody", () => {
  it("is Runtime.InvalidEntrypoint with the reason after the request id", () => {
    expect(invalidEntrypointErrorBody(ID, "fork/exec ./bootstrap: no such file or directory")).toBe(
      `{"errorType":"Runtime.InvalidEntrypoint","errorMessage":"RequestId: ${ID} Error: fork/exec ./bootstrap: no such file or directory"}`,
    );
  });

  it("escapes a reason that contains quotes and newlines", () => {
    const reason = 'cannot run "./boot\nstrap"';
    expect(parsed(invalidEntrypointErrorBody(ID, reason))).toEqual({
      errorType: "Runtime.InvalidEntrypoint",
      errorMessage: `RequestId: ${ID} Error: ${reason}`,
    });
  });
});

describe("initTimeoutErrorBody", () => {
  it("is Sandbox.Timedout naming the init phase, in seconds", () => {
    expect(initTimeoutErrorBody(ID, 10_000)).toBe(
      `{"errorType":"Sandbox.Timedout","errorMessage":"RequestId: ${ID} Error: Init timed out after 10.00 seconds"}`,
    );
    expect(parsed(initTimeoutErrorBody(ID, 2500))).toMatchObject({
      errorMessage: `RequestId: ${ID} Error: Init timed out after 2.50 seconds`,
    });
  });
});

describe("runtimeErrorResponse", () => {
  it("has the status, a JSON content type and {errorMessage, errorType}", async () => {
    const res = runtimeErrorResponse(400, "InvalidRequestID", "Invalid request ID: abc");
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.text()).toBe(
      '{"errorMessage":"Invalid request ID: abc","errorType":"InvalidRequestID"}',
    );
  });

  it("carries each Runtime API error type unchanged", async () => {
    const cases = [
      [403, "InvalidStateTransition"],
      [413, "RequestEntityTooLarge"],
      [400, "InvalidFunctionResponseMode"],
      [500, "InternalServerError"],
      [404, "NotFound"],
    ] as const;
    for (const [status, type] of cases) {
      const res = runtimeErrorResponse(status, type, `message for ${type}`);
      expect(res.status).toBe(status);
      expect(await res.json()).toEqual({ errorMessage: `message for ${type}`, errorType: type });
    }
  });

  it("has an accepted body of {status: OK}", () => {
    expect(JSON.parse(RUNTIME_ACCEPTED_BODY)).toEqual({ status: "OK" });
  });
});

describe("InvokeApiError", () => {
  const STATUS: Record<InvokeApiErrorName, number> = {
    ResourceNotFoundException: 404,
    InvalidRequestContentException: 400,
    InvalidParameterValueException: 400,
    RequestTooLargeException: 413,
    TooManyRequestsException: 429,
    UnsupportedMediaTypeException: 415,
    ValidationException: 400,
    ServiceException: 500,
  };

  for (const [name, status] of Object.entries(STATUS) as Array<[InvokeApiErrorName, number]>) {
    it(`maps ${name} to ${status}`, () => {
      const error = new InvokeApiError(name, "why");
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe("InvokeApiError");
      expect(error.errorType).toBe(name);
      expect(error.status).toBe(status);
      expect(error.message).toBe("why");
      expect(error.extra).toEqual({});
    });
  }
});

describe("invokeErrorResponse", () => {
  it("has the status, x-amzn-ErrorType and a User-typed {Type, message} body", async () => {
    const res = invokeErrorResponse(
      new InvokeApiError("InvalidRequestContentException", "Could not parse request body into json"),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(res.headers.get(H_AMZN_ERROR_TYPE)).toBe("InvalidRequestContentException");
    expect(res.headers.get(H_AMZN_REQUEST_ID)).toBeNull();
    expect(await res.text()).toBe('{"Type":"User","message":"Could not parse request body into json"}');
  });

  it("marks 5xx errors as Service errors", async () => {
    const res = invokeErrorResponse(new InvokeApiError("ServiceException", "boom"));
    expect(res.status).toBe(500);
    expect(res.headers.get(H_AMZN_ERROR_TYPE)).toBe("ServiceException");
    expect(await res.json()).toEqual({ Type: "Service", message: "boom" });
  });

  it("sends x-amzn-RequestId when a request id is given", () => {
    const res = invokeErrorResponse(new InvokeApiError("ValidationException", "bad"), ID);
    expect(res.headers.get("x-amzn-RequestId")).toBe(ID);
  });

  it("answers notFound() with 404 naming the ARN", async () => {
    const arn = "arn:aws:lambda:us-east-1:000000000000:function:nope";
    const error = notFound(arn);
    expect(error.errorType).toBe("ResourceNotFoundException");
    const res = invokeErrorResponse(error);
    expect(res.status).toBe(404);
    expect(res.headers.get(H_AMZN_ERROR_TYPE)).toBe("ResourceNotFoundException");
    expect(await res.json()).toEqual({ Type: "User", message: `Function not found: ${arn}` });
  });

  it("answers tooManyRequests() with 429, Reason and Retry-After", async () => {
    const res = invokeErrorResponse(tooManyRequests(), ID);
    expect(res.status).toBe(429);
    expect(res.headers.get(H_AMZN_ERROR_TYPE)).toBe("TooManyRequestsException");
    expect(res.headers.get("Retry-After")).toBe("1");
    expect(res.headers.get(H_AMZN_REQUEST_ID)).toBe(ID);
    expect(await res.json()).toEqual({
      Reason: "ReservedFunctionConcurrentInvocationLimitExceeded",
      Type: "User",
      message: "Rate Exceeded.",
    });
  });

  it("sends the Retry-After given to tooManyRequests()", () => {
    expect(invokeErrorResponse(tooManyRequests(7)).headers.get("retry-after")).toBe("7");
  });

  it("does not let extra body fields replace Type or message", async () => {
    const error = new InvokeApiError("ValidationException", "real message", {
      body: { Type: "Service", message: "fake", Extra: "kept" },
    });
    expect(await invokeErrorResponse(error).json()).toEqual({
      Type: "User",
      message: "real message",
      Extra: "kept",
    });
  });
});

// Buffered handlers for the client's tests. `handler` picks its behaviour from `event.action`, so
// one runtime process serves many invocations (and the tests can see it is imported only once).
let imports = 0;
imports++;

class FixtureError extends Error {
  name = "FixtureError";
}

export const handler = async (event, context) => {
  switch (event.action) {
    case "echo":
      return { event, imports, pid: process.pid };
    case "context":
      return {
        awsRequestId: context.awsRequestId,
        functionName: context.functionName,
        functionVersion: context.functionVersion,
        invokedFunctionArn: context.invokedFunctionArn,
        memoryLimitInMB: context.memoryLimitInMB,
        logGroupName: context.logGroupName,
        logStreamName: context.logStreamName,
        clientContext: context.clientContext ?? null,
        identity: context.identity ?? null,
        tenantId: context.tenantId ?? null,
        callbackWaitsForEmptyEventLoop: context.callbackWaitsForEmptyEventLoop,
        remaining: context.getRemainingTimeInMillis(),
      };
    case "trace":
      return { trace: process.env._X_AMZN_TRACE_ID ?? null };
    case "throw":
      throw new FixtureError("fixture failed on purpose");
    case "throw-string":
      throw "a plain string";
    case "log":
      console.log("text %s", "formatted", { nested: { a: 1 } });
      console.info("two\nlines");
      console.warn("warned");
      console.error("failed:", new Error("logged error"));
      console.debug("debugged");
      console.trace("traced");
      return "logged";
    case "circular": {
      const value = { name: "loop" };
      value.self = value;
      return value;
    }
    case "undefined":
      return undefined;
    case "uncaught":
      setTimeout(() => {
        throw new FixtureError("thrown from a timer");
      }, 0);
      return new Promise(() => {});
    case "unhandled":
      Promise.reject(new FixtureError("nobody listens"));
      return new Promise(() => {});
    case "never":
      // Nothing keeps the event loop alive: AWS fails this with Runtime.NodeJsExit.
      return new Promise(() => {});
    default:
      throw new Error(`unknown action ${JSON.stringify(event.action)}`);
  }
};

// (event, context, callback): answers through the callback or context.succeed/fail/done.
export const callbackHandler = (event, context, callback) => {
  switch (event.action) {
    case "ok":
      setTimeout(() => callback(null, { via: "callback" }), 1);
      return;
    case "fail":
      callback(new FixtureError("callback failed"));
      return;
    case "succeed":
      context.succeed({ via: "succeed" });
      return;
    case "context-fail":
      context.fail(new FixtureError("context.fail"));
      return;
    case "done":
      context.done(null, { via: "done" });
      return;
    case "twice":
      callback(null, "first");
      callback(null, "second");
      return;
    case "never":
      // Never calls back, and nothing keeps the event loop alive: AWS answers null.
      return;
    default:
      callback(new Error(`unknown action ${JSON.stringify(event.action)}`));
  }
};

// A plain synchronous function: its return value is the answer.
export const syncHandler = (event) => ({ sync: true, event });

export const nested = { deeper: { handler: async () => "nested export" } };

export const notAFunction = 42;

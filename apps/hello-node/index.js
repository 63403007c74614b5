// hello-node: a small Node.js Lambda function, deployable as is (runtime nodejs20.x or later,
// handler index.handler). It greets the event's `name` with the configured GREETING and reports
// what a Lambda function can see about itself.

// Module scope runs once per execution environment (the cold start) and survives between the
// invocations that environment serves, as on Lambda.
const greeting = process.env.GREETING || "Hello";
let served = 0;

/**
 * @param {{ name?: unknown }} event
 * @param {import("@lambkin/client").Context} context
 */
export const handler = async (event, context) => {
  const name = event?.name ?? "world";
  if (typeof name !== "string" || name.trim() === "") {
    // Thrown errors become the function error the caller sees (errorType "TypeError").
    throw new TypeError(`name must be a non-empty string, got ${JSON.stringify(name)}`);
  }
  served += 1;
  console.log(`greeting ${name} (invocation ${served} of this environment)`);
  return {
    message: `${greeting}, ${name.trim()}!`,
    runtime: `node ${process.versions.node}`,
    functionName: context.functionName,
    requestId: context.awsRequestId,
    coldStart: served === 1,
    remainingMs: context.getRemainingTimeInMillis(),
  };
};

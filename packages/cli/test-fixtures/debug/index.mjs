// A handler to debug (runtime node, bun or deno): it stops at `debugger` when a debugger is
// connected, and says how long it was stopped; `{ "wait": ms }` makes it late on purpose.
export const handler = async (event) => {
  const started = Date.now();
  // biome-ignore lint/suspicious/noDebugger: the statement the test's debugger stops at
  debugger;
  if (event.wait) await new Promise((resolve) => setTimeout(resolve, event.wait));
  return { stoppedMs: Date.now() - started };
};

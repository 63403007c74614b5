// A handler module with top-level await (AWS supports it in ES modules). It counts how many times
// it was evaluated: loading it must run its top level exactly once, on every engine.
globalThis.topLevelAwaitEvaluations = (globalThis.topLevelAwaitEvaluations ?? 0) + 1;
const config = await new Promise((resolve) => setTimeout(() => resolve({ ready: true }), 5));

export const handler = async (event) => ({
  config,
  evaluations: globalThis.topLevelAwaitEvaluations,
  event,
});

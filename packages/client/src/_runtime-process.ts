// What the runtime-*.test.ts files share: the fixture folders, and a runtime process started on a
// real Runtime API server (_test-runtime-api.ts) for a describe block or for one test.
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import {
  type Engine,
  FakeRuntimeApi,
  FIXTURES,
  type RecordedPost,
  type RuntimeProcess,
  startRuntime,
} from "./_test-runtime-api.ts";

export const ESM = path.join(FIXTURES, "esm");
export const CJS = path.join(FIXTURES, "cjs");
export const TS = path.join(FIXTURES, "ts");
export const TIMEOUT = 60_000;
export const ISO = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

export const json = (post: RecordedPost): any => JSON.parse(post.body.toString("utf8"));

/** One runtime process for a describe block: started before its tests, killed after them. */
export function useRuntime(engine: Engine, cwd: string, handler: string, env: Record<string, string> = {}) {
  const state = {} as { api: FakeRuntimeApi; runtime: RuntimeProcess };
  beforeAll(async () => {
    state.api = await FakeRuntimeApi.start();
    state.runtime = startRuntime({ engine, api: state.api, cwd, handler, env });
  }, TIMEOUT);
  afterAll(async () => {
    await state.runtime?.kill();
    await state.api?.close();
  });
  return state;
}

/** A runtime expected to exit: started per test, with its own server. */
export async function withRuntime<T>(
  engine: Engine,
  cwd: string,
  handler: string,
  body: (api: FakeRuntimeApi, runtime: RuntimeProcess) => Promise<T>,
  env: Record<string, string> = {},
): Promise<T> {
  const api = await FakeRuntimeApi.start();
  const runtime = startRuntime({ engine, api, cwd, handler, env });
  try {
    return await body(api, runtime);
  } finally {
    await runtime.kill();
    await api.close();
  }
}

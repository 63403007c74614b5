import { describe, expect, it } from "vitest";
import { CJS, ESM, json, TIMEOUT, TS, withRuntime } from "./_runtime-process.ts";
import { ENGINES } from "./_test-runtime-api.ts";

describe.each(ENGINES)("runtime on %s", (engine) => {
  describe("other handler shapes", () => {
    it(
      "a plain synchronous function answers with its return value",
      async () => {
        await withRuntime(engine, ESM, "index.syncHandler", async (api) => {
          expect(json(await api.invoke({ a: 1 }))).toEqual({ sync: true, event: { a: 1 } });
        });
      },
      TIMEOUT,
    );

    it(
      "a nested export path (module.a.b)",
      async () => {
        await withRuntime(engine, ESM, "index.nested.deeper.handler", async (api) => {
          expect(json(await api.invoke({}))).toBe("nested export");
        });
      },
      TIMEOUT,
    );

    it(
      "a module in a subfolder (src/api/handler.main)",
      async () => {
        await withRuntime(engine, ESM, "src/api/handler.main", async (api) => {
          expect(json(await api.invoke({ q: 1 }))).toEqual({ nested: true, event: { q: 1 } });
        });
      },
      TIMEOUT,
    );

    it(
      "a module with top-level await, evaluated once",
      async () => {
        await withRuntime(engine, ESM, "top-level-await.handler", async (api) => {
          expect(json(await api.invoke({ t: 1 }))).toEqual({
            config: { ready: true },
            evaluations: 1,
            event: { t: 1 },
          });
        });
      },
      TIMEOUT,
    );

    it(
      "a handler file that is a symbolic link",
      async () => {
        await withRuntime(engine, ESM, "linked.handler", async (api) => {
          expect(json(await api.invoke({ l: 1 }))).toMatchObject({
            config: { ready: true },
            event: { l: 1 },
          });
        });
      },
      TIMEOUT,
    );

    it(
      "a .cjs file in an ESM package",
      async () => {
        await withRuntime(engine, ESM, "common.handler", async (api) => {
          expect(json(await api.invoke({ c: 1 }))).toEqual({ format: "cjs", event: { c: 1 } });
        });
      },
      TIMEOUT,
    );

    it(
      "CommonJS exports.handler in a type: commonjs package",
      async () => {
        await withRuntime(engine, CJS, "index.handler", async (api) => {
          const first = json(await api.invoke({ n: 1 }, { requestId: `${engine}-cjs` }));
          expect(first).toEqual({ format: "cjs", imports: 1, requestId: `${engine}-cjs`, event: { n: 1 } });
          expect(json(await api.invoke({ n: 2 })).imports).toBe(1);
        });
      },
      TIMEOUT,
    );

    it(
      "a CommonJS callback-style handler",
      async () => {
        await withRuntime(engine, CJS, "index.legacy", async (api) => {
          expect(json(await api.invoke({ l: 1 }))).toEqual({ legacy: true, event: { l: 1 } });
        });
      },
      TIMEOUT,
    );

    it(
      "a TypeScript handler (.ts)",
      async () => {
        await withRuntime(engine, TS, "index.handler", async (api) => {
          expect(json(await api.invoke({ name: engine }))).toEqual({
            message: `hello ${engine}`,
            typed: true,
            mood: "happy",
          });
        });
      },
      TIMEOUT,
    );

    it(
      "TypeScript modules as .mts and .cts",
      async () => {
        await withRuntime(engine, TS, "module.handler", async (api) => {
          expect(json(await api.invoke({ n: 1 }))).toEqual({ ext: "mts", n: 1 });
        });
        await withRuntime(engine, TS, "common.handler", async (api) => {
          expect(json(await api.invoke({ n: 2 }))).toEqual({ ext: "cts", n: 2 });
        });
      },
      TIMEOUT,
    );

    it(
      "a TypeScript handler's stack trace names the .ts file and the line of the throw",
      async () => {
        await withRuntime(engine, TS, "throws.handler", async (api) => {
          const post = await api.invoke({ id: "a1" });
          expect(post.kind).toBe("error");
          const body = json(post);
          expect(body.errorMessage).toBe("bad order: empty");
          // Line 18 is the `throw` in throws.ts; the JavaScript a loader makes of it has other lines.
          expect(body.stackTrace[1]).toMatch(/throws\.ts:18:\d+\)?$/);
        });
      },
      TIMEOUT,
    );

    it(
      "a .js handler importing .ts modules (LAMBKIN_TSX=1 registers tsx on Node)",
      async () => {
        await withRuntime(
          engine,
          TS,
          "mixed.handler",
          async (api) => {
            expect(json(await api.invoke({}))).toEqual({ message: "hello mixed from .ts" });
          },
          { LAMBKIN_TSX: "1" },
        );
      },
      TIMEOUT,
    );
  });
});

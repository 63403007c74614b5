// The API through lambkin's Function URL listener: real HTTP requests, turned into payload 2.0
// events for a real Node runtime process, and its { statusCode, headers, body } mapped back.
import { fileURLToPath } from "node:url";
import { type StartedLambkin, start } from "@lambkin/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const appDir = fileURLToPath(new URL("..", import.meta.url));
let lk: StartedLambkin;
const api = (path: string, init?: RequestInit) => fetch(`${lk.functionUrl}/http-api${path}`, init);

beforeAll(async () => {
  lk = await start(
    {
      port: 0,
      urlPort: 0,
      functions: { "http-api": { runtime: "node", codeDir: ".", handler: "index.handler" } },
    },
    { baseDir: appDir, log: () => {} },
  );
}, 60_000);
afterAll(() => lk?.close());

describe("http-api", () => {
  it("GET /hello greets the name in the query string", async () => {
    const res = await api("/hello?name=you");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toEqual({ message: "Hello, you!" });
  });

  it("creates, reads, lists and deletes todos", async () => {
    const created = await api("/todos", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ title: "  buy milk " }),
    });
    expect(created.status).toBe(201);
    const todo = (await created.json()) as { id: string; title: string };
    expect(todo).toMatchObject({ title: "buy milk", done: false });
    expect(created.headers.get("location")).toBe(`/todos/${todo.id}`);

    expect(await (await api(`/todos/${todo.id}`)).json()).toEqual(todo);
    expect(await (await api("/todos")).json()).toEqual({ todos: [todo] });

    const deleted = await api(`/todos/${todo.id}`, { method: "DELETE" });
    expect(deleted.status).toBe(204);
    expect((await api(`/todos/${todo.id}`)).status).toBe(404);
  });

  it("answers 400 for a bad body, 404 for unknown routes and 405 with Allow for wrong methods", async () => {
    const bad = await api("/todos", { method: "POST", body: "not json" });
    expect(bad.status).toBe(400);
    const missing = await api("/nothing/here");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({ message: "route GET /nothing/here not found" });
    const wrong = await api("/hello", { method: "PUT" });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get("allow")).toBe("GET");
  });

  it("also answers a payload 2.0 event sent through the Invoke API", async () => {
    const r = await lk.invoke("http-api", {
      version: "2.0",
      rawPath: "/hello",
      queryStringParameters: { name: "sdk" },
      requestContext: { http: { method: "GET", path: "/hello" } },
    });
    expect(r.payload).toEqual({
      statusCode: 200,
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message: "Hello, sdk!" }),
    });
  });
});

// http-api: a small JSON API for a Lambda Function URL (or an API Gateway HTTP API): it routes on
// the payload 2.0 event's method and rawPath and answers { statusCode, headers, body }.
// Under lambkin: curl http://127.0.0.1:3000/http-api/hello?name=you
//
//   GET    /hello?name=…   a greeting
//   GET    /todos          the list
//   POST   /todos          {"title": "…"} → 201 with the new item
//   GET    /todos/{id}     one item, 404 when unknown
//   DELETE /todos/{id}     204

// Module scope lives as long as the execution environment: enough for a demo, not a database.
const todos = new Map();
let nextId = 1;

const json = (statusCode, body, headers = {}) => ({
  statusCode,
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});
const notFound = (what) => json(404, { message: `${what} not found` });

/** @param {string} method @param {string[]} allowed */
const methodNotAllowed = (method, allowed) =>
  json(405, { message: `${method} is not allowed here` }, { allow: allowed.join(", ") });

function readJson(event) {
  if (!event.body) return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, "base64").toString("utf8") : event.body;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export const handler = async (event) => {
  const method = event.requestContext?.http?.method ?? "GET";
  const segments = (event.rawPath ?? "/").split("/").filter(Boolean);
  console.log(`${method} ${event.rawPath}`);

  if (segments.length === 1 && segments[0] === "hello") {
    if (method !== "GET") return methodNotAllowed(method, ["GET"]);
    const name = event.queryStringParameters?.name ?? "world";
    return json(200, { message: `Hello, ${name}!` });
  }

  if (segments[0] === "todos" && segments.length === 1) {
    if (method === "GET") return json(200, { todos: [...todos.values()] });
    if (method === "POST") {
      const input = readJson(event);
      if (typeof input?.title !== "string" || input.title.trim() === "") {
        return json(400, { message: 'send a JSON body like {"title": "buy milk"}' });
      }
      const todo = { id: String(nextId++), title: input.title.trim(), done: false };
      todos.set(todo.id, todo);
      return json(201, todo, { location: `/todos/${todo.id}` });
    }
    return methodNotAllowed(method, ["GET", "POST"]);
  }

  if (segments[0] === "todos" && segments.length === 2) {
    const todo = todos.get(segments[1]);
    if (!todo) return notFound(`todo ${segments[1]}`);
    if (method === "GET") return json(200, todo);
    if (method === "DELETE") {
      todos.delete(todo.id);
      return { statusCode: 204 };
    }
    return methodNotAllowed(method, ["GET", "DELETE"]);
  }

  return notFound(`route ${method} ${event.rawPath}`);
};

// One server for bench/serve.mjs, on whichever engine runs this file:
//   <engine> server.mjs <bare|bare-node-http|adapter|adapter-fast|adapter-trailers>
// Prints the port, then serves until killed. GET answers "hello"; POST echoes the body.
// Each line on stdin makes it print its CPU time so far, in µs.
const engine = typeof Bun !== "undefined" ? "bun" : typeof Deno !== "undefined" ? "deno" : "node";
const kind = (typeof Deno !== "undefined" ? Deno.args : process.argv.slice(2))[0];

async function webHandler(request) {
  if (request.method === "GET") return new Response("hello");
  return new Response(await request.arrayBuffer());
}

let port;
if (kind === "bare" && engine === "bun") {
  port = Bun.serve({ hostname: "127.0.0.1", port: 0, fetch: webHandler }).port;
} else if (kind === "bare" && engine === "deno") {
  port = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, webHandler).addr.port;
} else if (kind === "bare" || kind === "bare-node-http") {
  const { createServer } = await import("node:http");
  const server = createServer((req, res) => {
    if (req.method === "GET") return res.end("hello");
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => res.end(Buffer.concat(chunks)));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = server.address().port;
} else if (kind === "adapter-fast" || kind === "adapter-trailers-fast") {
  // The same handler answering with the Node adapter's FastResponse, on a node:http server.
  const { FastResponse } = await import("@lambkin/node/platform");
  const { [`${engine}Platform`]: platform } = await import(`@lambkin/${engine}`);
  const server = await platform.serve(
    async (request) =>
      request.method === "GET" ? new FastResponse("hello") : new FastResponse(await request.bytes()),
    { hostname: "127.0.0.1", port: 0, trailers: true },
  );
  port = server.port;
} else if (kind === "adapter" || kind === "adapter-trailers") {
  const { [`${engine}Platform`]: platform } = await import(`@lambkin/${engine}`);
  const server = await platform.serve(webHandler, {
    hostname: "127.0.0.1",
    port: 0,
    trailers: kind === "adapter-trailers",
  });
  port = server.port;
} else {
  throw new Error(
    `unknown server kind ${kind}: use bare, bare-node-http, adapter, adapter-fast or adapter-trailers`,
  );
}
console.log(port);
// serve.mjs asks for this process's CPU time so far (µs) by writing a line to stdin.
process.stdin.on("data", () => {
  const { user, system } = process.cpuUsage();
  console.log(user + system);
});
// The benchmark went away (or was interrupted): so does this server.
process.stdin.on("end", () => process.exit(0));

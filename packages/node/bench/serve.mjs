// Micro-benchmark of the Platform servers (not a test; run by hand after `npx turbo run build`):
//   node packages/node/bench/serve.mjs [node|bun|deno ...]
// For each engine, starts each server kind of server.mjs in its own process and measures, with a
// keep-alive node:http client sending requests one after another (GET → "hello", and POST of
// 1 KiB echoed back): the round trip in µs per request, and the server process's own CPU time in
// µs per request (steadier than the round trip on a shared machine). Prints the median of several
// alternating rounds.
import { spawn } from "node:child_process";
import { Agent, request } from "node:http";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const server = fileURLToPath(new URL("./server.mjs", import.meta.url));
const engines = {
  node: { argv: [process.execPath, server], kinds: ["bare", "adapter", "adapter-fast"] },
  bun: {
    argv: [`${root}node_modules/.bin/bun`, server],
    kinds: ["bare", "adapter", "bare-node-http", "adapter-trailers", "adapter-trailers-fast"],
  },
  deno: {
    argv: [`${root}node_modules/.bin/deno`, "run", "-A", server],
    kinds: ["bare", "adapter", "bare-node-http", "adapter-trailers", "adapter-trailers-fast"],
  },
};
const N = Number(process.env.N ?? 3000);
const ROUNDS = Number(process.env.ROUNDS ?? 11);
const payload = Buffer.alloc(1024, "x");

function start(argv, kind) {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0], [...argv.slice(1), kind], {
      cwd: root,
      stdio: ["pipe", "pipe", "inherit"],
    });
    child.stdout.setEncoding("utf8");
    child.stdout.once("data", (d) => resolve({ child, port: Number(d.trim()) }));
    child.once("exit", (code) => reject(new Error(`${argv.join(" ")} ${kind} exited with ${code}`)));
  });
}

function cpu(child) {
  return new Promise((resolve) => {
    child.stdout.once("data", (d) => resolve(Number(d.trim())));
    child.stdin.write("cpu\n");
  });
}

function once(agent, port, method) {
  return new Promise((resolve, reject) => {
    const req = request({ host: "127.0.0.1", port, method, path: "/", agent }, (res) => {
      res.on("data", () => {});
      res.on("end", resolve);
    });
    req.on("error", reject);
    req.end(method === "POST" ? payload : undefined);
  });
}

async function measure(server, method) {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  for (let i = 0; i < 500; i++) await once(agent, server.port, method);
  const cpuBefore = await cpu(server.child);
  const t = process.hrtime.bigint();
  for (let i = 0; i < N; i++) await once(agent, server.port, method);
  const us = Number(process.hrtime.bigint() - t) / N / 1000;
  const cpuUs = ((await cpu(server.child)) - cpuBefore) / N;
  agent.destroy();
  return { us, cpuUs };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

for (const name of process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(engines)) {
  const { argv, kinds } = engines[name];
  const servers = [];
  for (const kind of kinds) servers.push({ kind, ...(await start(argv, kind)), GET: [], POST: [] });
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of servers) {
      s.GET.push(await measure(s, "GET"));
      s.POST.push(await measure(s, "POST"));
    }
  }
  const fmt = (runs) =>
    `${median(runs.map((r) => r.us))
      .toFixed(1)
      .padStart(6)} µs (server CPU ${median(runs.map((r) => r.cpuUs))
      .toFixed(1)
      .padStart(5)})`;
  for (const s of servers) {
    console.log(`${name.padEnd(5)} ${s.kind.padEnd(21)} GET ${fmt(s.GET)}   POST 1KiB ${fmt(s.POST)}`);
    s.child.kill();
  }
}

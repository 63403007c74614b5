// `lambkin invoke` when a lambkin took the call and then closed the connection: the message must
// not say that nothing is running (something was, and the function may have run), and must say
// what to do. Real servers that drop the connection, the CLI run on each engine, and a real
// `lambkin start` killed with SIGKILL during an invocation.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { type Engine, runCli, startCli, tempConfig } from "./_cli-process.ts";

let server: Server | undefined;
afterEach(() => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

/** A server that reads each request whole, counts it, then does `answer` with the socket. */
async function serve(answer: (res: import("node:http").ServerResponse) => void) {
  const seen = { requests: 0 };
  server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      seen.requests++;
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, seen };
}

describe.each(["node", "bun", "deno"] as Engine[])("lambkin invoke on %s, connection lost", (engine) => {
  it("says the function may have run when the connection closes before an answer", async () => {
    const { endpoint, seen } = await serve((res) => res.socket?.destroy());
    const r = await runCli(["invoke", "echo", "--payload", '{"a":1}', "--endpoint", endpoint], { engine });
    expect(seen.requests).toBe(1);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `lambkin: ${endpoint} took the call to echo, then closed the connection before answering (`,
    );
    expect(r.stderr).toContain(
      "echo may have run — lambkin start's output shows how the call ended; invoke again only if running echo twice is safe",
    );
    expect(r.stderr).not.toContain("nothing answered");
    expect(r.stderr).not.toMatch(/^\s+at /m); // a message, not a stack
  });

  it("says the answer is incomplete when the connection closes during the body", async () => {
    const { endpoint } = await serve((res) => {
      res.writeHead(200, { "content-type": "application/json", "content-length": "100" });
      res.write('{"partial":', () => setTimeout(() => res.socket?.destroy(), 50));
    });
    const r = await runCli(["invoke", "echo", "--endpoint", endpoint], { engine });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`lambkin: ${endpoint} closed the connection while sending echo's answer (`);
    expect(r.stderr).toContain(
      "echo ran, but its answer is incomplete; lambkin start's output shows how the call ended",
    );
    expect(r.stdout).toBe("");
  });
});

describe("lambkin invoke while its lambkin is killed", () => {
  it("says the function may have run, not that nothing is running", async () => {
    const { dir } = tempConfig();
    const lk = await startCli([], { cwd: dir });
    try {
      const invoking = runCli(
        [
          "invoke",
          "echo",
          "--payload",
          '{"log":"started, now sleeping","sleepMs":20000}',
          "--endpoint",
          lk.url,
        ],
        { cwd: dir },
      );
      await lk.waitFor("started, now sleeping");
      lk.child.kill("SIGKILL");
      const r = await invoking;
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`took the call to echo, then closed the connection before answering (`);
      expect(r.stderr).toContain("echo may have run —");
      expect(r.stderr).not.toContain("nothing answered");
    } finally {
      await lk.stop("SIGKILL");
    }
  }, 30_000);
});

// `lambkin invoke FUNCTION --event FILE` in a project folder, as a user runs it: with no lambkin
// running it starts the function from ./lambkin.config.json, invokes once, logs to stderr, prints
// the result on stdout and leaves no process; with one running on the config's port it uses that.
import { mkdirSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Engine, gone, runCli, startCli, tempConfig } from "./_cli-process.ts";

const HANDLER = `export const handler = async (event) => {
  console.log("got", JSON.stringify(event));
  if (event.fail) throw new TypeError("asked to fail");
  return { pid: process.pid, sum: event.a + event.b };
};
`;

/** A port nothing listens on right now (bound, then released). */
function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function project() {
  const port = await freePort();
  const { dir } = tempConfig({
    port,
    urlPort: 0,
    functions: {
      add: { runtime: "node", codeDir: "add", handler: "index.handler" },
      // Never started by a one-shot invoke of `add`: only the named function is.
      other: { runtime: "node", codeDir: "add", handler: "index.handler" },
    },
  });
  mkdirSync(join(dir, "add"));
  writeFileSync(join(dir, "add/index.mjs"), HANDLER);
  writeFileSync(join(dir, "add/package.json"), '{ "type": "module" }\n');
  writeFileSync(join(dir, "event.json"), '{ "a": 2, "b": 3 }\n');
  writeFileSync(join(dir, "fail.json"), '{ "fail": true }\n');
  return { dir, port };
}

describe.each(["node", "bun", "deno"] as Engine[])("one-shot lambkin invoke on %s", (engine) => {
  it("runs the function once from the config: log on stderr, result on stdout, exit 0, no process left", async () => {
    const { dir } = await project();
    const r = await runCli(["invoke", "add", "--event", "event.json"], { cwd: dir, engine });
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { pid: number; sum: number };
    expect(result.sum).toBe(5);
    const lines = r.stderr.trimEnd().split("\n");
    expect(lines[0]).toMatch(/ add \w+ START RequestId: [\w-]+ Version: \$LATEST$/);
    expect(r.stderr).toContain('got {"a":2,"b":3}');
    expect(lines.at(-2)).toMatch(/ add \w+ END RequestId: /);
    expect(lines.at(-1)).toMatch(/ add \w+ REPORT RequestId: .*Init Duration: [\d.]+ ms$/);
    expect(await gone(result.pid, 2000)).toBe(true);
  }, 60_000);

  it("exits 1 with the error on stdout when the function fails", async () => {
    const { dir } = await project();
    const r = await runCli(["invoke", "add", "-e", "fail.json"], { cwd: dir, engine });
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ errorType: "TypeError", errorMessage: "asked to fail" });
    expect(r.stderr).toMatch(/REPORT RequestId: /);
    expect(r.stderr).toContain("lambkin: add failed (Unhandled, request id ");
  }, 60_000);

  it("does not run the function again when the lambkin there drops the call", async () => {
    const { dir, port } = await project();
    // On the config's port, a server that takes the connection and closes it, as a lambkin stopped
    // during the invoke does: the function may have run there, so it is not run once more here.
    const dropping = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => dropping.listen(port, "127.0.0.1", resolve));
    try {
      const r = await runCli(["invoke", "add", "--event", "event.json"], { cwd: dir, engine });
      expect(r.code, r.stderr).toBe(1);
      expect(r.stderr).toContain(
        `lambkin: http://127.0.0.1:${port} took the call to add, then closed the connection before answering (`,
      );
      expect(r.stderr).toContain("add may have run");
      expect(r.stderr).not.toContain("START");
      expect(r.stdout).toBe("");
    } finally {
      dropping.close();
    }
  });
});

describe("lambkin invoke with a lambkin running", () => {
  it("uses the running one (its warm environment), not a one-shot", async () => {
    const { dir } = await project();
    const lk = await startCli([], { cwd: dir });
    try {
      const first = await runCli(["invoke", "add", "--event", "event.json"], { cwd: dir });
      const second = await runCli(["invoke", "add", "--event", "event.json"], { cwd: dir });
      expect(first.code, first.stderr).toBe(0);
      expect(JSON.parse(second.stdout).pid).toBe(JSON.parse(first.stdout).pid);
      expect(first.stderr).not.toContain("START");
      expect(lk.output().stdout).toContain('got {"a":2,"b":3}');
    } finally {
      await lk.stop();
    }
  }, 60_000);

  it("names the functions when the config has no such function", async () => {
    const { dir } = await project();
    const r = await runCli(["invoke", "nope", "--event", "event.json"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      'no lambkin is running, and lambkin.config.json has no function "nope" to start (its functions: add, other)',
    );
  });
});

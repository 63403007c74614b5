// Errors a new user meets first, run as they meet them: a port already taken names that port and
// the flag that picks a free one (on each host engine, whose errors differ); importing an engine
// adapter on another engine names the engine it needs and the package to use instead.
import { spawnSync } from "node:child_process";
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ENGINES, type Engine, packageDir, runCli, tempConfig } from "./_cli-process.ts";

describe("a port in use", () => {
  let taken: Server;
  let port: number;
  const { dir } = tempConfig();

  beforeAll(async () => {
    taken = createServer();
    port = await new Promise<number>((resolve) =>
      taken.listen(0, "127.0.0.1", () => resolve((taken.address() as { port: number }).port)),
    );
  });
  afterAll(() => new Promise<void>((resolve) => taken.close(() => resolve())));

  for (const engine of Object.keys(ENGINES) as Engine[]) {
    it(`is named, with --port 0 as the fix (lambkin on ${engine})`, async () => {
      const r = await runCli(["start", "--port", String(port), "--url-port", "0"], { cwd: dir, engine });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(
        `lambkin: cannot listen on 127.0.0.1 port ${port} (the Invoke API): it is in use`,
      );
      expect(r.stderr).toContain("--port 0 picks a free port");
      expect(r.stderr).not.toContain("--url-port 0");
      expect(r.stderr).not.toMatch(/^\s+at /m);
    });
  }

  it("names the Function URL port when that is the one taken", async () => {
    const r = await runCli(["start", "--port", "0", "--url-port", String(port)], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`port ${port} (Function URLs): it is in use`);
    expect(r.stderr).toContain("--url-port 0 picks a free port");
  });
});

describe("an engine adapter imported on another engine", () => {
  const load = (engine: Engine, pkg: string) =>
    spawnSync(
      ENGINES[engine][0],
      ["-e", `await import("${pkg}")`, ...(engine === "node" ? ["--input-type=module"] : [])],
      {
        cwd: packageDir,
        encoding: "utf8",
      },
    );

  it("@lambkin/bun on Node names Bun and @lambkin/node", () => {
    const r = load("node", "@lambkin/bun");
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(
      `Error: @lambkin/bun runs only inside Bun, and this is Node ${process.versions.node}: import @lambkin/node here, or run with bun`,
    );
    expect(r.stderr).not.toContain("ReferenceError");
  });

  it("@lambkin/deno on Node and on Bun names Deno and the package for that engine", () => {
    const node = load("node", "@lambkin/deno");
    expect(node.stderr).toContain("@lambkin/deno runs only inside Deno, and this is Node");
    expect(node.stderr).toContain("import @lambkin/node here, or run with deno run -A");
    const bun = load("bun", "@lambkin/deno");
    expect(bun.status).not.toBe(0);
    expect(bun.stderr).toMatch(
      /@lambkin\/deno runs only inside Deno, and this is Bun \d+\.\d+\.\d+: import @lambkin\/bun here/,
    );
  });
});

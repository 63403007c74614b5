// `lambkin start` hosted by each engine: run directly by Bun and Deno (the CLI picks their adapter),
// and relaunched by `--host-engine`. Each run serves a real invoke and stops with no runtime left.
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import {
  type CliOptions,
  type Engine,
  echoDir,
  gone,
  type RunningLambkin,
  runCli,
  startCli,
  tempConfig,
} from "./_cli-process.ts";

async function serveOnce(lk: RunningLambkin, engine: string): Promise<void> {
  expect(lk.engine).toBe(engine);
  expect(lk.readyLine).toMatch(
    new RegExp(`^lambkin ready \\(${engine} \\d+\\.\\d+\\.\\d+\\) — Invoke API http://127\\.0\\.0\\.1:\\d+`),
  );
  const r = await runCli(["invoke", "echo", "--endpoint", lk.url, "--payload", '{"log":"hello engine"}']);
  expect(r.code).toBe(0);
  const { pid } = JSON.parse(r.stdout) as { pid: number };
  await lk.waitFor("stderr: hello engine");
  expect(lk.output().stdout).toMatch(/^\d\d:\d\d:\d\d\.\d{3} echo [0-9a-f]{8} hello engine$/m);
  const stopped = await lk.stop("SIGINT");
  expect(stopped.code).toBe(0);
  expect(stopped.stderr).toContain("lambkin: stopping…");
  expect(await gone(pid)).toBe(true);
}

const start = (args: string[], options: CliOptions) => startCli(args, { ...options, cwd: tempConfig().dir });

describe.each(["bun", "deno"] as Engine[])("run by %s", (engine) => {
  it("uses the engine's adapter and names it in the ready line", async () => {
    await serveOnce(await start([], { engine }), engine);
  });

  it("imports a lambkin.config.ts natively", async () => {
    const { dir } = tempConfig(
      `const port: number = 0;\nexport default { port, urlPort: port, functions: { echo: { runtime: "provided" as const, codeDir: ${JSON.stringify(relative(join(tmpdir(), "x"), echoDir))} } } };\n`,
      "lambkin.config.ts",
    );
    await serveOnce(await startCli([], { engine, cwd: dir }), engine);
  });
});

describe("--host-engine relaunches lambkin on the named engine", () => {
  it.each([
    ["node", "bun"],
    ["node", "deno"],
    ["bun", "node"],
    ["deno", "node"],
  ] as [Engine, Engine][])("from %s to %s", async (from, to) => {
    await serveOnce(await start(["--host-engine", to], { engine: from }), to);
  });

  it("on the engine already running it, just starts", async () => {
    await serveOnce(await start(["--host-engine", "node"], {}), "node");
  });

  it("passes the child's exit status through (a config error: 1)", async () => {
    const { dir } = tempConfig({ functions: { echo: { runtime: "provided", codeDir: "missing" } } });
    const r = await runCli(["start", "--host-engine", "bun"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("functions.echo.codeDir: no folder at");
  });
});

// The built `lambkin` executable, run as a real process on Node against a real runtime process
// (test-fixtures/echo). Usage and config errors, then a running `lambkin start` driven by
// `lambkin invoke` and `lambkin list`.
import { spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cliPath,
  echoDir,
  gone,
  packageDir,
  type RunningLambkin,
  runCli,
  startCli,
  tempConfig,
} from "./_cli-process.ts";
import { COMMANDS } from "./usage.ts";

const pkg = JSON.parse(readFileSync(join(packageDir, "package.json"), "utf8")) as { version: string };

describe("--help and --version", () => {
  it("prints the version on every command", async () => {
    for (const args of [
      ["--version"],
      ["-v"],
      ["start", "--version"],
      ["invoke", "--version"],
      ["list", "--version"],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(" ")).toBe(0);
      expect(r.stdout).toBe(`${pkg.version}\n`);
    }
  });

  it("prints help with the usage line on every command", async () => {
    const top = await runCli(["--help"]);
    expect(top.code).toBe(0);
    expect(top.stdout).toContain(`usage: lambkin <${COMMANDS.join("|")}>`);
    for (const command of ["start", "invoke", "list"]) {
      const r = await runCli([command, "--help"]);
      expect(r.code, command).toBe(0);
      expect(r.stdout).toContain(`usage: lambkin ${command}`);
    }
    const start = await runCli(["start", "-h"]);
    expect(start.stdout).toContain("--host-engine");
    expect(start.stdout).toContain("--log-format");
  });
});

describe("usage errors exit 2 with the usage line", () => {
  it.each([
    [["start", "--prot", "3002"], "unknown option --prot", "usage: lambkin start"],
    [["start", "--port", "abc"], '--port must be a whole number 0–65535, got "abc"', "usage: lambkin start"],
    [
      ["start", "--port", "70000"],
      '--port must be a whole number 0–65535, got "70000"',
      "usage: lambkin start",
    ],
    [
      ["start", "--log-format", "xml"],
      '--log-format must be one of text, json, got "xml"',
      "usage: lambkin start",
    ],
    [
      ["start", "--host-engine", "java"],
      '--host-engine must be one of node, bun, deno, got "java"',
      "usage: lambkin start",
    ],
    [["start", "--config"], "option --config needs a value", "usage: lambkin start"],
    [["invoke"], "missing the function name", "usage: lambkin invoke"],
    [["invoke", "echo", "--payload", "{not json"], "--payload must be JSON", "usage: lambkin invoke"],
    [
      ["invoke", "echo", "--payload", "@/nonexistent/event.json"],
      "--payload @/nonexistent/event.json: cannot read /nonexistent/event.json (ENOENT)",
      "usage: lambkin invoke",
    ],
    [
      ["invoke", "echo", "--invocation-type", "Later"],
      "--invocation-type must be one of",
      "usage: lambkin invoke",
    ],
    [
      ["invoke", "echo", "--endpoint", "localhost:3001"],
      "--endpoint must be an http:// or https:// URL",
      "usage: lambkin invoke",
    ],
    [["list", "--tail"], "unknown option --tail", "usage: lambkin list"],
    [["deploy"], 'unknown command "deploy"', `usage: lambkin <${COMMANDS.join("|")}>`],
    [["--x"], "unknown option --x", `usage: lambkin <${COMMANDS.join("|")}>`],
  ])("lambkin %j", async (args, message, usage) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(`lambkin: ${message}`);
    expect(r.stderr).toContain(usage);
    expect(r.stdout).toBe("");
  });
});

describe("config errors exit 1 with the message and no stack trace", () => {
  const expectConfigError = async (config: unknown, message: string | RegExp, fileName?: string) => {
    const { dir } = tempConfig(config, fileName);
    const r = await runCli(["start"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(typeof message === "string" ? new RegExp(escapeRegExp(message)) : message);
    expect(r.stderr).toMatch(/^lambkin: /);
    expect(r.stderr).not.toMatch(/^\s+at /m);
    expect(r.stdout).not.toContain("ready");
  };

  it("names an unknown function key and the function", () =>
    expectConfigError(
      { functions: { echo: { runtime: "provided", codeDir: echoDir, timeot: 3 } } },
      'functions.echo: unknown key "timeot"',
    ));

  it("names a missing code folder", () =>
    expectConfigError(
      { functions: { echo: { runtime: "provided", codeDir: "no-such-folder" } } },
      /functions\.echo\.codeDir: no folder at \/.*\/no-such-folder/,
    ));

  it("names an unknown top-level key", () =>
    expectConfigError({ prot: 1, functions: {} }, 'unknown config key "prot"'));

  it("gives the file, line and column of a JSON syntax error", () =>
    expectConfigError(
      '{\n  "functions": {\n    "echo": { "runtime": "provided" "codeDir": "x" }\n  }\n}\n',
      /lambkin\.config\.json:3:37: invalid JSON: expected ',' or '}' after a property value, found '"'$/m,
    ));

  it("says when there is no config file", async () => {
    const { dir } = tempConfig({ functions: {} }, "other.json");
    const r = await runCli(["start"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`lambkin: no lambkin.config.json or template.yaml in ${dir}`);
    const missing = await runCli(["start", "--config", "nope.json"], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(`lambkin: no config file at ${join(dir, "nope.json")}`);
  });

  it("says when a module config has no default export", () =>
    expectConfigError("export const config = {};\n", /has no default export/, "lambkin.config.mjs"));
});

describe("invoke with nothing listening", () => {
  it("exits 1 and asks whether lambkin start is running", async () => {
    // A port that was free a moment ago: bind one, note it, release it.
    const port = await new Promise<number>((resolve) => {
      const server = createServer().listen(0, "127.0.0.1", () => {
        const { port } = server.address() as { port: number };
        server.close(() => resolve(port));
      });
    });
    const r = await runCli(["invoke", "echo", "--endpoint", `http://127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`lambkin: nothing answered at http://127.0.0.1:${port}`);
    expect(r.stderr).toContain("is `lambkin start` running?");
  });
});

describe("lambkin start, then invoke and list against it", () => {
  let lk: RunningLambkin;
  let dir: string;
  const invoke = (...args: string[]) => runCli(["invoke", ...args, "--endpoint", lk.url], { cwd: dir });

  beforeAll(async () => {
    ({ dir } = tempConfig());
    lk = await startCli([], { cwd: dir });
  });
  afterAll(async () => {
    await lk?.stop();
  });

  it("prints one ready line naming the engine and the Invoke API URL", () => {
    expect(lk.readyLine).toMatch(
      /^lambkin ready \(node \d+\.\d+\.\d+\) — Invoke API http:\/\/127\.0\.0\.1:\d+ · Function URLs http:\/\/127\.0\.0\.1:\d+ · 1 function$/,
    );
    expect(
      lk
        .output()
        .stdout.split("\n")
        .filter((l) => l.includes("ready (")).length,
    ).toBe(1);
  });

  it("prints the result's exact bytes when piped and exits 0", async () => {
    const r = await invoke("echo", "--payload", '{"a":[1,2]}');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^\{"echo":\{"a":\[1,2\]\},"pid":\d+\}$/);
  });

  it("reads the payload from a file and from stdin", async () => {
    const event = join(dir, "event.json");
    writeFileSync(event, '{"from":"file"}');
    const file = await invoke("echo", "--payload", `@${event}`);
    expect(file.code).toBe(0);
    expect(JSON.parse(file.stdout).echo).toEqual({ from: "file" });
    const stdin = await runCli(["invoke", "echo", "--payload", "-", "--endpoint", lk.url], {
      input: '{"from":"stdin"}',
    });
    expect(stdin.code).toBe(0);
    expect(JSON.parse(stdin.stdout).echo).toEqual({ from: "stdin" });
  });

  it("exits 1 on a function error and prints the error payload", async () => {
    const r = await invoke("echo", "--payload", '{"fail":"on purpose"}');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout)).toEqual({ errorType: "EchoError", errorMessage: "on purpose" });
    expect(r.stderr).toMatch(/lambkin: echo failed \(Unhandled, request id [0-9a-f-]{36}\)/);
  });

  it("exits 1 with the AWS error type for an unknown function", async () => {
    const r = await invoke("nope");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain("lambkin: ResourceNotFoundException: Function not found: arn:aws:lambda:");
    expect(r.stderr).toContain(":function:nope");
    expect(r.stdout).toBe("");
  });

  it("takes the endpoint from LAMBKIN_ENDPOINT", async () => {
    const r = await runCli(["invoke", "echo"], { env: { LAMBKIN_ENDPOINT: lk.url } });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).echo).toEqual({});
  });

  it("--tail prints the invocation's log on stderr", async () => {
    const r = await invoke("echo", "--tail", "--payload", '{"log":"tail me"}');
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^START RequestId: [0-9a-f-]{36}/m);
    expect(r.stderr).toContain("tail me");
    expect(r.stderr).toMatch(/^REPORT RequestId: /m);
  });

  it("Event queues the invocation and DryRun only checks it", async () => {
    const event = await invoke("echo", "--invocation-type", "Event", "--payload", '{"log":"queued event"}');
    expect(event.code).toBe(0);
    expect(event.stdout).toBe("");
    expect(event.stderr).toMatch(/lambkin: echo queued \(request id [0-9a-f-]{36}\)/);
    await lk.waitFor("queued event");
    const dry = await invoke("echo", "--invocation-type", "DryRun");
    expect(dry.code).toBe(0);
    expect(dry.stdout).toBe("");
  });

  it("prints the function logs tagged with time, function and request id", async () => {
    const r = await invoke("echo", "--payload", '{"log":"find this line"}');
    expect(r.code).toBe(0);
    await lk.waitFor("stderr: find this line");
    const lines = lk.output().stdout.split("\n");
    expect(lines).toContainEqual(
      expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} echo [0-9a-f]{8} find this line$/),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(/^\d\d:\d\d:\d\d\.\d{3} echo [0-9a-f]{8} START RequestId: /),
    );
    // No colour codes when piped (NO_COLOR is set by the helper, and stdout is not a TTY anyway).
    expect(lk.output().stdout).not.toContain("\x1b[");
  });

  it("pretty-prints JSON on a terminal", async () => {
    // `script` gives the CLI a pseudo-terminal as stdout; the terminal turns \n into \r\n.
    const command = [
      process.execPath,
      cliPath,
      "invoke",
      "echo",
      "--payload",
      '{"a":1}',
      "--endpoint",
      lk.url,
    ]
      .map((a) => `'${a}'`)
      .join(" ");
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn("script", ["-q", "-e", "-c", command, "/dev/null"], {
        stdio: ["pipe", "pipe", "inherit"],
      });
      let out = "";
      child.stdout.setEncoding("utf8").on("data", (d: string) => {
        out += d;
      });
      child.stdin.end();
      child.once("close", (code) => resolve({ code, out }));
    });
    expect(r.code).toBe(0);
    expect(r.out.replace(/\r\n/g, "\n")).toMatch(
      /^\{\n {2}"echo": \{\n {4}"a": 1\n {2}\},\n {2}"pid": \d+\n\}\n$/,
    );
  });

  it("list prints a table of the functions", async () => {
    const r = await runCli(["list", "--endpoint", lk.url]);
    expect(r.code).toBe(0);
    const [header, row] = r.stdout.trimEnd().split("\n");
    expect(header).toMatch(/^NAME\s+RUNTIME\s+HANDLER\s+TIMEOUT\s+MEMORY$/);
    expect(row).toMatch(/^echo\s+provided\.al2023\s+-\s+10s\s+128 MB$/);
  });

  it("refuses a second lambkin on the same port with a clear message", async () => {
    const port = new URL(lk.url).port;
    const r = await runCli(["start", "--port", port, "--url-port", "0"], { cwd: dir });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`port ${port} (the Invoke API): it is in use`);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});

describe("stopping", () => {
  it("SIGINT stops lambkin and every runtime process, exit 0", async () => {
    const { dir } = tempConfig();
    const lk = await startCli([], { cwd: dir });
    const r = await runCli(["invoke", "echo", "--endpoint", lk.url]);
    const { pid } = JSON.parse(r.stdout) as { pid: number };
    expect(process.kill(pid, 0)).toBe(true);
    const stopped = await lk.stop("SIGINT");
    expect(stopped.code).toBe(0);
    expect(stopped.stderr).toContain("lambkin: stopping…");
    expect(await gone(pid)).toBe(true);
  });

  it("a second SIGINT exits at once (130) and still kills the runtime", async () => {
    const { dir } = tempConfig();
    const lk = await startCli([], { cwd: dir });
    const r = await runCli(["invoke", "echo", "--endpoint", lk.url, "--payload", '{"ignoreTerm":true}']);
    const { pid } = JSON.parse(r.stdout) as { pid: number };
    lk.child.kill("SIGINT");
    // The runtime ignores SIGTERM, so the first stop waits out the grace period: interrupt it.
    await lk.waitFor("echo runtime ignores SIGTERM");
    const stopped = await lk.stop("SIGINT");
    expect(stopped.code).toBe(130);
    expect(stopped.stderr).toContain("lambkin: stopping…\nlambkin: stopping now\n");
    expect(await gone(pid)).toBe(true);
  });

  it("SIGTERM does the same", async () => {
    const { dir } = tempConfig();
    const lk = await startCli([], { cwd: dir });
    const r = await runCli(["invoke", "echo", "--endpoint", lk.url]);
    const { pid } = JSON.parse(r.stdout) as { pid: number };
    const stopped = await lk.stop("SIGTERM");
    expect(stopped.code).toBe(0);
    expect(await gone(pid)).toBe(true);
  });
});

describe("flags and formats", () => {
  it("--log-format json prints the ready event and one JSON object per log record", async () => {
    const { dir } = tempConfig();
    const lk = await startCli(["--log-format", "json"], { cwd: dir });
    const r = await runCli(["invoke", "echo", "--endpoint", lk.url, "--payload", '{"log":"as json"}']);
    expect(r.code).toBe(0);
    await lk.waitFor("stderr: as json");
    const stopped = await lk.stop();
    const records = stopped.stdout
      .trimEnd()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records[0]).toMatchObject({
      event: "ready",
      engine: "node",
      invokeUrl: lk.url,
      functions: ["echo"],
    });
    expect(records).toContainEqual(
      expect.objectContaining({
        functionName: "echo",
        stream: "stdout",
        line: "as json",
        requestId: expect.any(String),
      }),
    );
    expect(records).toContainEqual(
      expect.objectContaining({ stream: "platform", line: expect.stringMatching(/^START/) }),
    );
  });

  it("--port and --host override the config; colour can be forced", async () => {
    const { dir } = tempConfig({
      port: 1,
      urlPort: 0,
      host: "0.0.0.0",
      functions: { echo: { runtime: "provided", codeDir: echoDir } },
    });
    const lk = await startCli(["--port", "0", "--host", "127.0.0.1"], {
      cwd: dir,
      env: { FORCE_COLOR: "1" },
    });
    expect(lk.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(lk.url).not.toMatch(/:1$/);
    await runCli(["invoke", "echo", "--endpoint", lk.url, "--payload", '{"log":"coloured"}']);
    await lk.waitFor("coloured");
    const stopped = await lk.stop();
    // The function name in a colour, platform lines dimmed.
    expect(stopped.stdout).toMatch(/\x1b\[\d+mecho\x1b\[0m/);
    expect(stopped.stdout).toMatch(/\x1b\[2mSTART RequestId/);
  });

  it("loads a lambkin.config.ts on Node (through tsx) with code folders relative to it", async () => {
    const { dir } = tempConfig(
      `import type { LambkinConfig } from "@lambkin/core";\nconst port: number = 0;\nconst config: LambkinConfig = { port, urlPort: port, functions: { echo: { runtime: "provided", codeDir: ${JSON.stringify(relative(join(tmpdir(), "x"), echoDir))} } } };\nexport default config;\n`,
      "lambkin.config.ts",
    );
    const lk = await startCli([], { cwd: dir });
    const r = await runCli(["invoke", "echo", "--endpoint", lk.url]);
    expect(r.code).toBe(0);
    expect((await lk.stop()).code).toBe(0);
  });
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

// lambkin as a user installs it from npm: every published package packed (`npm pack`), installed
// into a fresh project outside the monorepo (`npm init -y`) with bun, deno and the AWS SDK from the
// registry; a Node (JavaScript and TypeScript), a Bun and a Deno function, and the `provided` one that
// `npx lambkin init --runtime provided` writes; `npx lambkin start`; each
// function invoked through `npx lambkin invoke`, the AWS SDK (the README's own snippet) and a
// Function URL; Ctrl-C; no process left. A second project, without bun and deno anywhere, checks
// that `npx lambkin start` refuses with the function, the engine and the fix.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { descendantsOf, waitUntilGone } from "../../integration/src/processes.ts";
import { pathWithout, repoRoot, run, serve, userEnv } from "./shell.ts";

const rootPackage = JSON.parse(readFileSync(join(repoRoot, "package.json"), "utf8"));
// The same engines and SDK the monorepo tests with.
const BUN = `bun@${rootPackage.devDependencies.bun}`;
const DENO = `deno@${rootPackage.devDependencies.deno}`;
const SDK = `@aws-sdk/client-lambda@${JSON.parse(readFileSync(join(repoRoot, "tests/integration/package.json"), "utf8")).devDependencies["@aws-sdk/client-lambda"]}`;

const work = mkdtempSync(join(tmpdir(), "lambkin-install-"));
const tarballs: string[] = [];

/** Every package under packages/ that is published (not private). */
function publishedPackages(): { dir: string; name: string }[] {
  const out: { dir: string; name: string }[] = [];
  for (const entry of readdirSync(join(repoRoot, "packages"))) {
    const dir = join(repoRoot, "packages", entry);
    let pkg: { name: string; private?: boolean };
    try {
      pkg = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    } catch {
      continue;
    }
    if (!pkg.private) out.push({ dir, name: pkg.name });
  }
  return out;
}

/** `n` distinct free ports: each listener stays open until all have their port. */
async function freePorts(n: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from(
      { length: n },
      () =>
        new Promise<ReturnType<typeof createServer>>((resolve) => {
          const server = createServer().listen(0, "127.0.0.1", () => resolve(server));
        }),
    ),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

/** A fresh project: `npm init -y`, then `npm install` of the tarballs and `extra` packages. */
async function freshProject(name: string, extra: string[]): Promise<string> {
  const dir = join(work, name);
  mkdirSync(dir);
  const init = await run("npm init -y", { cwd: dir });
  expect(init.status, init.stderr).toBe(0);
  const install = await run(`npm install --no-audit --no-fund ${[...tarballs, ...extra].join(" ")}`, {
    cwd: dir,
    timeoutMs: 420_000,
  });
  expect(install.status, `${install.stdout}\n${install.stderr}`).toBe(0);
  return dir;
}

function write(dir: string, path: string, text: string): void {
  const file = join(dir, path);
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, text);
}

/**
 * The Node (JavaScript and TypeScript), Bun and Deno functions: each greets `name` (Invoke payload
 * or a Function URL's query string). The shell one is `npx lambkin init --runtime provided`'s.
 */
function writeFunctions(dir: string): void {
  const greet = (engine: string, version: string) => `export const handler = async (event, context) => {
  const name = event?.name ?? event?.queryStringParameters?.name ?? "world";
  console.log("greeting", name);
  return { message: "Hello from ${engine}, " + name + "!", version: ${version}, requestId: context.awsRequestId };
};
`;
  write(dir, "functions/node/index.mjs", greet("node", "process.version"));
  write(dir, "functions/bun/index.ts", greet("bun", "Bun.version"));
  write(dir, "functions/deno/index.ts", greet("deno", "Deno.version.deno"));
  // TypeScript on Node runs through tsx, which the installed lambkin brings.
  write(
    dir,
    "functions/node-ts/index.ts",
    greet("node-ts", "process.version").replace(
      "async (event, context)",
      "async (event: { name?: string; queryStringParameters?: { name?: string } }, context: { awsRequestId: string })",
    ),
  );
}

/** The README's first ```ts block after `marker`. */
function readmeSnippet(marker: string): string {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const at = readme.indexOf(marker);
  expect(at, `README: ${marker}`).toBeGreaterThanOrEqual(0);
  return /```ts\n([\s\S]*?)```/.exec(readme.slice(at))![1]!;
}

beforeAll(async () => {
  const packed = join(work, "tarballs");
  mkdirSync(packed);
  for (const { dir } of publishedPackages()) {
    const out = await run(`npm pack --silent --pack-destination ${packed}`, { cwd: dir });
    expect(out.status, out.stderr).toBe(0);
    tarballs.push(join(packed, out.stdout.trim().split("\n").pop()!));
  }
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe("the packed packages", () => {
  it("each ship package.json, README, LICENSE and dist; the bins are in theirs", () => {
    expect(tarballs.length).toBeGreaterThanOrEqual(7);
    for (const tarball of tarballs) {
      const files = execFileSync("tar", ["-tzf", tarball], { encoding: "utf8" }).split("\n");
      for (const file of ["package/package.json", "package/README.md", "package/LICENSE"]) {
        expect(files, `${tarball}: ${file}`).toContain(file);
      }
      expect(
        files.some((f) => f.startsWith("package/dist/")),
        tarball,
      ).toBe(true);
      expect(
        files.some((f) => /\.test\./.test(f)),
        `${tarball} ships a test file`,
      ).toBe(false);
      const pkg = JSON.parse(
        execFileSync("tar", ["-xzOf", tarball, "package/package.json"], { encoding: "utf8" }),
      );
      for (const bin of Object.values<string>(pkg.bin ?? {})) {
        expect(files, `${tarball}: bin ${bin}`).toContain(`package/${bin.replace(/^\.\//, "")}`);
      }
      expect(readFileSync(join(repoRoot, "LICENSE"), "utf8")).toContain("MIT License");
      expect(pkg.license).toBe("MIT");
    }
  });
});

describe("a fresh project with the packed packages, bun and deno", () => {
  let dir: string;
  let port: number;
  let urlPort: number;
  let server: ReturnType<typeof serve>;
  // What each answers to `name`.
  const functions = {
    hello: (name: string) => `Hello from node, ${name}!`,
    "hello-ts": (name: string) => `Hello from node-ts, ${name}!`,
    "hello-bun": (name: string) => `Hello from bun, ${name}!`,
    "hello-deno": (name: string) => `Hello from deno, ${name}!`,
    "hello-sh": (name: string) => `Hello, ${name}!`,
  };

  beforeAll(async () => {
    dir = await freshProject("project", [BUN, DENO, SDK]);
    const init = await run("npx lambkin init --runtime provided --name hello-sh", { cwd: dir });
    expect(init.status, init.stderr).toBe(0);
    writeFunctions(dir);
    // Both held open at once: the kernel may hand out a port just released to the next bind.
    [port, urlPort] = (await freePorts(2)) as [number, number];
    write(
      dir,
      "lambkin.config.json",
      JSON.stringify({
        port,
        urlPort,
        functions: {
          // "hello" as in the README's AWS SDK snippet, which runs here as it is written.
          hello: { runtime: "node", codeDir: "functions/node", handler: "index.handler" },
          "hello-ts": { runtime: "node", codeDir: "functions/node-ts", handler: "index.handler" },
          "hello-bun": { runtime: "bun", codeDir: "functions/bun", handler: "index.handler" },
          "hello-deno": { runtime: "deno", codeDir: "functions/deno", handler: "index.handler" },
          "hello-sh": { runtime: "provided", codeDir: "functions/hello-sh" },
        },
      }),
    );
    server = serve("npx", ["lambkin", "start"], { cwd: dir });
    await server.waitFor(/lambkin ready/, 120_000);
  });

  afterAll(() => {
    // Only when a test failed before its Ctrl-C: nothing may outlive the suite.
    if (server?.child.exitCode === null && server.child.signalCode === null) {
      try {
        process.kill(-server.child.pid!, "SIGKILL");
      } catch {
        // already gone
      }
    }
  });

  it("npx lambkin start serves every function on the config's ports", () => {
    const line = server
      .output()
      .stdout.split("\n")
      .find((l) => l.includes("lambkin ready"))!;
    expect(line).toMatch(
      new RegExp(
        `^lambkin ready \\(node [\\d.]+\\) — Invoke API http://127\\.0\\.0\\.1:${port} · Function URLs http://127\\.0\\.0\\.1:${urlPort} · 5 functions$`,
      ),
    );
  });

  it("npx lambkin invoke reaches each function without flags", async () => {
    for (const [name, greeting] of Object.entries(functions)) {
      const r = await run(`npx lambkin invoke ${name} --payload '{"name":"you"}'`, {
        cwd: dir,
        timeoutMs: 60_000,
      });
      expect(r.status, `${name}: ${r.stderr}`).toBe(0);
      expect(JSON.parse(r.stdout)).toMatchObject({ message: greeting("you") });
    }
    const list = await run("npx lambkin list", { cwd: dir });
    expect(list.status, list.stderr).toBe(0);
    expect(list.stdout).toMatch(/^hello-sh\s+provided\.al2023/m);
  });

  it("the AWS SDK reaches each function, the README's snippet as written", async () => {
    // The README's snippet, with this run's port, then its result printed.
    const snippet = readmeSnippet("AWS client at it").replace(
      "http://127.0.0.1:3001",
      `http://127.0.0.1:${port}`,
    );
    write(
      dir,
      "readme-sdk.mjs",
      `${snippet}\nconsole.log(JSON.stringify({ status: out.StatusCode, payload: new TextDecoder().decode(out.Payload) }));\n`,
    );
    const readme = await run("node readme-sdk.mjs", { cwd: dir, timeoutMs: 60_000 });
    expect(readme.status, readme.stderr).toBe(0);
    const answer = JSON.parse(readme.stdout);
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.payload)).toMatchObject({ message: "Hello from node, world!" });

    write(
      dir,
      "sdk-all.mjs",
      `import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
const lambda = new LambdaClient({ endpoint: "http://127.0.0.1:${port}", region: "us-east-1", credentials: { accessKeyId: "x", secretAccessKey: "x" } });
for (const name of ${JSON.stringify(Object.keys(functions))}) {
  const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: JSON.stringify({ name: "sdk" }) }));
  console.log(JSON.stringify({ name, status: out.StatusCode, error: out.FunctionError, payload: new TextDecoder().decode(out.Payload) }));
}
`,
    );
    const all = await run("node sdk-all.mjs", { cwd: dir, timeoutMs: 60_000 });
    expect(all.status, all.stderr).toBe(0);
    const results = all.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(results.map((r) => r.name)).toEqual(Object.keys(functions));
    for (const r of results) {
      expect(r.status, r.name).toBe(200);
      expect(r.error, `${r.name}: ${r.payload}`).toBeUndefined();
      expect(JSON.parse(r.payload).message).toBe(functions[r.name as keyof typeof functions]("sdk"));
    }
  });

  it("a Function URL reaches each function", async () => {
    for (const [name, greeting] of Object.entries(functions)) {
      const response = await fetch(`http://127.0.0.1:${urlPort}/${name}/?name=url`);
      expect(response.status, name).toBe(200);
      expect(await response.json()).toMatchObject({ message: greeting("url") });
    }
  });

  it("the README's start() snippet returns what its comment says", async () => {
    write(dir, "src/hello/index.mjs", "export const handler = async (event) => ({ got: event });\n");
    const snippet = readmeSnippet("Or drive it from your own tests");
    const comment = /lk\.invoke\([^)]*\); \/\/ \{ ([^}]*) \}/.exec(snippet)?.[1];
    expect(comment, snippet).toBeDefined();
    write(dir, "readme-start.mjs", `${snippet}\nconsole.log(JSON.stringify(Object.keys(out)));\n`);
    const r = await run("node readme-start.mjs", { cwd: dir, timeoutMs: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    const keys: string[] = JSON.parse(r.stdout.trim().split("\n").pop()!);
    const documented = comment!.split(",").map((k) => k.trim());
    // Every key the code returns is documented; the ones it did not return here are optional (?).
    expect(keys.filter((k) => !documented.includes(k) && !documented.includes(`${k}?`))).toEqual([]);
    expect(documented.filter((k) => !k.endsWith("?") && !keys.includes(k))).toEqual([]);
  });

  it("Ctrl-C stops lambkin and leaves no process behind", async () => {
    const processes = descendantsOf(server.child.pid!);
    // npm exec, lambkin, and a runtime per function invoked (sh → curl for the shell one).
    expect(processes.length).toBeGreaterThanOrEqual(5);
    process.kill(-server.child.pid!, "SIGINT");
    const { code, signal } = await server.exited;
    // npm exec re-raises the SIGINT it got once lambkin has exited.
    expect(code === 0 || signal === "SIGINT", `exit ${code ?? signal}`).toBe(true);
    const { stderr } = server.output();
    expect(stderr).toContain("lambkin: stopping…");
    expect(stderr).not.toContain("stopping now");
    expect(await waitUntilGone(processes)).toEqual([]);
  });
});

describe("a fresh project without bun and deno", () => {
  it("npx lambkin start refuses, naming each function, its engine and the fix", async () => {
    const dir = await freshProject("no-engines", []);
    writeFunctions(dir);
    write(
      dir,
      "lambkin.config.json",
      JSON.stringify({
        port: 0,
        urlPort: 0,
        functions: {
          "hello-bun": { runtime: "bun", codeDir: "functions/bun", handler: "index.handler" },
          "hello-deno": { runtime: "deno", codeDir: "functions/deno", handler: "index.handler" },
        },
      }),
    );
    // A machine with neither: no bun or deno on PATH either.
    const env = userEnv();
    env.PATH = pathWithout(env.PATH!, ["bun", "deno"]);
    const r = await run("npx lambkin start", { cwd: dir, env, timeoutMs: 60_000 });
    expect(r.status).toBe(1);
    const bin = join(dir, "node_modules/.bin");
    expect(r.stderr).toContain(
      `lambkin: function "hello-bun" runs on bun, which is not in ${bin} nor on PATH: npm i -D bun, or install Bun on PATH (https://bun.sh)`,
    );
    expect(r.stderr).toContain(
      `lambkin: function "hello-deno" runs on deno, which is not in ${bin} nor on PATH: npm i -D deno, or install Deno on PATH (https://deno.com)`,
    );
    expect(r.stdout).not.toContain("lambkin ready");

    // A one-shot invoke (no lambkin running) refuses the same way.
    const once = await run(`npx lambkin invoke hello-bun --payload '{"name":"you"}'`, {
      cwd: dir,
      env,
      timeoutMs: 60_000,
    });
    expect(once.status).toBe(1);
    expect(once.stderr).toContain('lambkin: function "hello-bun" runs on bun, which is not in');

    // lambkin init says it before any start.
    const sub = join(dir, "bun-app");
    mkdirSync(sub);
    const init = await run("npx lambkin init --runtime bun", { cwd: sub, env });
    expect(init.status, init.stderr).toBe(0);
    expect(init.stdout).toContain(
      "First, the engine this function runs on:\n  npm i -D bun, or install Bun on PATH (https://bun.sh)\n",
    );

    // Hosting lambkin itself on a missing engine says the same fix.
    const host = await run("npx lambkin start --host-engine bun", { cwd: dir, env, timeoutMs: 60_000 });
    expect(host.status).toBe(1);
    expect(host.stderr).toMatch(
      /^lambkin: cannot start bun \(bun\): .*ENOENT.*: npm i -D bun, or install Bun on PATH/m,
    );
  });
});

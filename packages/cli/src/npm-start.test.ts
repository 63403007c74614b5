// `npm start` (scripts/start.mjs) as a user runs it: it builds, serves the root lambkin.config.json
// (every sample, on free ports here), prints how to call each function, and every line it prints
// runs as printed (`sh -c '<line>'` in the repository, as a user pastes it) and succeeds; so do
// the README's quick-start lines, with only their ports swapped for this run's. A terminal's Ctrl-C
// (SIGINT to the whole process group) stops it and leaves no process behind.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { expect, it } from "vitest";
import { alive, capture, collect, type Finished, gone, repoRoot } from "./_cli-process.ts";

/** Every live descendant of `pid`, from /proc (Linux). */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // The command name may hold spaces and parentheses: the fields after the last ")" are fixed.
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => {
    for (const c of children.get(p) ?? []) {
      out.push(c);
      walk(c);
    }
  };
  walk(pid);
  return out;
}

interface Shell extends Finished {
  line: string;
}

/**
 * Runs `line` with `sh -c` in the repository, as a user pasting it would. The host's AWS settings
 * are dropped so that only what the line itself says (credentials, region) counts.
 */
async function sh(line: string, env: Record<string, string> = {}): Promise<Shell> {
  const clean: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith("AWS_") && key !== "FORCE_COLOR") clean[key] = value;
  }
  Object.assign(clean, { NO_COLOR: "1", AWS_CONFIG_FILE: "/dev/null" }, env);
  clean.AWS_SHARED_CREDENTIALS_FILE = "/dev/null";
  clean.AWS_EC2_METADATA_DISABLED = "true";
  const child = spawn("sh", ["-c", line], { cwd: repoRoot, env: clean, stdio: ["ignore", "pipe", "pipe"] });
  return { line, ...(await collect(child, 90_000)) };
}

/** The command lines `npm start` printed under its "Call the functions:" heading. */
function printedLines(stdout: string): string[] {
  const from = stdout.indexOf("Call the functions:");
  const to = stdout.indexOf("Logs follow.", from);
  return stdout
    .slice(from, to)
    .split("\n")
    .filter((l) => l.startsWith("  "))
    .map((l) => l.trim());
}

/** The commands of the README's quick-start block after "`npm start` prints how to call": one per
 * line, backslash continuations joined; a `# AWS CLI vN` comment labels the command after it. */
function readmeLines(): { command: string; awsCli?: string }[] {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const at = readme.indexOf("`npm start` prints how to call");
  const block = /```sh\n([\s\S]*?)```/.exec(readme.slice(at))![1]!;
  const out: { command: string; awsCli?: string }[] = [];
  let label: string | undefined;
  for (const line of block.replace(/\\\n\s*/g, "").split("\n")) {
    const cli = /^# AWS CLI v(\d)/.exec(line);
    if (cli) label = cli[1];
    else if (line.trim() !== "" && !line.startsWith("#")) {
      out.push({ command: line, awsCli: line.includes("aws lambda") ? label : undefined });
    }
  }
  return out;
}

it("npm start serves every sample, every line it and the README print works, and Ctrl-C leaves nothing behind", async () => {
  // What `npm ci` links: the printed `npx lambkin …` lines run this bin (never a registry package).
  expect(
    existsSync(join(repoRoot, "node_modules/.bin/lambkin")),
    "run npm ci: node_modules/.bin/lambkin",
  ).toBe(true);
  const aws = spawnSync("aws", ["--version"], { encoding: "utf8" });
  const awsMajor = /aws-cli\/(\d+)/.exec(`${aws.stdout}${aws.stderr}`)?.[1];
  expect(awsMajor, "scripts/setup-system.sh installs the AWS CLI").toBeDefined();

  const child = spawn(process.execPath, ["scripts/start.mjs", "--port", "0", "--url-port", "0"], {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined },
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so that the test can signal the group as a terminal's Ctrl-C does.
    detached: true,
  });
  const output = capture(child);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  await expect.poll(() => output.stdout, { timeout: 240_000, interval: 200 }).toContain("Logs follow.");
  const { stdout } = output;

  const ready = /lambkin ready \(node [^)]+\) — Invoke API (\S+) · Function URLs (\S+) · 7 functions/.exec(
    stdout,
  );
  expect(ready, stdout + output.stderr).not.toBeNull();
  const [, invokeUrl, functionUrl] = ready!;

  const lines = printedLines(stdout);
  // On another port than the config's, the printed invoke lines say where lambkin is.
  const invokeLines = lines.filter((l) => l.startsWith("npx lambkin invoke "));
  expect(invokeLines.map((l) => l.split(" ")[3])).toEqual([
    "hello-node",
    "hello-ts",
    "hello-bun",
    "hello-deno",
    "hello-bash",
    "http-api",
    "streaming",
  ]);
  for (const line of invokeLines) expect(line).toContain(`--endpoint ${invokeUrl}`);
  // One `aws lambda invoke` line, for the CLI installed here, labelled with its version.
  const awsLines = lines.filter((l) => l.includes("aws lambda invoke"));
  expect(awsLines).toHaveLength(1);
  expect(awsLines[0]).toContain(`# AWS CLI v${awsMajor} (`);
  expect(awsLines[0]!.includes("--cli-binary-format"), awsLines[0]).toBe(awsMajor !== "1");
  expect(awsLines[0]).toMatch(
    /^AWS_ACCESS_KEY_ID=x AWS_SECRET_ACCESS_KEY=x aws lambda invoke --region us-east-1 /,
  );
  expect(lines.filter((l) => l.startsWith("curl "))).toHaveLength(5);
  // zsh (macOS's default shell) fails on an unquoted URL with a `?` ("no matches found").
  for (const line of lines) expect(line, "a URL with ? is quoted").not.toMatch(/ http\S*\?/);

  // Every printed line, exactly as printed (one at a time: they share out.json and the samples).
  rmSync(join(repoRoot, "out.json"), { force: true });
  const results = new Map<string, Shell>();
  for (const line of lines) {
    const r = await sh(line);
    expect(r.code, `${line}\n${r.stdout}\n${r.stderr}`).toBe(0);
    results.set(line, r);
  }
  const result = (start: string) => [...results.entries()].find(([l]) => l.startsWith(start))![1].stdout;
  expect(JSON.parse(result("npx lambkin invoke hello-node "))).toMatchObject({ message: "Hello, you!" });
  expect(JSON.parse(result("npx lambkin invoke hello-ts "))).toMatchObject({ items: 1, total: 6 });
  expect(JSON.parse(result("npx lambkin invoke hello-bun "))).toMatchObject({
    message: "Hello from Bun, you!",
  });
  expect(JSON.parse(result("npx lambkin invoke hello-deno "))).toMatchObject({ message: "Bonjour, you!" });
  expect(JSON.parse(result("npx lambkin invoke hello-bash "))).toMatchObject({ message: "Hello, you!" });
  expect(JSON.parse(result("npx lambkin invoke http-api "))).toMatchObject({ statusCode: 200 });
  expect(result("npx lambkin invoke streaming ")).toMatch(/step 3\/3 done\nfinished\n$/);
  expect(JSON.parse(result(`curl ${invokeUrl}/`))).toMatchObject({ message: "Hello, you!" });
  expect(JSON.parse(result("AWS_ACCESS_KEY_ID="))).toMatchObject({ StatusCode: 200 });
  expect(JSON.parse(readFileSync(join(repoRoot, "out.json"), "utf8"))).toMatchObject({
    message: "Hello, you!",
  });
  expect(JSON.parse(result(`curl '${functionUrl}/http-api/hello?`))).toEqual({ message: "Hello, you!" });
  expect(JSON.parse(result(`curl ${functionUrl}/http-api/todos`))).toMatchObject({ title: "try lambkin" });
  expect(result(`curl -N '${functionUrl}/streaming/?`)).toMatch(/step 5\/5 done\nfinished\n$/);
  expect(JSON.parse(result(`curl ${functionUrl}/hello-node/`))).toMatchObject({ message: "Hello, world!" });

  // The README's quick-start lines, with this run's ports for the defaults 3001 and 3000
  // (`lambkin invoke` is pointed at this run by LAMBKIN_ENDPOINT, which it honours before the
  // config's port). The `aws` lines run when they are the installed CLI's.
  const readme = readmeLines();
  expect(
    readme.some((l) => l.awsCli === awsMajor),
    "the README shows this AWS CLI's line",
  ).toBe(true);
  for (const { command, awsCli } of readme) {
    if (awsCli !== undefined && awsCli !== awsMajor) continue;
    const swapped = command
      .replaceAll("http://127.0.0.1:3001", invokeUrl!)
      .replaceAll("http://127.0.0.1:3000", functionUrl!);
    const r = await sh(swapped, { LAMBKIN_ENDPOINT: invokeUrl! });
    expect(r.code, `README: ${command}\n${r.stdout}\n${r.stderr}`).toBe(0);
    expect(r.stdout, `README: ${command}`).toMatch(/Hello|StatusCode/);
  }
  rmSync(join(repoRoot, "out.json"), { force: true });

  const processes = descendants(child.pid!);
  // lambkin itself plus at least one runtime per function (sh → bootstrap.sh → curl for bash).
  expect(processes.length).toBeGreaterThanOrEqual(7);
  process.kill(-child.pid!, "SIGINT");
  expect(await exited).toBe(0);
  expect(output.stderr).toContain("lambkin: stopping…");
  for (const pid of processes) expect(await gone(pid), `pid ${pid} still alive`).toBe(true);
  expect(processes.filter(alive)).toEqual([]);
}, 420_000);

it("npm start on a port in use names it, and says how to pass lambkin's flags through npm", async () => {
  const taken = createServer();
  const port = await new Promise<number>((resolve) =>
    taken.listen(0, "127.0.0.1", () => resolve((taken.address() as { port: number }).port)),
  );
  try {
    const child = spawn(process.execPath, ["scripts/start.mjs", "--port", String(port), "--url-port", "0"], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: undefined },
      stdio: ["ignore", "ignore", "pipe"],
    });
    const r = await collect(child);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `lambkin: cannot listen on 127.0.0.1 port ${port} (the Invoke API): it is in use`,
    );
    expect(r.stderr).toContain("npm start: lambkin's flags go after --: npm start -- --port 0 --url-port 0");
  } finally {
    taken.close();
  }
}, 240_000);

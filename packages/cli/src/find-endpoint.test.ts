// `lambkin invoke` and `lambkin list` find the lambkin that serves the working folder's config (or
// `--config`) on the config's port, as `lambkin start` found its config: unit tests of the order,
// then the real CLI started on a config's fixed port and invoked from that folder without flags.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { echoDir, type RunningLambkin, runCli, startCli } from "./_cli-process.ts";
import { endpointUrl, findEndpoint } from "./find-endpoint.ts";

/** A port that was free a moment ago: bind one, note it, release it. */
function freePort(): Promise<number> {
  return new Promise<number>((resolve) => {
    const server = createServer().listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function folderWith(config: unknown, file = "lambkin.config.json"): string {
  const dir = mkdtempSync(join(tmpdir(), "lambkin-endpoint-"));
  made.push(dir);
  writeFileSync(join(dir, file), typeof config === "string" ? config : JSON.stringify(config));
  return dir;
}

describe("findEndpoint", () => {
  const empty = mkdtempSync(join(tmpdir(), "lambkin-endpoint-"));
  made.push(empty);

  it("defaults to lambkin start's default port when there is no config", async () => {
    const found = await findEndpoint({}, {}, "invoke", empty);
    expect(found.url?.href).toBe("http://127.0.0.1:3001/");
  });

  it("reads the working folder's config port and host", async () => {
    const dir = folderWith({ port: 4123, functions: {} });
    const found = await findEndpoint({}, {}, "invoke", dir);
    expect(found.url?.href).toBe("http://127.0.0.1:4123/");
    expect(found.source).toBe("lambkin.config.json (port 4123)");
    expect(found.config?.file).toBe(join(dir, "lambkin.config.json"));
    const wildcard = folderWith({ port: 4124, host: "0.0.0.0", functions: {} });
    expect((await findEndpoint({}, {}, "list", wildcard)).url?.href).toBe("http://127.0.0.1:4124/");
  });

  it("reads a TypeScript config too, and takes 3001 when the config has no port", async () => {
    const dir = folderWith("export default { functions: {} };\n", "lambkin.config.ts");
    expect((await findEndpoint({}, {}, "invoke", dir)).url?.port).toBe("3001");
  });

  it("puts --endpoint first, then --config, then LAMBKIN_ENDPOINT, then the folder's config", async () => {
    const dir = folderWith({ port: 4125, functions: {} });
    const other = join(folderWith({ port: 4126, functions: {} }), "lambkin.config.json");
    const env = { LAMBKIN_ENDPOINT: "http://127.0.0.1:4127" };
    const at = async (flags: { endpoint?: string; config?: string }, e: Record<string, string> = env) =>
      (await findEndpoint(flags, e, "invoke", dir)).url?.port;
    expect(await at({ endpoint: "http://127.0.0.1:4128", config: other })).toBe("4128");
    expect(await at({ config: other })).toBe("4126");
    expect(await at({})).toBe("4127");
    expect(await at({}, {})).toBe("4125");
  });

  it("finds no URL when the config's port is 0, and says what to pass instead", async () => {
    const dir = folderWith({ port: 0, functions: {} });
    const found = await findEndpoint({}, {}, "invoke", dir);
    expect(found.url).toBeUndefined();
    expect(found.config?.file).toBe(join(dir, "lambkin.config.json"));
    expect(() => endpointUrl(found)).toThrow(/^lambkin.config.json sets "port": 0 .* pass --endpoint/);
  });

  it("reports a broken config as lambkin start would", async () => {
    const dir = folderWith('{ "port": 3001, }');
    await expect(findEndpoint({}, {}, "invoke", dir)).rejects.toThrow(
      /lambkin.config.json:1:\d+: invalid JSON/,
    );
  });
});

describe("invoke and list against the lambkin serving the working folder's config", () => {
  let lk: RunningLambkin;
  let dir: string;

  beforeAll(async () => {
    // The config must name a fixed port for invoke to find it.
    const port = await freePort();
    dir = folderWith({
      port,
      urlPort: 0,
      functions: { echo: { runtime: "provided", codeDir: echoDir, timeout: 10 } },
    });
    lk = await startCli([], { cwd: dir });
    expect(lk.url).toBe(`http://127.0.0.1:${port}`);
  });
  afterAll(async () => {
    await lk?.stop();
  });

  it("lambkin invoke needs no --endpoint", async () => {
    const r = await runCli(["invoke", "echo", "--payload", '{"found":true}'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).echo).toEqual({ found: true });
  });

  it("lambkin list needs no --endpoint, and --config works from another folder", async () => {
    const here = await runCli(["list"], { cwd: dir });
    expect(here.code, here.stderr).toBe(0);
    expect(here.stdout).toMatch(/^echo\s+provided\.al2023/m);
    const elsewhere = await runCli(["list", "--config", join(dir, "lambkin.config.json")], { cwd: tmpdir() });
    expect(elsewhere.code, elsewhere.stderr).toBe(0);
    expect(elsewhere.stdout).toMatch(/^echo\s+provided\.al2023/m);
  });

  it('lambkin invoke runs the function once from a config with "port": 0, lambkin list says to pass --endpoint', async () => {
    const dir = folderWith({
      port: 0,
      functions: { echo: { runtime: "provided", codeDir: echoDir, timeout: 10 } },
    });
    const r = await runCli(["invoke", "echo", "--payload", '{"once":true}'], { cwd: dir });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).echo).toEqual({ once: true });
    expect(r.stderr).toMatch(/ REPORT RequestId: /);
    const list = await runCli(["list"], { cwd: dir });
    expect(list.code).toBe(1);
    expect(list.stderr).toContain('lambkin: lambkin.config.json sets "port": 0');
  });

  it("lambkin list names the config when nothing answers on its port", async () => {
    const port = await freePort();
    const stopped = folderWith({ port, functions: {} });
    const r = await runCli(["list"], { cwd: stopped });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`lambkin: nothing answered at http://127.0.0.1:${port} (`);
    expect(r.stderr).toContain(`endpoint from lambkin.config.json (port ${port})`);
  });
});

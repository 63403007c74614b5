// Which engine runs each function, decided before lambkin starts: the project's node_modules/.bin
// first, then core's lookup, then PATH; a missing one refuses the start with the function, the
// engine and the fix. (The real refusal, in a project without bun, is in tests/install.)
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { EngineCommands } from "@lambkin/core";
import { afterAll, describe, expect, it } from "vitest";
import { functionEngines } from "./function-engines.ts";

const defaults: EngineCommands = {
  node: [process.execPath],
  bun: ["bun"],
  deno: ["deno", "run", "-A"],
  client: "/client/dist/runtime.js",
};

const projects: string[] = [];
afterAll(() => {
  for (const dir of projects.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A project folder in the system's temp folder, removed after the file's tests. */
function tempProject(): string {
  const dir = mkdtempSync(join(tmpdir(), "lambkin-engines-"));
  projects.push(dir);
  return dir;
}

function executableIn(dir: string, name: string): string {
  mkdirSync(dir, { recursive: true });
  const file = join(dir, name);
  writeFileSync(file, "#!/bin/sh\n");
  chmodSync(file, 0o755);
  return file;
}

const fns = (entries: Record<string, string>) =>
  new Map(Object.entries(entries).map(([name, runtime]) => [name, { runtime }]));

describe("functionEngines", () => {
  it("takes the project's node_modules/.bin, from the config's folder up", () => {
    const project = tempProject();
    const bun = executableIn(join(project, "node_modules/.bin"), "bun");
    const configDir = join(project, "services/api");
    mkdirSync(configDir, { recursive: true });
    const engines = functionEngines(fns({ b: "bun" }), defaults, "node", configDir, { PATH: "" });
    expect(engines.bun).toEqual([bun]);
    expect(engines.client).toBe(defaults.client);
  });

  it("falls back to PATH and keeps the engine's arguments", () => {
    const project = tempProject();
    const bin = join(project, "path-bin");
    const deno = executableIn(bin, "deno");
    const engines = functionEngines(fns({ d: "deno" }), defaults, "node", project, {
      PATH: `/nowhere:${bin}`,
    });
    expect(engines.deno).toEqual([deno, "run", "-A"]);
  });

  it("uses core's resolved package binary when the project has no bin", () => {
    const project = tempProject();
    const resolved = executableIn(join(project, "elsewhere"), "bun.exe");
    const engines = functionEngines(fns({ b: "bun" }), { ...defaults, bun: [resolved] }, "node", project, {
      PATH: "",
    });
    expect(engines.bun).toEqual([resolved]);
  });

  it("needs nothing for the engine hosting lambkin, or an engine no function uses", () => {
    const project = tempProject();
    const engines = functionEngines(fns({ b: "bun", p: "provided" }), defaults, "bun", project, { PATH: "" });
    expect(engines).toEqual(defaults);
  });

  it("refuses, naming each function, its engine and the fix", () => {
    const project = tempProject();
    const run = () =>
      functionEngines(fns({ a: "bun", b: "bun", c: "deno", d: "node" }), defaults, "node", project, {
        PATH: "",
      });
    expect(run).toThrow(
      `functions "a", "b" run on bun, which is not in ${project}/node_modules/.bin nor on PATH: npm i -D bun, or install Bun on PATH (https://bun.sh)\n` +
        `lambkin: function "c" runs on deno, which is not in ${project}/node_modules/.bin nor on PATH: npm i -D deno, or install Deno on PATH (https://deno.com)`,
    );
  });
});

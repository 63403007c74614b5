// `lambkin start --inspect a,b`: two debugged functions start together, each with an inspector of
// its own on a port of its own (the first free from 9229 up), reachable, and both answer.
// That the second does not wait for 9229 first is core's inspector.test.ts (logical time).
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { startCli, tempConfig } from "./_cli-process.ts";

describe("lambkin start --inspect with two functions", () => {
  it("gives each environment its own inspector port", async () => {
    const handler = "export const handler = async () => process.pid;\n";
    const { dir } = tempConfig({
      port: 0,
      urlPort: 0,
      functions: {
        a: { runtime: "node", codeDir: ".", handler: "a.handler" },
        b: { runtime: "node", codeDir: ".", handler: "b.handler" },
      },
    });
    writeFileSync(join(dir, "a.mjs"), handler);
    writeFileSync(join(dir, "b.mjs"), handler);
    const lk = await startCli(["--no-watch", "--inspect", "a,b"], { cwd: dir });
    try {
      const line = (fn: string) =>
        new RegExp(`Debugger: environment \\d+ of ${fn} listens on 127\\.0\\.0\\.1:(\\d+)`);
      await lk.waitFor(line("a"));
      await lk.waitFor(line("b"));
      const { stdout } = lk.output();
      const ports = ["a", "b"].map((fn) => Number(line(fn).exec(stdout)![1]));
      expect(new Set(ports).size).toBe(2);
      for (const port of ports) {
        expect(port).toBeGreaterThanOrEqual(9229);
        // The inspector listens a moment after the line is printed.
        let targets: unknown[] = [];
        for (let i = 0; i < 100 && targets.length === 0; i++) {
          targets = await fetch(`http://127.0.0.1:${port}/json/list`)
            .then((r) => r.json() as Promise<unknown[]>)
            .catch(() => new Promise<unknown[]>((resolve) => setTimeout(() => resolve([]), 50)));
        }
        expect(targets.length).toBeGreaterThan(0);
      }
      for (const fn of ["a", "b"]) {
        const res = await fetch(`${lk.url}/2015-03-31/functions/${fn}/invocations`, {
          method: "POST",
          body: "{}",
        });
        expect(res.status).toBe(200);
        expect(res.headers.get("x-amz-function-error")).toBeNull();
      }
    } finally {
      await lk.stop();
    }
  }, 60_000);
});

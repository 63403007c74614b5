/**
 * A sandbox per environment (bubblewrap, which scripts/setup-system.sh installs): a private /tmp of
 * the function's ephemeralStorage (512 MB by default; ENOSPC past it), the code folder read-only,
 * the host's home and folders outside the project out of sight. Part of the contract suite: it runs on
 * every host engine, against the contract config's "sandboxed" function.
 */
import { randomUUID } from "node:crypto";
import { existsSync, rmSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import type { ContractTarget } from "./suite.ts";

// A file of the repository outside the project (fixtures/) and the packages node_modules links:
// the sandbox shows a function its project, not everything beside it.
const outsideFile = fileURLToPath(new URL("../../../README.md", import.meta.url));

async function probe(url: string, payload: unknown): Promise<Record<string, unknown>> {
  const res = await fetch(`${url}/2015-03-31/functions/sandboxed/invocations`, {
    method: "POST",
    body: JSON.stringify({ sandboxProbe: payload }),
  });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return JSON.parse(text);
}

export function sandboxContract(target: () => ContractTarget): void {
  describe("sandbox", () => {
    it("gives each environment its own /tmp, the code folder read-only, no home and nothing outside the project", async () => {
      const { url } = target();
      const hostFile = join(tmpdir(), `lambkin-host-${randomUUID()}`);
      writeFileSync(hostFile, "host");
      // A file in the host's home (its folder may appear, empty, to hold a PATH entry under it).
      const home = join(homedir(), `.lambkin-sandbox-probe-${randomUUID()}`);
      writeFileSync(home, "secret");
      const mark = `mark-${randomUUID()}`;
      try {
        // Two environments at once (concurrency 2): each sees only its own /tmp.
        const [a, b] = await Promise.all([
          probe(url, { hostFile, home, outsideFile, mark, writeCode: true }),
          probe(url, { hostFile, home, outsideFile, mark, writeCode: true }),
        ]);
        for (const seen of [a, b]) {
          expect(seen).toMatchObject({
            tmpdir: "/tmp",
            seesHostFile: false,
            seesHome: false,
            seesOutside: false,
            sawMark: false,
            codeWritable: "EROFS",
          });
          expect(seen.taskRoot).toMatch(/\/fixtures\/behave$/);
        }
        expect(existsSync(join(tmpdir(), mark))).toBe(false);
      } finally {
        rmSync(hostFile, { force: true });
        rmSync(home, { force: true });
      }
    });

    it("sizes /tmp to ephemeralStorage: writing past 512 MB fails with ENOSPC", async () => {
      const seen = await probe(target().url, { fillTmp: true });
      expect(seen.fillError).toBe("ENOSPC");
      expect(seen.filledMB).toBeGreaterThanOrEqual(500);
      expect(seen.filledMB).toBeLessThanOrEqual(512);
    }, 60_000);
  });
}

// Event invocations are never lost: events accepted (202) by `lambkin start` are in its journal
// before the 202; after `kill -9` of lambkin, the next `lambkin start` of the same project runs
// the ones that had not finished, with their original request ids, and each event that finished
// before the kill does not run again.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, expect, it } from "vitest";
import { type LambkinCli, startLambkinCliWith } from "./lambkin-cli.ts";
import { descendantsOf, waitUntilGone } from "./processes.ts";

// Appends "<request id> <attempt-start>" to the file the event names, sleeps, then appends "done".
const HANDLER = `import { appendFileSync } from "node:fs";
export const handler = async (event, context) => {
  appendFileSync(event.file, context.awsRequestId + " start\\n");
  await new Promise((r) => setTimeout(r, event.ms));
  appendFileSync(event.file, context.awsRequestId + " done\\n");
  return {};
};
`;

let lk: LambkinCli | undefined;
let dir: string | undefined;
afterEach(async () => {
  await lk?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true });
});

it("runs the events a kill -9 interrupted on the next start, with their request ids", async () => {
  dir = await mkdtemp(join(tmpdir(), "lambkin-journal-"));
  await writeFile(join(dir, "index.mjs"), HANDLER);
  const config = {
    // The side file is in the host's /tmp: this function shares it.
    sandbox: false,
    functions: {
      slow: { runtime: "node", codeDir: dir, handler: "index.handler", concurrency: 1, timeout: 30 },
    },
  };
  await writeFile(join(dir, "lambkin.config.json"), JSON.stringify(config));
  const file = join(dir, "attempts.log");
  const start = () => startLambkinCliWith(["--config", join(dir!, "lambkin.config.json")], { cwd: dir! });

  lk = await start();
  const ids: string[] = [];
  for (let i = 0; i < 5; i++) {
    const res = await fetch(`${lk.url}/2015-03-31/functions/slow/invocations`, {
      method: "POST",
      headers: { "X-Amz-Invocation-Type": "Event" },
      body: JSON.stringify({ file, ms: 700 }),
    });
    expect(res.status).toBe(202);
    ids.push(res.headers.get("x-amzn-requestid")!);
  }
  // Let the first event finish, then kill lambkin hard while the others wait or run.
  for (let i = 0; i < 100; i++) {
    if ((await readFile(file, "utf8").catch(() => "")).includes(`${ids[0]} done`)) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const before = descendantsOf(lk.pid);
  process.kill(lk.pid, "SIGKILL");
  await waitUntilGone(before, 3000);
  const beforeRestart = await readFile(file, "utf8");

  lk = await start();
  const deadline = Date.now() + 20_000;
  let text = "";
  while (Date.now() < deadline) {
    text = await readFile(file, "utf8");
    if (ids.every((id) => text.includes(`${id} done`))) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  for (const id of ids) expect(text, `event ${id}`).toContain(`${id} done`);
  // The event that had finished before the kill ran once; none ran twice after the restart.
  expect(text.split(`${ids[0]} start`).length - 1).toBe(1);
  const after = text.slice(beforeRestart.length);
  for (const id of ids) expect(after.split(`${id} start`).length - 1).toBeLessThanOrEqual(1);
  expect(lk.records.some((r) => r.line.startsWith("Async event from the journal runs again"))).toBe(true);
}, 60_000);

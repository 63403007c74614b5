// Event destinations, as a user sets them in lambkin.config.json and runs `lambkin start` (hosted
// on Node, Bun and Deno): a handled event's record reaches the onSuccess function as its event; an
// event that fails every attempt lands once in the onFailure JSON-lines file with Lambda's record
// (RetriesExhausted, the error payload); an event accepted before a kill -9 is run after the
// restart and its record delivered once; one too old by then goes to onFailure as EventAgeExceeded.
// On the Node host also: a loop of destinations stops, and a SAM template's EventInvokeConfig is
// wired as its user starts it (lambkin start --template).
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { type LambkinCli, startLambkinCliWith } from "./lambkin-cli.ts";
import { descendantsOf, waitUntilGone } from "./processes.ts";

// `work` answers {echo} or throws Error(event.fail), after event.ms; `audit` appends the record it
// is invoked with to audit.jsonl (the host's /tmp: sandbox off).
const HANDLERS = `import { appendFileSync } from "node:fs";
export const work = async (event) => {
  if (event.ms) await new Promise((r) => setTimeout(r, event.ms));
  if (event.fail) throw new Error(event.fail);
  return { echo: event.id };
};
export const audit = async (record) => {
  appendFileSync(process.env.AUDIT_FILE, JSON.stringify(record) + "\\n");
  return {};
};
`;

let lk: LambkinCli | undefined;
let dir: string | undefined;
afterEach(async () => {
  await lk?.destroy();
  if (dir) await rm(dir, { recursive: true, force: true });
  lk = undefined;
  dir = undefined;
});

type Engine = "node" | "bun" | "deno";

async function project(): Promise<string> {
  dir = await mkdtemp(join(tmpdir(), "lambkin-destinations-"));
  await writeFile(join(dir, "index.mjs"), HANDLERS);
  const work = { runtime: "node", codeDir: ".", handler: "index.work", timeout: 30 };
  const config = {
    sandbox: false,
    // Retries after 0.2 s instead of Lambda's 1 and 2 minutes.
    asyncRetryDelays: [0.2],
    functions: {
      work: {
        ...work,
        maximumRetryAttempts: 1,
        destinations: { onSuccess: { function: "audit" }, onFailure: { file: "out/failed.jsonl" } },
      },
      // One at a time, so events queue up behind a slow one.
      slow: { ...work, concurrency: 1, destinations: { onSuccess: { file: "out/slow.jsonl" } } },
      audit: {
        runtime: "node",
        codeDir: ".",
        handler: "index.audit",
        environment: { AUDIT_FILE: join(dir, "audit.jsonl") },
      },
    },
  };
  await writeFile(join(dir, "lambkin.config.json"), JSON.stringify(config));
  return dir;
}

const start = (cwd: string, engine: Engine) =>
  startLambkinCliWith(["--config", join(cwd, "lambkin.config.json")], {
    cwd,
    hostEngine: engine,
    readyTimeoutMs: 30_000,
  });

async function sendEvent(url: string, fn: string, payload: unknown): Promise<string> {
  const res = await fetch(`${url}/2015-03-31/functions/${fn}/invocations`, {
    method: "POST",
    headers: { "X-Amz-Invocation-Type": "Event" },
    body: JSON.stringify(payload),
  });
  expect(res.status).toBe(202);
  return res.headers.get("x-amzn-requestid")!;
}

/** The JSON lines of `file` once `count` are there (fails after `timeoutMs`). */
async function linesOf(file: string, count: number, timeoutMs = 20_000): Promise<Record<string, any>[]> {
  const deadline = Date.now() + timeoutMs;
  let lines: string[] = [];
  while (Date.now() < deadline) {
    lines = (await readFile(file, "utf8").catch(() => "")).split("\n").filter((l) => l !== "");
    if (lines.length >= count) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  expect(lines.length, `lines of ${file}`).toBeGreaterThanOrEqual(count);
  return lines.map((l) => JSON.parse(l));
}

const ARN = "arn:aws:lambda:us-east-1:000000000000:function";

describe.each(["node", "bun", "deno"] as const)("Event destinations (host %s)", (engine) => {
  it("sends a handled event's record to the onSuccess function, and a failed one's to the onFailure file once", async () => {
    const cwd = await project();
    lk = await start(cwd, engine);
    const ok = await sendEvent(lk.url, "work", { id: "ok-1" });
    const failed = await sendEvent(lk.url, "work", { id: "bad-1", fail: "no stock" });

    const [success] = await linesOf(join(cwd, "audit.jsonl"), 1);
    expect(success).toMatchObject({
      version: "1.0",
      requestContext: {
        requestId: ok,
        functionArn: `${ARN}:work:$LATEST`,
        condition: "Success",
        approximateInvokeCount: 1,
      },
      requestPayload: { id: "ok-1" },
      responseContext: { statusCode: 200, executedVersion: "$LATEST" },
      responsePayload: { echo: "ok-1" },
    });
    expect(success!.responseContext).not.toHaveProperty("functionError");
    expect(Number.isNaN(Date.parse(success!.timestamp))).toBe(false);

    const [failure] = await linesOf(join(cwd, "out/failed.jsonl"), 1);
    expect(failure).toMatchObject({
      version: "1.0",
      requestContext: {
        requestId: failed,
        functionArn: `${ARN}:work:$LATEST`,
        condition: "RetriesExhausted",
        approximateInvokeCount: 2,
      },
      requestPayload: { id: "bad-1", fail: "no stock" },
      responseContext: { statusCode: 200, executedVersion: "$LATEST", functionError: "Unhandled" },
      responsePayload: { errorType: "Error", errorMessage: "no stock" },
    });
    // Ran twice (the first try and one retry), recorded once. (lambkin prints its log in batches:
    // the second START may reach its stdout after the record reached the file.)
    const starts = () => lk!.linesOf(failed).filter((l) => l.startsWith("START"));
    for (let i = 0; i < 50 && starts().length < 2; i++) await new Promise((r) => setTimeout(r, 100));
    expect(starts()).toHaveLength(2);
    await new Promise((r) => setTimeout(r, 500));
    expect(await linesOf(join(cwd, "out/failed.jsonl"), 1)).toHaveLength(1);
    expect(await linesOf(join(cwd, "audit.jsonl"), 1)).toHaveLength(1);
  }, 60_000);

  it("delivers once, after a kill -9 and restart, the records of events accepted before it", async () => {
    const cwd = await project();
    lk = await start(cwd, engine);
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push(await sendEvent(lk.url, "slow", { id: `e${i}`, ms: 600 }));
    await linesOf(join(cwd, "out/slow.jsonl"), 1);
    const before = descendantsOf(lk.pid);
    process.kill(lk.pid, "SIGKILL");
    await waitUntilGone(before, 3000);
    const delivered = await linesOf(join(cwd, "out/slow.jsonl"), 1);
    expect(delivered.length).toBeLessThan(4);

    lk = await start(cwd, engine);
    const records = await linesOf(join(cwd, "out/slow.jsonl"), 4);
    await new Promise((r) => setTimeout(r, 1500));
    const all = await linesOf(join(cwd, "out/slow.jsonl"), 4);
    const seen = all.map((r) => r.requestContext.requestId);
    expect(seen.sort()).toEqual([...ids].sort());
    expect(records.every((r) => r.requestContext.condition === "Success")).toBe(true);
    expect(records.map((r) => r.responsePayload.echo).sort()).toEqual(["e0", "e1", "e2", "e3"]);
  }, 60_000);

  it("sends an event that is too old when lambkin restarts to onFailure as EventAgeExceeded", async () => {
    const cwd = await project();
    // What a lambkin stopped seven hours ago left in its journal: an accepted event, never run.
    const receivedAt = Date.now() - 7 * 3600_000;
    const journal = { op: "accepted", fn: "work", requestId: "old-event-1", payload: btoa('{"id":"old"}') };
    await writeFile(join(cwd, "events.jsonl"), `${JSON.stringify({ ...journal, receivedAt })}\n`);
    const config = JSON.parse(await readFile(join(cwd, "lambkin.config.json"), "utf8"));
    await writeFile(
      join(cwd, "lambkin.config.json"),
      JSON.stringify({ ...config, eventJournal: "events.jsonl" }),
    );
    lk = await start(cwd, engine);
    const [record] = await linesOf(join(cwd, "out/failed.jsonl"), 1);
    expect(record).toEqual({
      version: "1.0",
      timestamp: expect.any(String),
      requestContext: {
        requestId: "old-event-1",
        functionArn: `${ARN}:work:$LATEST`,
        condition: "EventAgeExceeded",
        approximateInvokeCount: 0,
      },
      requestPayload: { id: "old" },
    });
    expect(lk.linesOf("old-event-1").some((l) => l.startsWith("START"))).toBe(false);
  }, 60_000);
});

it("stops functions that are each other's onSuccess destination after 16 invocations", async () => {
  dir = await mkdtemp(join(tmpdir(), "lambkin-destinations-loop-"));
  const fn = (other: string) => ({
    runtime: "node",
    codeDir: ".",
    handler: "index.audit",
    environment: { AUDIT_FILE: join(dir!, "runs.jsonl") },
    destinations: { onSuccess: { function: other } },
  });
  await writeFile(join(dir, "index.mjs"), HANDLERS);
  const config = { sandbox: false, functions: { ping: fn("pong"), pong: fn("ping") } };
  await writeFile(join(dir, "lambkin.config.json"), JSON.stringify(config));
  lk = await start(dir, "node");
  await sendEvent(lk.url, "ping", { hop: 0 });
  const stopped = await lk.waitForRecord((r) => r.line.includes("lambkin stops such a loop at 16"), 30_000);
  expect(stopped.line).toMatch(
    /^Async event record \(Success\) not delivered to onSuccess function p[io]ng: /,
  );
  await new Promise((r) => setTimeout(r, 1000));
  // The caller's event and 15 records, each invoked once: ping, pong, ping, …
  expect(await linesOf(join(dir, "runs.jsonl"), 16)).toHaveLength(16);
}, 60_000);

it("wires a SAM template's EventInvokeConfig Lambda destination, and says once that an SQS one is not run", async () => {
  dir = await mkdtemp(join(tmpdir(), "lambkin-destinations-sam-"));
  await writeFile(join(dir, "index.mjs"), HANDLERS);
  await writeFile(
    join(dir, "template.yaml"),
    `AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Orders:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: .
      Handler: index.work
      Runtime: nodejs22.x
      EventInvokeConfig:
        MaximumRetryAttempts: 0
        DestinationConfig:
          OnSuccess: { Type: Lambda, Destination: !GetAtt Audit.Arn }
          OnFailure: { Type: SQS, Destination: arn:aws:sqs:us-east-1:123456789012:failed }
  Audit:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: .
      Handler: index.audit
      Runtime: nodejs22.x
      Environment:
        Variables:
          AUDIT_FILE: ${join(dir, "audit.jsonl")}
`,
  );
  // The audit function writes into the project folder: outside the sandbox.
  lk = await startLambkinCliWith(["--template", "template.yaml", "--no-sandbox"], { cwd: dir });
  const ok = await sendEvent(lk.url, "Orders", { id: "sam-1" });
  const [record] = await linesOf(join(dir, "audit.jsonl"), 1);
  expect(record).toMatchObject({
    requestContext: { requestId: ok, functionArn: `${ARN}:Orders:$LATEST`, condition: "Success" },
    responsePayload: { echo: "sam-1" },
  });
  const warning =
    "Orders.Properties.EventInvokeConfig.DestinationConfig.OnFailure: the SQS destination is not run locally";
  expect(lk.output().split(warning).length - 1).toBe(1);
}, 60_000);

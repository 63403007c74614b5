import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

// The soak's project, as a user writes one: a handler file and a lambkin.config.json in one
// folder, which is also the functions' code folder. Every payload carries a unique `id` that the
// answer must echo; `ev` notes each run of an Event in a side file (it runs outside the sandbox;
// the other functions run in it, lambkin's default), and its destinations are files. The journal and the destination files sit
// in the code folder on purpose: lambkin must not take its own writes for code changes.

/** Lines a flooding invocation prints (about 220 bytes each). */
export const FLOOD_LINES = 2000;
/** Bytes of an oversize response: past Lambda's 6 MB. */
export const OVERSIZE_BYTES = 6 * 1024 * 1024 + 1024;

const HANDLERS = `import { appendFileSync } from "node:fs";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export const work = async (event) => {
  if (event.kind === "error") throw new Error("soak failure " + event.id);
  if (event.kind === "oversize") return { id: event.id, pad: "x".repeat(${OVERSIZE_BYTES}) };
  if (event.kind === "flood") {
    const line = event.id + " " + "f".repeat(200);
    for (let i = 0; i < ${FLOOD_LINES}; i++) console.log(line);
  }
  return { id: event.id, kind: event.kind };
};

export const crash = async () => {
  process.exit(3);
};

// Its timeout is 1 s.
export const slow = async (event) => {
  await sleep(10_000);
  return { id: event.id };
};

// Through a Function URL (an HTTP event, RESPONSE_STREAM) or InvokeWithResponseStream.
export const streamer = awslambda.streamifyResponse(async (event, responseStream) => {
  const http = event?.requestContext?.http;
  const input = http ? JSON.parse(event.isBase64Encoded ? atob(event.body) : event.body) : event;
  const out = http
    ? awslambda.HttpResponseStream.from(responseStream, { statusCode: 200, headers: { "content-type": "text/plain" } })
    : responseStream;
  for (let i = 0; i < 3; i++) {
    out.write(input.id + " chunk " + i + "\\n");
    await sleep(5);
  }
  out.end(input.id + " end\\n");
});

export const ev = async (event, context) => {
  appendFileSync(process.env.SOAK_RUNS, event.id + " " + context.awsRequestId + " " + Date.now() + "\\n");
  if (event.fail) throw new Error("event failure " + event.id);
  return { id: event.id };
};
`;

export interface Project {
  dir: string;
  config: string;
  /** Where `ev` notes each run: `<payload id> <request id> <epoch ms>` per line. */
  runs: string;
  onSuccess: string;
  onFailure: string;
}

/** Writes the project into `dir`; `tag` marks every process of this run (see processes.ts). */
export async function writeProject(dir: string, tag: string): Promise<Project> {
  await mkdir(join(dir, ".soak"), { recursive: true });
  await writeFile(join(dir, "soak.mjs"), HANDLERS);
  const project: Project = {
    dir,
    config: join(dir, "lambkin.config.json"),
    runs: join(dir, ".soak/runs.log"),
    onSuccess: join(dir, "destinations/success.jsonl"),
    onFailure: join(dir, "destinations/failure.jsonl"),
  };
  const fn = (handler: string, more: object = {}) => ({
    runtime: "node",
    codeDir: ".",
    handler: `soak.${handler}`,
    environment: { SOAK_RUN: tag, SOAK_RUNS: project.runs },
    queueSize: 1000,
    ...more,
  });
  const config = {
    // A failed event is retried once, 0.1 s later (Lambda: twice, after 1 and 2 minutes).
    asyncRetryDelays: [0.1],
    eventJournal: "journal/events.jsonl",
    functions: {
      work: fn("work"),
      crash: fn("crash"),
      slow: fn("slow", { timeout: 1 }),
      streamer: fn("streamer"),
      // Outside the sandbox (the default for the others): it notes its runs in the project folder.
      ev: fn("ev", {
        sandbox: false,
        maximumRetryAttempts: 1,
        queueSize: 100_000,
        destinations: {
          onSuccess: { file: "destinations/success.jsonl" },
          onFailure: { file: "destinations/failure.jsonl" },
        },
      }),
    },
  };
  await writeFile(project.config, `${JSON.stringify(config, null, 2)}\n`);
  return project;
}

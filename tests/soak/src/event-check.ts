import { readFile } from "node:fs/promises";
import { isFailingEvent } from "./calls.ts";
import type { Project } from "./project.ts";

// Every Event the soak got a 202 for must reach its destination exactly once, with the record
// Lambda would send, and must have run the number of times its outcome needs (once; twice for a
// failing one: the try and one retry). Two things the kill may add, counted apart and allowed:
// an event whose run had started when lambkin was killed runs again after the restart (at least
// once, as on Lambda), and an event whose 202 the kill cut off was sent again by the caller, so
// its payload may arrive twice, under two request ids.

export interface EventFigures {
  /** Events the callers got a 202 for. */
  accepted: number;
  /** Records in the destination files. */
  delivered: number;
  /** Accepted events with no record. */
  lost: number;
  /** Request ids with more than one record. */
  duplicated: number;
  /** Records of events whose 202 was cut by the kill (the caller sent the payload again). */
  resentAfterCut: number;
  /** Records of the wrong condition, count, payload, or for no event the soak sent. */
  wrongRecords: number;
  /** Runs of accepted events noted by the function. */
  runs: number;
  /** Runs more than needed, of events whose run had begun before the kill. */
  reRunAfterKill: number;
  /** Events that ran a wrong number of times otherwise. */
  unexplainedRuns: number;
}

interface RecordLine {
  requestContext: {
    requestId: string;
    condition: string;
    approximateInvokeCount: number;
    functionArn: string;
  };
  requestPayload: { id: string; fail: boolean };
  responseContext?: { functionError?: string };
  responsePayload?: { id?: string; errorMessage?: string };
}

const readLines = async (file: string) =>
  (await readFile(file, "utf8").catch(() => "")).split("\n").filter((line) => line !== "");

async function records(project: Project): Promise<RecordLine[]> {
  const lines = [...(await readLines(project.onSuccess)), ...(await readLines(project.onFailure))];
  return lines.map((line) => JSON.parse(line) as RecordLine);
}

export async function checkEvents(
  project: Project,
  accepted: ReadonlyMap<string, string>,
  cutEvents: ReadonlySet<string>,
  /** When the second lambkin started: runs before it were the killed lambkin's (its runtimes finish the handler they were in until the watchdog ends them). */
  restartedAt: number,
  problem: (text: string) => void,
): Promise<EventFigures> {
  // Wait until every accepted event has a record (a minute without progress is enough).
  let seen = 0;
  let lastProgress = Date.now();
  while (Date.now() - lastProgress < 60_000) {
    const ids = new Set((await records(project)).map((r) => r.requestContext.requestId));
    const have = [...accepted.keys()].filter((id) => ids.has(id)).length;
    if (have === accepted.size) break;
    if (have > seen) {
      seen = have;
      lastProgress = Date.now();
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  // Anything still to come (a duplicate) has had a moment to arrive.
  await new Promise((r) => setTimeout(r, 1000));

  const all = await records(project);
  const byRequest = new Map<string, RecordLine[]>();
  for (const r of all) {
    const list = byRequest.get(r.requestContext.requestId) ?? [];
    list.push(r);
    byRequest.set(r.requestContext.requestId, list);
  }
  const figures: EventFigures = {
    accepted: accepted.size,
    delivered: all.length,
    lost: 0,
    duplicated: 0,
    resentAfterCut: 0,
    wrongRecords: 0,
    runs: 0,
    reRunAfterKill: 0,
    unexplainedRuns: 0,
  };
  const wrong = (r: RecordLine, why: string) => {
    figures.wrongRecords++;
    problem(`event record ${r.requestContext.requestId}: ${why}: ${JSON.stringify(r).slice(0, 300)}`);
  };
  for (const [requestId, list] of byRequest) {
    const payloadId = list[0]!.requestPayload.id;
    if (!accepted.has(requestId)) {
      if (cutEvents.has(payloadId)) figures.resentAfterCut++;
      else wrong(list[0]!, "no such event was accepted");
    }
    if (list.length > 1) {
      figures.duplicated++;
      problem(`event ${requestId} (${payloadId}): ${list.length} records`);
    }
    for (const r of list) {
      const fails = isFailingEvent(payloadId);
      const condition = fails ? "RetriesExhausted" : "Success";
      if (r.requestContext.condition !== condition) wrong(r, `condition is not ${condition}`);
      else if (!r.requestContext.functionArn.endsWith(":function:ev:$LATEST")) wrong(r, "functionArn");
      else if (fails && r.responsePayload?.errorMessage !== `event failure ${payloadId}`) wrong(r, "error");
      else if (!fails && r.responsePayload?.id !== payloadId) wrong(r, "response payload");
    }
  }
  for (const [requestId, payloadId] of accepted) {
    if (!byRequest.has(requestId)) {
      figures.lost++;
      problem(`event ${requestId} (${payloadId}): accepted, no record`);
    }
  }

  const runs = new Map<string, number[]>();
  for (const line of await readLines(project.runs)) {
    const [, requestId, at] = line.split(" ");
    runs.set(requestId!, [...(runs.get(requestId!) ?? []), Number(at)]);
  }
  for (const [requestId, payloadId] of accepted) {
    const times = runs.get(requestId) ?? [];
    figures.runs += times.length;
    const needed = isFailingEvent(payloadId) ? 2 : 1;
    if (times.length === needed) continue;
    if (times.length > needed && times.some((t) => t < restartedAt)) figures.reRunAfterKill++;
    else {
      figures.unexplainedRuns++;
      problem(`event ${requestId} (${payloadId}) ran ${times.length} times, needed ${needed}`);
    }
  }
  return figures;
}

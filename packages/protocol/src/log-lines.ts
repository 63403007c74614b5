/**
 * The platform log lines Lambda prints around each invoke, in the text form (tab separated) and
 * the JSON form used when a function's log format is `JSON`.
 */
import { LATEST } from "./ids.ts";

export type LogFormat = "Text" | "JSON";

export interface ReportFields {
  requestId: string;
  durationMs: number;
  memorySizeMB: number;
  maxMemoryUsedMB: number;
  /** Present on a cold start only. */
  initDurationMs?: number;
  /** Absent on success. */
  status?: "timeout" | "error";
  /** With `status: "error"`: the error type (e.g. `Runtime.ExitError`). */
  errorType?: string;
}

/** Billed Duration = ceil(Duration + Init Duration on a cold start), in whole ms. */
export function billedDurationMs(fields: Pick<ReportFields, "durationMs" | "initDurationMs">): number {
  return Math.ceil(fields.durationMs + (fields.initDurationMs ?? 0));
}

export function startLine(requestId: string, version: string = LATEST): string {
  return `START RequestId: ${requestId} Version: ${version}`;
}

export function endLine(requestId: string): string {
  return `END RequestId: ${requestId}`;
}

export function reportLine(f: ReportFields): string {
  let line =
    `REPORT RequestId: ${f.requestId}\tDuration: ${f.durationMs.toFixed(2)} ms` +
    `\tBilled Duration: ${billedDurationMs(f)} ms\tMemory Size: ${f.memorySizeMB} MB` +
    `\tMax Memory Used: ${Math.round(f.maxMemoryUsedMB)} MB`;
  if (f.initDurationMs !== undefined) line += `\tInit Duration: ${f.initDurationMs.toFixed(2)} ms`;
  if (f.status === "timeout") line += "\tStatus: timeout";
  else if (f.status === "error")
    line += `\tStatus: error${f.errorType ? `\tError Type: ${f.errorType}` : ""}`;
  return line;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** `{"time","type":"platform.start","record":{"requestId","version"}}` */
export function startRecord(requestId: string, time: Date = new Date(), version: string = LATEST): string {
  return JSON.stringify({ time: time.toISOString(), type: "platform.start", record: { requestId, version } });
}

/** `{"time","type":"platform.runtimeDone","record":{"requestId","status"}}` — the JSON form's END. */
export function runtimeDoneRecord(
  requestId: string,
  status: "success" | "error" | "timeout" | "failure" = "success",
  time: Date = new Date(),
): string {
  return JSON.stringify({
    time: time.toISOString(),
    type: "platform.runtimeDone",
    record: { requestId, status },
  });
}

/** `{"time","type":"platform.report","record":{"requestId","metrics":{…},"status"}}` */
export function reportRecord(f: ReportFields, time: Date = new Date()): string {
  const metrics: Record<string, number> = {
    durationMs: round2(f.durationMs),
    billedDurationMs: billedDurationMs(f),
    memorySizeMB: f.memorySizeMB,
    maxMemoryUsedMB: Math.round(f.maxMemoryUsedMB),
  };
  if (f.initDurationMs !== undefined) metrics.initDurationMs = round2(f.initDurationMs);
  const record: Record<string, unknown> = { requestId: f.requestId, metrics, status: f.status ?? "success" };
  if (f.errorType) record.errorType = f.errorType;
  return JSON.stringify({ time: time.toISOString(), type: "platform.report", record });
}

/**
 * How `lambkin start` prints log records: readable text (coloured on a terminal) or one JSON object
 * per record for tools.
 *
 *   10:42:07.123 hello-node  1f0c2a9e INFO hello { name: 'you' }
 *   10:42:07.125 hello-node  1f0c2a9e REPORT RequestId: …  Duration: 2.10 ms …
 */
import type { LogRecord, LogSink } from "@lambkin/core";

export type LogFormat = "text" | "json";

/**
 * Colour when stdout is a terminal, unless NO_COLOR is set; FORCE_COLOR wins both ways
 * (`FORCE_COLOR=0` turns colour off), as https://no-color.org and https://force-color.org say.
 */
export function useColour(env: Record<string, string | undefined>, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== "0" && force !== "false";
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  return isTTY;
}

const esc = (code: string) => (text: string) => `\x1b[${code}m${text}\x1b[0m`;
export const dim = esc("2");
export const bold = esc("1");
const red = esc("31");
// Six colours that read on dark and light terminals; red is kept for stderr.
const PALETTE = ["36", "35", "33", "32", "34", "96"].map(esc);

/** The same function gets the same colour on every run (a hash of its name, not its order). */
export function colourFor(name: string): (text: string) => string {
  let hash = 2166136261;
  for (let i = 0; i < name.length; i++) hash = Math.imul(hash ^ name.charCodeAt(i), 16777619);
  return PALETTE[(hash >>> 0) % PALETTE.length]!;
}

const pad2 = (n: number) => String(n).padStart(2, "0");

/** `HH:MM:SS.mmm` in local time: a developer reads it next to their own clock. */
export function clock(time: number): string {
  const d = new Date(time);
  return `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}.${String(d.getMilliseconds()).padStart(3, "0")}`;
}

/**
 * Node's Lambda console lines start with `<ISO time>\t<request id>\t`; the text format already
 * shows both, so they are dropped there (the level and message stay).
 */
function withoutLambdaPrefix(line: string, requestId: string | undefined): string {
  if (requestId === undefined) return line;
  const tab = line.indexOf("\t");
  if (tab !== 24 || !/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(line.slice(0, tab))) return line;
  const prefix = `\t${requestId}\t`;
  return line.startsWith(prefix, tab) ? line.slice(tab + prefix.length).replace("\t", " ") : line;
}

export interface TextSinkOptions {
  colour: boolean;
  /** Function names, to align the columns on the longest. */
  functionNames: readonly string[];
  write: (text: string) => void;
}

export function textSink({ colour, functionNames, write }: TextSinkOptions): LogSink {
  const width = Math.max(0, ...functionNames.map((n) => n.length));
  const names = new Map<string, string>();
  const nameOf = (name: string) => {
    let shown = names.get(name);
    if (shown === undefined) {
      const padded = name.padEnd(width);
      shown = colour ? colourFor(name)(padded) : padded;
      names.set(name, shown);
    }
    return shown;
  };
  return (r: LogRecord) => {
    const id = r.requestId === undefined ? "--------" : r.requestId.slice(0, 8);
    let line = r.stream === "platform" ? r.line : withoutLambdaPrefix(r.line, r.requestId);
    if (colour && r.stream === "platform") line = dim(line);
    else if (colour && r.stream === "stderr") line = red(line);
    const time = clock(r.time);
    const head = `${colour ? dim(time) : time} ${nameOf(r.functionName)} ${colour ? dim(id) : id} `;
    // Lambda's runtimes keep a multi-line message in one record by writing its newlines as "\r"
    // (CloudWatch shows them as line breaks); a terminal would overwrite the line instead.
    if (line.includes("\r")) line = line.split("\r").join(`\n${" ".repeat(13 + width + 10)}`);
    write(`${head}${line}\n`);
  };
}

export function jsonSink(write: (text: string) => void): LogSink {
  return (r: LogRecord) => {
    write(
      `${JSON.stringify({
        time: new Date(r.time).toISOString(),
        functionName: r.functionName,
        requestId: r.requestId ?? null,
        stream: r.stream,
        line: r.line,
      })}\n`,
    );
  };
}

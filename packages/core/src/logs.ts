/**
 * Runtime output and platform lines: split a process's stdout/stderr into lines, tag each with its
 * function and current request id, hand them to the log sink, and keep an invocation's own lines
 * for `X-Amz-Log-Type: Tail`.
 */
import { LOG_TAIL_BYTES } from "@lambkin/protocol";

export interface LogRecord {
  /** Epoch ms. */
  time: number;
  functionName: string;
  /** The invocation in flight when the line was written, if any. */
  requestId: string | undefined;
  /** `platform` for lambkin's own START/END/REPORT and lifecycle lines. */
  stream: "stdout" | "stderr" | "platform";
  line: string;
}

/**
 * Where log records go. A sink whose output is behind (a terminal or pipe reading slower than a
 * function prints) says so through `ready`: lambkin then stops reading the runtime's stdout and
 * stderr until it resolves, so the runtime's own writes block, as on a full pipe on AWS, and
 * nothing piles up in lambkin's memory.
 */
export type LogSink = ((record: LogRecord) => void) & {
  /** A promise while the sink is behind (resolves when it has caught up), else undefined. */
  ready?: () => Promise<void> | undefined;
};

export interface BatchedWriter {
  (text: string): void;
  /** Writes what is pending now. */
  flush(): void;
  /** A promise while the output is behind, else undefined (see LogSink.ready). */
  ready(): Promise<void> | undefined;
}

/**
 * Collects text and hands it to `write` in batches: at most every `delayMs`, or once 64 KB are
 * pending. Every invoke prints three platform lines and whatever the function logs; one write per
 * line costs a syscall each (console and stdout are synchronous on pipes and files), a large share
 * of an invoke's cost. Lines still appear in order, a few milliseconds later at most.
 */
export function batchedWriter(
  write: (text: string) => void,
  delayMs = 10,
  /** After a write: a promise while the output has not taken it all yet (e.g. a stream's 'drain'). */
  drained?: () => Promise<void> | undefined,
): BatchedWriter {
  let pending: string[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let behind: Promise<void> | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const text = pending.join("");
    pending = [];
    size = 0;
    write(text);
    if (drained && behind === undefined) {
      const wait = drained();
      if (wait) {
        behind = wait.then(() => {
          behind = undefined;
        });
      }
    }
  };
  const writer = (text: string) => {
    pending.push(text);
    size += text.length;
    if (size >= 65_536) flush();
    else if (timer === undefined) {
      timer = setTimeout(flush, delayMs);
      // Pending log lines alone must not keep the host alive; close() flushes them.
      (timer as { unref?: () => void }).unref?.();
    }
  };
  writer.flush = flush;
  // Also behind while a full batch waits for its timer: readers should not outrun the writer.
  writer.ready = () => behind;
  return writer;
}

const consoleWriter = batchedWriter((text) => console.log(text.slice(0, -1)));

/** The default sink: one plain line per record on stdout, prefixed with the function name. */
export const consoleSink: LogSink & { flush(): void } = Object.assign(
  (r: LogRecord) => consoleWriter(`[${r.functionName}] ${r.line}\n`),
  { flush: consoleWriter.flush },
);

export const silentSink: LogSink = () => {};

/** Writes one of lambkin's own lines (stream `platform`) about `functionName` to `log`, stamped now. */
export function platformLine(
  log: LogSink,
  functionName: string,
  requestId: string | undefined,
  line: string,
): void {
  log({ time: Date.now(), functionName, requestId, stream: "platform", line });
}

/**
 * Reads a byte stream to its end and calls `onLine` for each line (without its `\n` or `\r\n`).
 * A last line without a newline is delivered when the stream ends.
 */
export async function readLines(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
  /** Back-pressure: when it returns a promise, no more is read until it resolves. */
  ready?: () => Promise<void> | undefined,
): Promise<void> {
  const decoder = new TextDecoder();
  let pending = "";
  const reader = stream.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      pending += decoder.decode(value, { stream: true });
      let nl = pending.indexOf("\n");
      let start = 0;
      while (nl >= 0) {
        const end = nl > start && pending.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        emit(pending.slice(start, end), onLine);
        start = nl + 1;
        nl = pending.indexOf("\n", start);
      }
      pending = pending.slice(start);
      // A line without end is delivered in pieces rather than held whole.
      if (pending.length >= MAX_LINE_CHARS) {
        const whole = pending.length - (pending.length % MAX_LINE_CHARS);
        emit(pending.slice(0, whole), onLine);
        pending = pending.slice(whole);
      }
      const wait = ready?.();
      if (wait) await wait;
    }
  } catch {
    // A stream that errors (the process was killed mid-write) ends like one that closed.
  } finally {
    reader.releaseLock();
  }
  pending += decoder.decode();
  if (pending !== "") emit(pending, onLine);
}

/**
 * The longest line handed on whole (256 KiB, CloudWatch Logs' largest event); longer ones are
 * split into lines of this length, so one endless line cannot grow lambkin's memory.
 */
export const MAX_LINE_CHARS = 256 * 1024;

function emit(line: string, onLine: (line: string) => void): void {
  if (line.length <= MAX_LINE_CHARS) {
    onLine(line);
    return;
  }
  for (let at = 0; at < line.length; at += MAX_LINE_CHARS) onLine(line.slice(at, at + MAX_LINE_CHARS));
}

const encoder = new TextEncoder();

/** Base64 of the last 4 KB of an invocation's log, as `X-Amz-Log-Result` carries it. */
export function tailLogResult(lines: readonly string[]): string {
  let bytes = encoder.encode(lines.length === 0 ? "" : `${lines.join("\n")}\n`);
  if (bytes.length > LOG_TAIL_BYTES) bytes = bytes.subarray(bytes.length - LOG_TAIL_BYTES);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

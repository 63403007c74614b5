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

export type LogSink = (record: LogRecord) => void;

export interface BatchedWriter {
  (text: string): void;
  /** Writes what is pending now. */
  flush(): void;
}

/**
 * Collects text and hands it to `write` in batches: at most every `delayMs`, or once 64 KB are
 * pending. Every invoke prints three platform lines and whatever the function logs; one write per
 * line costs a syscall each (console and stdout are synchronous on pipes and files), a large share
 * of an invoke's cost. Lines still appear in order, a few milliseconds later at most.
 */
export function batchedWriter(write: (text: string) => void, delayMs = 10): BatchedWriter {
  let pending: string[] = [];
  let size = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    if (pending.length === 0) return;
    const text = pending.join("");
    pending = [];
    size = 0;
    write(text);
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
  return writer;
}

const consoleWriter = batchedWriter((text) => console.log(text.slice(0, -1)));

/** The default sink: one plain line per record on stdout, prefixed with the function name. */
export const consoleSink: LogSink & { flush(): void } = Object.assign(
  (r: LogRecord) => consoleWriter(`[${r.functionName}] ${r.line}\n`),
  { flush: consoleWriter.flush },
);

export const silentSink: LogSink = () => {};

/**
 * Reads a byte stream to its end and calls `onLine` for each line (without its `\n` or `\r\n`).
 * A last line without a newline is delivered when the stream ends.
 */
export async function readLines(
  stream: ReadableStream<Uint8Array>,
  onLine: (line: string) => void,
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
      if (nl < 0) continue;
      let start = 0;
      do {
        const end = nl > start && pending.charCodeAt(nl - 1) === 13 ? nl - 1 : nl;
        onLine(pending.slice(start, end));
        start = nl + 1;
        nl = pending.indexOf("\n", start);
      } while (nl >= 0);
      pending = pending.slice(start);
    }
  } catch {
    // A stream that errors (the process was killed mid-write) ends like one that closed.
  } finally {
    reader.releaseLock();
  }
  pending += decoder.decode();
  if (pending !== "") onLine(pending);
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

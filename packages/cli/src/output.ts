/**
 * Where the CLI writes. Commands take this instead of touching `process.stdout` so that the exact
 * bytes of an invoke result can be written and flushed before the process exits.
 */
export interface Output {
  stdout(text: string | Uint8Array): void;
  stderr(text: string): void;
  readonly stdoutIsTTY: boolean;
  readonly stderrIsTTY: boolean;
  /** Resolves once everything written so far has been handed to the OS (pipes are asynchronous). */
  flush(): Promise<void>;
  /** While stdout holds more than it has handed to the OS: a promise of its 'drain'. */
  stdoutDrained?(): Promise<void> | undefined;
}

/** Set when stdout refused more (its write returned false) until its next 'drain'. */
let stdoutFull = false;

export const processOutput: Output = {
  stdout: (text) => {
    if (!process.stdout.write(text)) stdoutFull = true;
  },
  stderr: (text) => {
    process.stderr.write(text);
  },
  get stdoutIsTTY() {
    return process.stdout.isTTY === true;
  },
  get stderrIsTTY() {
    return process.stderr.isTTY === true;
  },
  // The write's own answer, not writableNeedDrain: Bun's stdout reports the one but not the other.
  stdoutDrained: () =>
    stdoutFull
      ? new Promise<void>((resolve) =>
          process.stdout.once("drain", () => {
            stdoutFull = false;
            resolve();
          }),
        )
      : undefined,
  flush: async () => {
    await Promise.all(
      [process.stdout, process.stderr].map(
        (stream) => new Promise<void>((resolve) => stream.write("", () => resolve())),
      ),
    );
  },
};

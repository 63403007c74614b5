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
}

export const processOutput: Output = {
  stdout: (text) => {
    process.stdout.write(text);
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
  flush: async () => {
    await Promise.all(
      [process.stdout, process.stderr].map(
        (stream) => new Promise<void>((resolve) => stream.write("", () => resolve())),
      ),
    );
  },
};

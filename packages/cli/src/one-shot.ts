/**
 * `lambkin invoke FUNCTION` when no lambkin is running, like `sam local invoke`: the function is
 * started from the config in the working folder (or `--config`), invoked once, and stopped. Its
 * log (START, the function's own lines, END, REPORT) goes to stderr, the result to stdout; the
 * exit status is 0, or 1 for a function error. No process is left.
 */
import { relative } from "node:path";
import { batchedWriter, createLambkin, type LogSink } from "@lambkin/core";
import { CliError, UsageError } from "./args.ts";
import { type LoadedConfig, namingConfigFile } from "./config-file.ts";
import { loadPlatform } from "./engine.ts";
import { enginesFor } from "./function-engines.ts";
import { textSink, useColour } from "./log-format.ts";
import type { Output } from "./output.ts";

export interface OneShot {
  name: string;
  loaded: LoadedConfig;
  payload: Uint8Array;
  invocationType: string;
  out: Output;
  /** Writes the result to stdout as a running lambkin's answer would be. */
  writeResult(body: Uint8Array, out: Output): void;
}

export async function oneShotInvoke({
  name,
  loaded,
  payload,
  invocationType,
  out,
  writeResult,
}: OneShot): Promise<number> {
  const shownFile = relative(process.cwd(), loaded.file) || loaded.file;
  const functions = loaded.config.functions ?? {};
  const fn = Object.hasOwn(functions, name) ? functions[name] : undefined;
  if (!fn) {
    throw new CliError(
      `no lambkin is running, and ${shownFile} has no function "${name}" to start (its functions: ${Object.keys(functions).join(", ") || "none"})`,
    );
  }
  if (invocationType === "Event") {
    throw new UsageError(
      "--invocation-type Event needs a running lambkin (`lambkin start`): a one-shot invoke stops as soon as it has an answer",
      "invoke",
    );
  }
  // Only this function is started, on no port at all: the invoke goes straight to core.
  const config = { ...loaded.config, functions: { [name]: fn } };
  const write = batchedWriter((text) => out.stderr(text));
  const sink: LogSink = textSink({
    colour: useColour(process.env, out.stderrIsTTY),
    functionNames: [name],
    write,
  });
  // The REPORT line comes a moment after the answer (it waits for the memory reading): lambkin is
  // stopped only once it has been logged, so the log is complete.
  let reported: () => void = () => {};
  const report = new Promise<void>((resolve) => {
    reported = resolve;
  });
  const log = Object.assign(
    (record: Parameters<LogSink>[0]) => {
      sink(record);
      if (record.stream === "platform" && /^REPORT |"type":"platform\.report"/.test(record.line)) reported();
    },
    { flush: write.flush },
  );
  const lambkin = await namingConfigFile(shownFile, async () => {
    const platform = await loadPlatform();
    // The function's engine is found first: a missing one is refused with the fix, as by start.
    const engines = await enginesFor(config, loaded.baseDir, platform);
    return createLambkin(config, platform, { baseDir: loaded.baseDir, log, engines });
  });
  // Ctrl-C during a long invoke still stops the runtime process.
  // Exit on a failed close too: an unhandled rejection would leave Ctrl-C doing nothing.
  const exit = () => process.exit(130);
  const interrupt = () => void lambkin.close().then(exit, exit);
  process.once("SIGINT", interrupt);
  try {
    const result = await lambkin.invoke(name, payload, {
      invocationType: invocationType as "RequestResponse" | "DryRun",
    });
    if (invocationType !== "DryRun") await Promise.race([report, delay(REPORT_WAIT_MS)]);
    await lambkin.close();
    if (invocationType === "DryRun") {
      out.stderr(`lambkin: dry run of ${name} succeeded: it exists and the payload is acceptable\n`);
      return 0;
    }
    writeResult(result.payload, out);
    if (result.functionError) {
      out.stderr(`lambkin: ${name} failed (${result.functionError}, request id ${result.requestId})\n`);
      return 1;
    }
    return 0;
  } finally {
    process.off("SIGINT", interrupt);
    await lambkin.close();
  }
}

/** The longest a REPORT line is waited for after the answer (it usually takes a few ms). */
const REPORT_WAIT_MS = 2000;
const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

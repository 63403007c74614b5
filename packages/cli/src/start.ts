/**
 * `lambkin start`: load the config, pick the adapter of the engine running the CLI, listen, print
 * the ready line, then the logs until SIGINT/SIGTERM.
 */
import { resolve } from "node:path";
import {
  batchedWriter,
  createLambkin,
  killProcessGroup,
  type Lambkin,
  type LambkinConfig,
  type LogSink,
  resolveConfig,
} from "@lambkin/core";
import { CliError, type ParsedArgs, portValue } from "./args.ts";
import { namingConfigFile } from "./config-file.ts";
import { parseAuthFlag } from "./credentials.ts";
import { currentEngine, type EngineName, loadPlatform, relaunch, WRAPPER_PID_VARIABLE } from "./engine.ts";
import { enginesFor } from "./function-engines.ts";
import { addressInUseError, isAddressInUse } from "./listen-error.ts";
import { bold, jsonSink, type LogFormat, textSink, useColour } from "./log-format.ts";
import type { Output } from "./output.ts";
import { loadProject, projectFlags } from "./project.ts";
import { collisionWarnings, routeInfo, routeLines } from "./route-lines.ts";
import { type Reloadable, startWatching, type Watching } from "./watch.ts";

export interface StartContext {
  out: Output;
  /** This CLI's entry script, for `--host-engine` (it runs the same file on another engine). */
  self: string | undefined;
  /** The command line after `start`, as given (forwarded as is by `--host-engine`). */
  argv: readonly string[];
}

export async function startCommand({ values }: ParsedArgs, ctx: StartContext): Promise<number> {
  const { out } = ctx;
  const hostEngine = values["host-engine"] as EngineName | undefined;
  if (hostEngine !== undefined && hostEngine !== currentEngine()) {
    if (!ctx.self)
      throw new CliError("--host-engine needs the CLI's own script path (run lambkin from its bin)");
    return relaunch(hostEngine, ctx.self, ["start", ...withoutHostEngine(ctx.argv)]);
  }

  // Flags are checked before the config is read: a usage error should not wait on a config error.
  const port = values.port === undefined ? undefined : portValue("port", values.port as string, "start");
  const urlPort =
    values["url-port"] === undefined
      ? undefined
      : portValue("url-port", values["url-port"] as string, "start");
  const auth = values.auth === undefined ? undefined : parseAuthFlag(values.auth as string);
  const loaded = await loadProject(projectFlags(values, "start"));
  const { shownFile } = loaded;
  // The project's settings, with the command line's over them (also when its files are edited).
  const withFlags = (fileConfig: LambkinConfig): LambkinConfig => {
    const config: LambkinConfig = { ...fileConfig };
    if (port !== undefined) config.port = port;
    if (urlPort !== undefined) config.urlPort = urlPort;
    if (values.host !== undefined) config.host = values.host as string;
    if (auth !== undefined) config.auth = auth;
    if (values["no-sandbox"]) config.sandbox = false;
    else if (values.sandbox) config.sandbox = true;
    // A long-running lambkin keeps accepted Event invocations across restarts.
    config.eventJournal ??= ".lambkin/events.jsonl";
    if (values.inspect !== undefined)
      config.functions = inspecting(config, values.inspect as string, shownFile);
    return config;
  };
  const config = withFlags(loaded.config);

  const format = (values["log-format"] as LogFormat | undefined) ?? "text";
  const colour = format === "text" && useColour(process.env, out.stdoutIsTTY);
  const functionNames = Object.keys(config.functions ?? {});
  // Log lines are written in batches (a syscall per line would cost much of an invoke);
  // lambkin.close() flushes what is pending.
  const write = batchedWriter(
    (text) => out.stdout(text),
    10,
    () => out.stdoutDrained?.(),
  );
  const sink: LogSink = format === "json" ? jsonSink(write) : textSink({ colour, functionNames, write });
  const log = Object.assign(sink, { flush: write.flush, ready: write.ready });

  const platform = await loadPlatform();
  for (const warning of loaded.warnings) out.stderr(`lambkin: warning: ${warning}\n`);
  const lambkin = await namingConfigFile(shownFile, async () => {
    // Each function's engine is found first: a missing one stops the start with the fix.
    const engines = await enginesFor(config, loaded.baseDir, platform);
    return createLambkin(config, platform, { baseDir: loaded.baseDir, log, engines });
  });

  // Signals are handled from here on: a Ctrl-C while listening must still stop the runtimes.
  let watching: Watching | undefined;
  const stopped = stopOnSignal(lambkin, out, () => watching?.close());
  let info: Awaited<ReturnType<Lambkin["listen"]>>;
  try {
    info = await lambkin.listen();
  } catch (error) {
    await lambkin.close();
    stopped.dispose();
    const e = error as Error & { code?: string };
    if (isAddressInUse(e)) {
      throw await addressInUseError(lambkin.config.host, lambkin.config.port, lambkin.config.urlPort);
    }
    throw new CliError(`cannot listen on ${lambkin.config.host}: ${e.message}`);
  }

  // Reloading needs core's recycle and update (a core without them is served unwatched).
  if (!values["no-watch"] && typeof (lambkin as Partial<Reloadable>).recycle === "function") {
    watching = startWatching({
      lambkin: lambkin as unknown as Reloadable,
      // The config file, or the templates it names (or that were found, or given as flags).
      projectFiles: (loaded.templates.length > 0 ? loaded.templates : [shownFile]).map((f) =>
        resolve(process.cwd(), f),
      ),
      readConfig: async () => {
        const next = withFlags((await loadProject(projectFlags(values, "start"))).config);
        await namingConfigFile(shownFile, () => resolveConfig(next, loaded.baseDir, platform));
        return next;
      },
      ...generations(lambkin),
      log,
    });
    // The ready line promises that a save from then on is seen: it waits for the first scan
    // (unless lambkin is stopped meanwhile).
    const ready = watching.ready.then(() => true);
    if (!(await Promise.race([ready, stopped.done.then(() => false)]))) return stopped.done;
  }

  const count = lambkin.config.functions.size;
  const version = platform.version.replace(/^v/, "");
  for (const warning of collisionWarnings(lambkin)) out.stderr(`lambkin: warning: ${warning}\n`);
  const routes = routeInfo(lambkin, info.functionUrl);
  const from = loaded.templates.length > 0 ? ` · from ${loaded.templates.join(", ")}` : "";
  const message = `lambkin ready (${platform.name} ${version}) — Invoke API ${info.url} · Function URLs ${info.functionUrl} · ${count} function${count === 1 ? "" : "s"}${from}`;
  if (format === "json") {
    out.stdout(
      `${JSON.stringify({
        time: new Date().toISOString(),
        event: "ready",
        message,
        engine: platform.name,
        engineVersion: version,
        invokeUrl: info.url,
        functionUrl: info.functionUrl,
        functions: [...lambkin.config.functions.keys()],
        ...(loaded.templates.length > 0 ? { templates: loaded.templates } : {}),
        ...(routes.length > 0 ? { routes } : {}),
      })}\n`,
    );
  } else {
    out.stdout(`${colour ? bold(message) : message}\n`);
    if (routes.length > 0) out.stdout(`API Gateway routes:\n${routeLines(routes).join("\n")}\n`);
  }

  // A debugged function's environment starts now, so a debugger can attach before the first invoke.
  for (const fn of lambkin.config.functions.values()) {
    if (fn.inspect) {
      // A rejection (lambkin closing meanwhile) must not become an unhandled one, which ends the CLI.
      lambkin
        .recycle(fn.name, "started for the debugger", { prewarm: true })
        .catch((error: Error) =>
          out.stderr(`lambkin: cannot start ${fn.name} for the debugger: ${error.message}\n`),
        );
    }
  }
  const stopWatching = stopWithWrapper(lambkin);
  return stopped.done.finally(stopWatching);
}

/**
 * A lambkin relaunched on another engine (`--host-engine`) stops when the process that relaunched
 * it is gone — killed with -9, say — instead of serving on with nobody to stop it. (Its runtimes
 * are the watchdog's business either way.)
 */
function stopWithWrapper(lambkin: Lambkin): () => void {
  const wrapper = Number(process.env[WRAPPER_PID_VARIABLE]);
  if (!Number.isInteger(wrapper) || wrapper <= 0) return () => {};
  const timer = setInterval(() => {
    try {
      process.kill(wrapper, 0);
    } catch {
      clearInterval(timer);
      lambkin.close().finally(() => process.exit(1));
    }
  }, 250);
  return () => clearInterval(timer);
}

/** The config's functions with `inspect: true` on each one `--inspect` names. */
function inspecting(config: LambkinConfig, names: string, file: string): LambkinConfig["functions"] {
  const functions = { ...config.functions };
  for (const name of names.split(",").map((n) => n.trim())) {
    const fn = Object.hasOwn(functions, name) ? functions[name] : undefined;
    if (!fn) {
      throw new CliError(
        `--inspect: ${file} has no function "${name}" (its functions: ${Object.keys(functions).join(", ")})`,
      );
    }
    functions[name] = { ...fn, inspect: true };
  }
  return functions;
}

function withoutHostEngine(argv: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--") {
      out.push(...argv.slice(i));
      break;
    }
    if (arg === "--host-engine") i++;
    else if (!arg.startsWith("--host-engine=")) out.push(arg);
  }
  return out;
}

/**
 * The first SIGINT/SIGTERM stops lambkin cleanly (every runtime process is killed); a second one
 * exits at once, for a runtime that ignores SIGTERM and a user who will not wait for the grace.
 */
function stopOnSignal(
  lambkin: Lambkin,
  out: Output,
  beforeClose: () => Promise<void> | undefined,
): { done: Promise<number>; dispose(): void } {
  let resolve!: (code: number) => void;
  const done = new Promise<number>((r) => {
    resolve = r;
  });
  let stopping = false;
  const onSignal = () => {
    if (stopping) {
      out.stderr("lambkin: stopping now\n");
      // Do not wait for the grace period, but leave no runtime behind either.
      for (const pid of lambkin.pids()) killProcessGroup((p, s) => process.kill(p, s), pid, "SIGKILL");
      process.exit(130);
    }
    stopping = true;
    out.stderr("lambkin: stopping…\n");
    Promise.resolve(beforeClose())
      .then(() => lambkin.close())
      .then(
        () => resolve(0),
        (error: Error) => {
          out.stderr(`lambkin: error while stopping: ${error.message}\n`);
          resolve(1);
        },
      );
  };
  const signals = ["SIGINT", "SIGTERM"] as const;
  for (const signal of signals) process.on(signal, onSignal);
  const dispose = () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
  return { done: done.finally(dispose), dispose };
}

/** The newest generation of each function's environments, as lambkin's events tell it. */
function generations(lambkin: Lambkin) {
  const latest = new Map<string, number>();
  const note = (name: string, generation: number) => {
    if (generation > (latest.get(name) ?? 0)) latest.set(name, generation);
  };
  const events = lambkin as unknown as {
    subscribe?: (listener: (event: { functionName: string; generation?: number }) => void) => unknown;
  };
  events.subscribe?.((event) => {
    if (event.generation !== undefined) note(event.functionName, event.generation);
  });
  return { generation: (name: string) => latest.get(name), setGeneration: note };
}

/**
 * Cold start: invoke-to-answer of a function with no environment yet (lambkin on Node starts the
 * runtime process, the client loads the handler, calls `next`, answers), next to the bare engine's
 * own start-up: process start to its first HTTP request (bare-start.ts), with the engine flags
 * Lambda starts that engine with (Node's memory-derived flags, as the floor's runtimes have them).
 * On Node those flags cost start-up time of their own (V8 refuses Node's built-in code cache when
 * its flags differ from the build's, so every node:* module past the snapshot is compiled): the
 * bare start-up without them is measured too, and reported beside, so that cost stays visible.
 *
 * The functions that meet the target run with `sandbox: false`: the target is lambkin's own cost
 * of starting a runtime. The sandbox lambkin applies by default (bubblewrap) is a cost of its own,
 * measured beside them on the Node function, in pairs, and reported as such.
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { existsSync } from "node:fs";
import { createServer } from "node:http";
import { type Context, ms, reason } from "./context.ts";
import { ENGINES, type Engine, scriptArgv } from "./engines.ts";
import type { ColdRow } from "./results.ts";
import { ECHO_DIR, engineFlags, functionFor } from "./runtimes.ts";
import { median, sig } from "./stats.ts";
import { LambkinHost } from "./systems.ts";
import { WARM_BODY } from "./warm.ts";

const coldName = (engine: Engine, i: number) => `cold-${engine}-${i}`;
/** The Node function again with the default sandbox: the sandbox's share of a cold start. */
const sandboxedName = (i: number) => `cold-node-sandboxed-${i}`;

/** What lambkin's default sandbox is here: bubblewrap when it finds bwrap, as sandbox.ts does. */
function defaultSandbox(): "bubblewrap" | "tmpdir" {
  if (process.env.LAMBKIN_BWRAP === "none") return "tmpdir";
  if (process.env.LAMBKIN_BWRAP) return "bubblewrap";
  const dirs = (process.env.PATH ?? "").split(":").filter(Boolean);
  return dirs.some((dir) => existsSync(`${dir}/bwrap`)) ? "bubblewrap" : "tmpdir";
}

/** A server that notes when each bare start-up's request arrives (keyed by a token in its path). */
function arrivals() {
  const waiting = new Map<string, (at: number) => void>();
  const server = createServer((req, res) => {
    const at = performance.now();
    waiting.get(req.url!.slice(1))?.(at);
    res.end("ok");
  });
  return {
    listen: () =>
      new Promise<number>((resolve) =>
        server.listen(0, "127.0.0.1", () => resolve((server.address() as { port: number }).port)),
      ),
    expect: (token: string) => new Promise<number>((resolve) => waiting.set(token, resolve)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function bareStartup(
  engine: Engine,
  flags: string[],
  port: number,
  server: ReturnType<typeof arrivals>,
): Promise<number> {
  const token = randomUUID();
  const arrived = server.expect(token);
  const [program, ...args] = [
    ...scriptArgv(engine, "bare-start.js", flags),
    `http://127.0.0.1:${port}/${token}`,
  ];
  const started = performance.now();
  // As lambkin starts a runtime: its own process group, a clean environment.
  const child = spawn(program!, args, {
    cwd: ECHO_DIR,
    env: { PATH: process.env.PATH, HOME: process.env.HOME },
    detached: true,
    stdio: "ignore",
  });
  const exited = new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => resolve(code ?? -1));
  });
  const first = await Promise.race([
    arrived,
    exited.then((code) => {
      throw new Error(`${engine} exited (${code}) before its first request: ${[program, ...args].join(" ")}`);
    }),
  ]);
  await exited;
  return first - started;
}

/**
 * `cold[i] − bare[i]` for each sample i: the two were taken one after the other, so their
 * difference is steadier on a shared machine than the difference of two medians.
 */
export function pairedDifferences(cold: readonly number[], bare: readonly number[]): number[] {
  return cold.slice(0, bare.length).map((c, i) => c - bare[i]!);
}

export async function coldStart(ctx: Context): Promise<void> {
  const { plan, caller, progress } = ctx;
  const n = plan.cold.samples;
  progress.step(`cold start: starting lambkin on node with ${n} fresh functions per runtime engine`);
  const functions = Object.fromEntries([
    ...ENGINES.flatMap((engine) =>
      Array.from({ length: n }, (_, i) => [coldName(engine, i), { ...functionFor(engine), sandbox: false }]),
    ),
    ...Array.from({ length: n }, (_, i) => [sandboxedName(i), functionFor("node")]),
  ]);
  const server = arrivals();
  const port = await server.listen();
  // lambkin's REPORT line of a cold start carries its Init Duration (spawn → first `next`) and the
  // invoke's own Duration (event handed to the runtime → its answer).
  const initMs = new Map<string, number>();
  const invokeMs = new Map<string, number>();
  const onLogLine = (line: string) => {
    const m = /^\[([^\]]+)\] REPORT /.exec(line);
    if (!m) return;
    for (const field of line.split("\t")) {
      const [name, value] = field.split(": ");
      if (name === "Init Duration") initMs.set(m[1]!, Number.parseFloat(value!));
      if (name === "Duration") invokeMs.set(m[1]!, Number.parseFloat(value!));
    }
  };
  const lambkin = await LambkinHost.start("node", functions, { onLogLine }).catch((error: unknown) =>
    reason(error),
  );
  const samples = new Map<string, number[]>();
  const failures = new Map<string, string>();
  const add = (key: string, take: () => Promise<number>) =>
    failures.has(key)
      ? Promise.resolve()
      : take().then(
          (v) => void samples.set(key, [...(samples.get(key) ?? []), v]),
          (error: unknown) => void failures.set(key, reason(error)),
        );
  try {
    // Interleaved (bare, lambkin, next engine…) so that machine noise spreads over all of them,
    // and each pair in the other order every other sample, so that a machine getting slower or
    // faster does not always favour the same side.
    for (let i = 0; i < n; i++) {
      for (const engine of ENGINES) {
        progress.step(`cold start · ${engine} · sample ${i + 1}/${n}`);
        const flags = engineFlags(engine);
        const bare = async () => {
          await add(`bare-${engine}`, () => bareStartup(engine, flags, port, server));
          if (flags.length > 0) await add(`unflagged-${engine}`, () => bareStartup(engine, [], port, server));
        };
        if (i % 2 === 0) await bare();
        if (typeof lambkin === "string")
          failures.set(`lambkin-${engine}`, `lambkin did not start: ${lambkin}`);
        else {
          const once = (name: string) => async () => {
            const r = await caller.run(lambkin, name, {
              body: WARM_BODY,
              concurrency: 1,
              warmup: 0,
              count: 1,
              maxMs: 30_000,
              expect: "echo",
            });
            return r.p50_ms;
          };
          // Node's function in the sandbox right before or after the one without.
          const sandboxed = () =>
            engine === "node" ? add("lambkin-node-sandboxed", once(sandboxedName(i))) : undefined;
          if (i % 2 === 1) await sandboxed();
          await add(`lambkin-${engine}`, once(coldName(engine, i)));
          if (i % 2 === 0) await sandboxed();
        }
        if (i % 2 === 1) await bare();
      }
    }
  } finally {
    if (typeof lambkin !== "string") await lambkin.stop();
    await server.close();
  }
  const on = samples.get("lambkin-node-sandboxed");
  const off = samples.get("lambkin-node");
  ctx.results.sandbox_cold = {
    runtime: "node",
    sandbox: defaultSandbox(),
    ...(on ? { on_ms: sig(median(on)), samples_on: on.map((v) => sig(v)) } : {}),
    ...(off ? { off_ms: sig(median(off)), samples_off: off.map((v) => sig(v)) } : {}),
    ...(on && off ? { cost_ms: sig(median(pairedDifferences(on, off))) } : {}),
  };
  if (on && off)
    progress.figure(
      `node: sandbox (${defaultSandbox()}) ${ms(median(on))} vs none ${ms(median(off))} cold; paired cost ${ms(median(pairedDifferences(on, off)))}`,
    );
  for (const engine of ENGINES) {
    const cold = samples.get(`lambkin-${engine}`);
    const bare = samples.get(`bare-${engine}`);
    const unflagged = samples.get(`unflagged-${engine}`);
    const flags = engineFlags(engine);
    const reported = (table: Map<string, number>) =>
      Array.from({ length: n }, (_, i) => table.get(coldName(engine, i))).filter(
        (v): v is number => v !== undefined && Number.isFinite(v),
      );
    const inits = reported(initMs);
    const invokes = reported(invokeMs);
    const rows: ColdRow[] = [
      cold
        ? {
            runtime: engine,
            system: "lambkin",
            host: "node",
            cold_ms: sig(median(cold)),
            ...(bare ? { over_bare_ms: sig(median(pairedDifferences(cold, bare))) } : {}),
            ...(inits.length > 0 ? { init_ms: sig(median(inits)) } : {}),
            ...(invokes.length > 0 ? { first_invoke_ms: sig(median(invokes)) } : {}),
            samples: cold.map((v) => sig(v)),
          }
        : {
            runtime: engine,
            system: "lambkin",
            host: "node",
            skipped: failures.get(`lambkin-${engine}`) ?? "not measured",
          },
      bare
        ? {
            runtime: engine,
            system: "bare",
            startup_ms: sig(median(bare)),
            ...(flags.length > 0 ? { engine_flags: flags } : {}),
            ...(unflagged ? { unflagged_ms: sig(median(unflagged)) } : {}),
            samples: bare.map((v) => sig(v)),
          }
        : { runtime: engine, system: "bare", skipped: failures.get(`bare-${engine}`) ?? "not measured" },
    ];
    ctx.results.cold_start.push(...rows);
    progress.figure(
      `${engine}: lambkin cold ${cold ? ms(median(cold)) : "skipped"} (init ${inits.length ? ms(median(inits)) : "–"}, first invoke ${invokes.length ? ms(median(invokes)) : "–"}) · bare start-up ${bare ? ms(median(bare)) : "skipped"}${unflagged ? ` (${ms(median(unflagged))} without ${flags.join(" ")})` : ""}`,
    );
  }
}

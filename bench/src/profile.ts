/**
 * `--profile`: the host under a CPU profiler (`node --cpu-prof`, `bun --cpu-prof`, Deno's inspector) while the
 * caller sends warm invokes, lambkin and the floor alike, and a summary of where the host's time
 * went, in µs per invoke: the functions with the most self time, and the same time charged to the
 * lambkin function that caused it. A target's miss is explained here.
 *
 * The profiler samples wall time while the host is not idle, so a syscall during which a 2-core
 * machine runs another process (the runtime woken by the write) looks long; the /proc CPU figure
 * beside it is the host's real CPU time.
 */
import { mkdirSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import type { Context } from "./context.ts";
import { BENCH, type Engine, scriptArgv } from "./engines.ts";
import { cpuMs, type Service, startService } from "./proc.ts";
import { functionFor, type RuntimeKind } from "./runtimes.ts";
import { sig } from "./stats.ts";
import { Floor, LambkinHost, type Target } from "./systems.ts";
import { WARM_BODY } from "./warm.ts";

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  where: string;
  ms: number;
  share: number;
}

export interface ProfileSummary {
  /** Busy (non-idle) sampled time, in ms. */
  total: number;
  idle: number;
  /** Self time per function (same name and place merged), most first. */
  functions: SelfTime[];
  /**
   * Time per *own-code* function: each sample is charged to the innermost frame of lambkin's
   * packages (or of the bench's relay), so the node internals it calls (socket writes, stream
   * machinery) count towards the lambkin function that called them.
   */
  owners: SelfTime[];
}

/** Frames of lambkin's own code (its packages' dist files) or the relay. */
const isOwn = (url: string) => url.includes("/packages/") || url.includes("/bench/dist/");

/** Summarizes a V8 .cpuprofile; `(idle)` is left out of the shares. */
export function summarize(profile: CpuProfile): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const self = new Map<string, { name: string; where: string; us: number }>();
  const owners = new Map<string, { name: string; where: string; us: number }>();
  const charge = (table: typeof self, frame: ProfileNode["callFrame"], us: number) => {
    const where = frame.url ? `${shortUrl(frame.url)}:${frame.lineNumber + 1}` : "";
    const key = `${frame.functionName}@${where}`;
    const entry = table.get(key) ?? { name: frame.functionName || "(anonymous)", where, us: 0 };
    entry.us += us;
    table.set(key, entry);
  };
  let idle = 0;
  let total = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    const frame = byId.get(id)?.callFrame;
    if (!frame) return;
    if (frame.functionName === "(idle)") {
      idle += delta;
      return;
    }
    total += delta;
    charge(self, frame, delta);
    let owner: number | undefined = id;
    while (owner !== undefined && !isOwn(byId.get(owner)!.callFrame.url)) owner = parent.get(owner);
    charge(
      owners,
      owner === undefined
        ? { functionName: "(outside lambkin's code)", url: "", lineNumber: 0 }
        : byId.get(owner)!.callFrame,
      delta,
    );
  });
  const sorted = (table: typeof self) =>
    [...table.values()]
      .map((e) => ({ name: e.name, where: e.where, ms: e.us / 1000, share: total ? e.us / total : 0 }))
      .sort((a, b) => b.ms - a.ms);
  return { total: total / 1000, idle: idle / 1000, functions: sorted(self), owners: sorted(owners) };
}

function shortUrl(url: string): string {
  const path = url.replace(/^file:\/\//, "");
  const at = path.indexOf("/packages/");
  if (at >= 0) return path.slice(at + 1);
  const nm = path.lastIndexOf("/node_modules/");
  if (nm >= 0) return path.slice(nm + 14);
  return path.replace(BENCH, "bench/");
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export async function profile(
  ctx: Context,
  hosts: Engine[],
  concurrency: number,
  count: number,
  silentLogs: boolean,
  /** The function runtime: @lambkin/client on Node by default, `bare-loop` for the provided row. */
  runtime: RuntimeKind = "node",
): Promise<string> {
  const { caller, progress } = ctx;
  const dir = join(BENCH, "results", "profiles");
  mkdirSync(dir, { recursive: true });
  const out: string[] = [];
  for (const host of hosts) {
    for (const system of ["lambkin", "floor"] as const) {
      // Deno has no --cpu-prof: it is profiled through its inspector (cdp-profile.ts, run on Bun).
      const inspectPort = host === "deno" ? await freePort() : 0;
      const cdpFile = join(dir, `CPU.deno.${system}.${Date.now()}.cpuprofile`);
      const flags =
        host === "deno" ? [`--inspect=127.0.0.1:${inspectPort}`] : [`--cpu-prof`, `--cpu-prof-dir=${dir}`];
      const before = new Set(readdirSync(dir));
      let profiler: Service<unknown> | undefined;
      progress.step(`profile · host ${host} · ${system} · ${count} invokes at concurrency ${concurrency}`);
      let target: (Target & { stop(): Promise<void> }) | undefined;
      try {
        if (system === "lambkin") {
          const lk = await LambkinHost.start(
            host,
            { echo: { ...functionFor(runtime), concurrency } },
            { engineFlags: flags, silentLogs },
          );
          target = lk;
          if (concurrency > 1) await lk.grow(caller, "echo", concurrency);
        } else {
          const floor = await Floor.start(host, flags);
          target = floor;
          await floor.use(runtime, concurrency);
        }
        if (host === "deno") {
          profiler = await startService(
            "the inspector profiler",
            [...scriptArgv("bun", "cdp-profile.js"), `http://127.0.0.1:${inspectPort}`, cdpFile],
            { cwd: BENCH },
          );
        }
        const load = {
          body: WARM_BODY,
          concurrency,
          warmup: 500,
          count,
          maxMs: 60_000,
          expect: "echo" as const,
        };
        const cpuBefore = cpuMs(target.pid);
        const r = await caller.run(target, "echo", load);
        const cpu = cpuMs(target.pid) - cpuBefore;
        if (profiler) {
          const written = new Promise((resolve) => profiler!.child.once("exit", resolve));
          profiler.child.stdin!.write("stop\n");
          await written;
        }
        await target.stop();
        target = undefined;
        const file = readdirSync(dir).find((f) => f.endsWith(".cpuprofile") && !before.has(f));
        if (!file) throw new Error(`${host} wrote no .cpuprofile into ${dir}`);
        const summary = summarize(JSON.parse(readFileSync(join(dir, file), "utf8")) as CpuProfile);
        const invokes = r.n + load.warmup;
        const perInvoke = (ms: number) => sig((ms * 1000) / invokes, 2);
        const lines = (list: SelfTime[]) =>
          list
            .slice(0, 20)
            .map(
              (f) =>
                `  ${String(perInvoke(f.ms)).padStart(7)}  ${`${sig(f.share * 100, 2)}%`.padStart(5)}  ${f.name}${f.where ? ` (${f.where})` : ""}`,
            );
        out.push(
          "",
          `host ${host} · ${system}${system === "lambkin" && silentLogs ? " (log lines dropped: --silent-logs)" : ""}: p50 ${sig(r.p50_ms)} ms, ${sig(r.invokes_per_s)} invokes/s; host CPU ${sig((cpu * 1000) / r.n, 2)} µs per invoke (/proc); sampled busy ${perInvoke(summary.total)} µs per invoke (profile: bench/results/profiles/${file})`,
          "  self time   µs/inv  share  function (place)",
          ...lines(summary.functions),
          "  by own function (each sample charged to the innermost frame of lambkin's code, or the relay's)",
          ...lines(summary.owners),
        );
      } catch (error) {
        out.push("", `host ${host} · ${system}: no profile: ${(error as Error).message.split("\n")[0]}`);
      } finally {
        await profiler?.stop();
        await target?.stop();
      }
    }
  }
  return out.join("\n");
}

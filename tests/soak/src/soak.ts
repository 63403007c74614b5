import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Answer,
  ConnectionLost,
  call,
  type Endpoint,
  endpoint,
  KINDS,
  type Kind,
  kindOf,
} from "./calls.ts";
import { checkEvents, type EventFigures } from "./event-check.ts";
import { type HostEngine, killHard, type Running, startLambkin, stopLambkin } from "./lambkin-process.ts";
import { isAlive, rssMb, taggedProcesses } from "./processes.ts";
import { writeProject } from "./project.ts";

// One soak run on one host engine: `n` invocations of every kind from `concurrency` callers
// against a real `lambkin start`, which is killed (-9) once halfway and started again on the same
// project (its Event journal). Every figure it reports is counted here, from answers, files and
// /proc; `violations` lists each broken promise.

export interface SoakOptions {
  engine: HostEngine;
  n: number;
  concurrency: number;
  /** How far lambkin's RSS may grow over its idle figure, in MB. */
  rssBoundMb: number;
  /** Progress lines (to stderr in the CLI). */
  progress?: (line: string) => void;
}

export interface Figures {
  engine: HostEngine;
  n: number;
  seconds: number;
  perKind: Record<Kind, number>;
  /** Calls answered with their own payload and class (events: accepted with a 202). */
  answered: number;
  /** Answers of the wrong class or for another payload. */
  wrong: number;
  /** Calls with no answer within 60 s. */
  lost: number;
  /** Calls the kill cut or that found lambkin down, retried until answered. */
  connectionErrors: number;
  /** Connection errors while lambkin was up and not being killed. */
  unexpectedConnectionErrors: number;
  events: EventFigures;
  /** Processes of the run alive 2 s after the kill -9, and after the final stop. */
  orphansAfterKill: number;
  orphansAtEnd: number;
  /** Reloads the watcher made: none, since no code changes (lambkin's own files must not count). */
  reloads: number;
  /** lambkin stopped by Ctrl-C at the end (SIGINT), within 20 s. */
  cleanStop: boolean;
  rss: { idleMb: number; peakMb: number; endMb: number; boundMb: number };
  violations: string[];
  /** The first problems seen, for a failure message. */
  problems: string[];
}

/** Default bound on lambkin's RSS growth over idle (see the README's Reliability section). */
export const DEFAULT_RSS_BOUND_MB = 200;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function runSoak(options: SoakOptions): Promise<Figures> {
  const { engine, n, concurrency } = options;
  const progress = options.progress ?? (() => {});
  const tag = randomUUID();
  const dir = await mkdtemp(join(tmpdir(), `lambkin-soak-${engine}-`));
  const project = await writeProject(dir, tag);
  const env = { SOAK_RUN: tag };
  const started = Date.now();

  let running: Running = await startLambkin(project.config, engine, env);
  let to: Endpoint = endpoint(running.invokeUrl, running.functionUrl);
  let generation = 0;
  let down: Promise<void> | undefined;
  let restarting = false;
  const problems: string[] = [];
  const problem = (text: string) => {
    if (problems.length < 20) problems.push(text);
  };
  try {
    // Warm up (not counted): one environment of the plain and streaming functions, then idle RSS.
    for (const kind of ["ok", "stream-invoke", "stream-url"] as const) await call(kind, `warm-${kind}`, to);
    await sleep(1000);
    const idleMb = rssMb(running.hostPid) ?? 0;
    let peakMb = idleMb;
    const sampler = setInterval(() => {
      const mb = rssMb(running.hostPid);
      if (mb !== undefined && mb > peakMb) peakMb = mb;
    }, 100);

    const perKind = Object.fromEntries(KINDS.map((k) => [k, 0])) as Record<Kind, number>;
    let answered = 0;
    let wrong = 0;
    let lost = 0;
    let connectionErrors = 0;
    let unexpectedConnectionErrors = 0;
    /** Event request id → payload id, for every 202; payload ids of events whose call was cut. */
    const accepted = new Map<string, string>();
    const cutEvents = new Set<string>();
    let restartedAt = Number.POSITIVE_INFINITY;
    let orphansAfterKill = 0;
    const killAt = Math.floor(n / 2);

    let reloads = 0;
    const killAndRestart = async () => {
      restarting = true;
      progress(`${engine}: kill -9 of lambkin (pid ${running.hostPid}) after ${killAt} calls`);
      const before = running;
      reloads += before.reloads();
      killHard(before);
      await before.exited;
      for (let i = 0; i < 50 && isAlive(before.hostPid); i++) await sleep(50);
      // No orphans: lambkin's watchdog has 2 s to end every runtime of the killed lambkin.
      await sleep(2000);
      const left = taggedProcesses(tag);
      orphansAfterKill = left.length;
      for (const p of left) problem(`alive 2 s after the kill: ${p.pid} ${p.command}`);
      restartedAt = Date.now();
      running = await startLambkin(project.config, engine, env);
      to = endpoint(running.invokeUrl, running.functionUrl);
      generation++;
      restarting = false;
      progress(`${engine}: lambkin restarted (pid ${running.hostPid})`);
    };

    let next = 0;
    const caller = async () => {
      for (let i = next++; i < n; i = next++) {
        if (i === killAt) down = killAndRestart();
        const kind = kindOf(i);
        const id = `${engine}-${i}`;
        perKind[kind]++;
        let answer: Answer | undefined;
        while (answer === undefined) {
          const mine = generation;
          try {
            answer = await call(kind, id, to);
          } catch (error) {
            if (!(error instanceof ConnectionLost)) {
              lost++;
              problem(`${kind} ${id}: no answer (${(error as Error).message})`);
              break;
            }
            connectionErrors++;
            if (kind === "event") cutEvents.add(id);
            if (restarting) await down;
            else if (mine === generation) {
              unexpectedConnectionErrors++;
              problem(`${kind} ${id}: connection lost while lambkin was up: ${error.message}`);
              await sleep(200);
            }
          }
        }
        if (answer === undefined) continue;
        if (!answer.ok) {
          wrong++;
          problem(answer.problem);
          continue;
        }
        answered++;
        if (kind === "event") accepted.set(answer.requestId!, id);
        if ((i + 1) % Math.max(1, Math.floor(n / 10)) === 0) progress(`${engine}: ${i + 1}/${n} calls`);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, caller));
    await down;

    progress(`${engine}: waiting for ${accepted.size} events to reach their destinations`);
    const events = await checkEvents(project, accepted, cutEvents, restartedAt, problem);
    const endMb = rssMb(running.hostPid) ?? 0;
    clearInterval(sampler);
    const cleanStop = await stopLambkin(running);
    reloads += running.reloads();
    if (!cleanStop) problem(`lambkin did not stop within 20 s of SIGINT:\n${running.tail()}`);
    await sleep(2000);
    const left = taggedProcesses(tag);
    for (const p of left) {
      problem(`alive 2 s after the stop: ${p.pid} ${p.command}`);
      try {
        process.kill(p.pid, "SIGKILL");
      } catch {
        // gone meanwhile
      }
    }

    const figures: Figures = {
      engine,
      n,
      seconds: (Date.now() - started) / 1000,
      perKind,
      answered,
      wrong,
      lost,
      connectionErrors,
      unexpectedConnectionErrors,
      events,
      orphansAfterKill,
      orphansAtEnd: left.length,
      reloads,
      cleanStop,
      rss: { idleMb, peakMb, endMb, boundMb: options.rssBoundMb },
      violations: [],
      problems,
    };
    figures.violations = violationsOf(figures);
    if (figures.violations.length > 0)
      problems.push(`lambkin's last lines:\n${running.tail().split("\n").slice(-40).join("\n")}`);
    else await rm(dir, { recursive: true, force: true });
    return figures;
  } catch (error) {
    killHard(running);
    throw new Error(`${(error as Error).message}\nproject kept in ${dir}\n${running.tail()}`);
  }
}

function violationsOf(f: Figures): string[] {
  const out: string[] = [];
  const check = (broken: boolean, what: string) => {
    if (broken) out.push(`${f.engine}: ${what}`);
  };
  check(f.answered !== f.n, `${f.n - f.answered} of ${f.n} calls not answered right`);
  check(f.wrong > 0, `${f.wrong} answers of the wrong class or payload`);
  check(f.lost > 0, `${f.lost} calls never answered`);
  check(
    f.unexpectedConnectionErrors > 0,
    `${f.unexpectedConnectionErrors} connections lost while lambkin was up`,
  );
  check(f.events.lost > 0, `${f.events.lost} accepted events never reached a destination`);
  check(f.events.duplicated > 0, `${f.events.duplicated} events delivered more than once`);
  check(
    f.events.wrongRecords > 0,
    `${f.events.wrongRecords} destination records of the wrong shape or condition`,
  );
  check(f.events.unexplainedRuns > 0, `${f.events.unexplainedRuns} events ran a wrong number of times`);
  check(f.orphansAfterKill > 0, `${f.orphansAfterKill} processes outlived the kill -9 by 2 s`);
  check(f.orphansAtEnd > 0, `${f.orphansAtEnd} processes outlived the final stop by 2 s`);
  check(!f.cleanStop, "lambkin did not stop on SIGINT");
  check(f.reloads > 0, `${f.reloads} reloads, with no code changed`);
  check(
    f.rss.peakMb - f.rss.idleMb > f.rss.boundMb,
    `lambkin's RSS grew ${(f.rss.peakMb - f.rss.idleMb).toFixed(0)} MB over idle (bound ${f.rss.boundMb} MB)`,
  );
  return out;
}

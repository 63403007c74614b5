/** What every section of a run shares: the plan, the caller, where figures go, and progress lines. */
import type { Plan } from "./plan.ts";
import type { Results } from "./results.ts";
import { sig } from "./stats.ts";
import type { Caller } from "./systems.ts";

export interface Context {
  plan: Plan;
  caller: Caller;
  results: Results;
  progress: Progress;
}

/** Progress on stderr: `[1:23] section · step`, and indented figures as they come in. */
export class Progress {
  readonly #started = performance.now();
  readonly #write: (line: string) => void;

  constructor(write: (line: string) => void = (line) => process.stderr.write(`${line}\n`)) {
    this.#write = write;
  }

  get elapsedS(): number {
    return (performance.now() - this.#started) / 1000;
  }

  step(text: string): void {
    const s = Math.floor(this.elapsedS);
    this.#write(`[${Math.floor(s / 60)}:${String(s % 60).padStart(2, "0")}] ${text}`);
  }

  figure(text: string): void {
    this.#write(`         ${text}`);
  }
}

/** The first line of an error's message (a skipped row's reason). */
export function reason(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split("\n")[0]!.slice(0, 300);
}

export const ms = (value: number | undefined) => (value === undefined ? "–" : `${sig(value)} ms`);

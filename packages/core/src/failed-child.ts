/**
 * The `Child` for a program that could not be started. Web-standard on purpose: the Bun and Deno
 * adapters use it too.
 */
import type { Child } from "./platform.ts";

const encoder = new TextEncoder();

function errorCode(error: unknown): unknown {
  return typeof error === "object" && error !== null ? (error as { code?: unknown }).code : undefined;
}

function reason(error: unknown): string {
  const code = errorCode(error);
  if (code === "ENOENT") return "no such file or directory (ENOENT)";
  if (code === "EACCES") return "permission denied: is it executable? (EACCES)";
  return error instanceof Error ? error.message : String(error);
}

/**
 * Stands for a program that did not start: `exited` resolves with 127 when it (or the cwd) does
 * not exist and 126 otherwise, as a shell would say, and stderr carries one line saying why.
 * `error` may still be on its way (node reports spawn failures on the next tick).
 */
export function failedChild(argv: readonly string[], cwd: string, error: unknown): Child {
  const failure = Promise.resolve(error);
  const program = argv[0] === undefined ? "(no program given)" : JSON.stringify(argv[0]);
  return {
    pid: 0,
    stdout: new ReadableStream({ start: (controller) => controller.close() }),
    stderr: new ReadableStream({
      async start(controller) {
        const why = reason(await failure);
        controller.enqueue(encoder.encode(`lambkin: cannot run ${program} in ${cwd}: ${why}\n`));
        controller.close();
      },
    }),
    exited: failure.then((e) => ({
      code: argv[0] === undefined || errorCode(e) === "ENOENT" ? 127 : 126,
      signal: null,
    })),
    // There is no process, and pid 0 would mean our own process group: never signal it.
    kill() {},
  };
}

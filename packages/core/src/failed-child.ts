/**
 * The `Child` for a program that could not be started, and one line saying why in terms a user can
 * act on: which is missing or wrong — the folder it runs in, the program, its permission, the
 * interpreter its `#!` line names — and the fix. An engine reports all of these as ENOENT or EACCES
 * (a missing folder too, under the program's name), so the cause is found by looking. Web-standard
 * on purpose: the Bun and Deno adapters use it too.
 */
import type { Child, Platform } from "./platform.ts";

const encoder = new TextEncoder();

/** How failedChild looks at what is there: the adapter's own `stat` and `readTextFile`, and the PATH the program was looked up on. */
export interface SpawnLookup {
  stat: Platform["stat"];
  readTextFile?: Platform["readTextFile"];
  /** The PATH of the environment it was started with. */
  path?: string | undefined;
}

interface Explained {
  why: string;
  /** 127 when something does not exist, 126 when it is there but cannot run, as a shell says. */
  code: 126 | 127;
}

/** The errno name, also from Deno's error classes. */
function errorCode(error: unknown): unknown {
  if (typeof error !== "object" || error === null) return undefined;
  const { code, name } = error as { code?: unknown; name?: unknown };
  if (code !== undefined) return code;
  if (name === "NotFound") return "ENOENT";
  if (name === "PermissionDenied") return "EACCES";
  return undefined;
}

/** The reason from the error alone, for when there is nothing to look at. */
function fromError(error: unknown): Explained {
  const code = errorCode(error);
  if (code === "ENOENT") return { why: "no such file or directory (ENOENT)", code: 127 };
  if (code === "EACCES") return { why: "permission denied: is it executable? (EACCES)", code: 126 };
  return { why: error instanceof Error ? error.message : String(error), code: 126 };
}

const joinPath = (dir: string, name: string) => `${dir.replace(/\/+$/, "")}/${name.replace(/^\.\//, "")}`;

/** Why a program that exists and looks executable still did not start. */
async function unloadable(file: string, error: unknown, look: SpawnLookup): Promise<Explained> {
  const code = errorCode(error);
  if (code === "ENOENT") {
    let first = "";
    try {
      first = (await look.readTextFile?.(file))?.split("\n", 1)[0] ?? "";
    } catch {
      // unreadable: said below without its first line
    }
    if (first.startsWith("#!")) {
      const interpreter = first.slice(2).trim().split(/\s+/)[0] ?? "";
      return {
        why: `its first line "${first.trim()}" names ${interpreter}, which does not exist: install it, or change that line (e.g. #!/usr/bin/env ${interpreter.slice(interpreter.lastIndexOf("/") + 1)})`,
        code: 127,
      };
    }
    return {
      why: `${file} is there but the system cannot load it (ENOENT): a binary built for another system (another libc or architecture) must be rebuilt for this one`,
      code: 127,
    };
  }
  if (code === "ENOEXEC") {
    return {
      why: `${file} is not a program this system can run: a script needs a first line like #!/bin/sh, a binary must be built for this system`,
      code: 126,
    };
  }
  if (code === "EACCES") {
    return {
      why: `permission denied running ${file} (EACCES) although it is executable: is its file system mounted noexec?`,
      code: 126,
    };
  }
  return fromError(error);
}

/**
 * What is wrong with the code folder a runtime starts in, with the fix; undefined when it is a
 * folder. (lambkin checks it when the config is read; this is for one deleted since.)
 */
export async function codeFolderProblem(stat: Platform["stat"], dir: string): Promise<string | undefined> {
  const folder = await stat(dir);
  if (!folder)
    return `the code folder ${dir} does not exist: create it, or point the function's codeDir at its code`;
  if (!folder.isDirectory) return `${dir} is not a folder: point the function's codeDir at its code folder`;
  return undefined;
}

/** What is missing or wrong, found by looking at the folder, the program and the PATH. */
async function explain(
  argv: readonly string[],
  cwd: string,
  error: unknown,
  look: SpawnLookup | undefined,
): Promise<Explained> {
  const program = argv[0];
  if (program === undefined) return { why: "no program given", code: 127 };
  if (!look) return fromError(error);
  try {
    const folderWhy = await codeFolderProblem(look.stat, cwd);
    if (folderWhy) return { why: folderWhy, code: 127 };
    let file: string | undefined;
    if (program.includes("/")) {
      file = program.startsWith("/") ? program : joinPath(cwd, program);
    } else {
      const dirs = (look.path ?? "").split(":").filter(Boolean);
      for (const dir of dirs) {
        const candidate = joinPath(dir, program);
        if ((await look.stat(candidate))?.isFile) {
          file = candidate;
          break;
        }
      }
      if (file === undefined) {
        return {
          why: `"${program}" is not on the PATH (${dirs.join(":") || "empty"}): install it, or give the program's full path`,
          code: 127,
        };
      }
    }
    const info = await look.stat(file);
    if (!info) {
      return {
        why: `there is no file ${file}: add it (chmod +x), or name the program the function runs ("command")`,
        code: 127,
      };
    }
    if (info.isDirectory) return { why: `${file} is a folder, not a program`, code: 126 };
    if (info.mode !== 0 && (info.mode & 0o111) === 0) {
      return { why: `${file} is not executable: chmod +x ${file}`, code: 126 };
    }
    return await unloadable(file, error, look);
  } catch {
    return fromError(error);
  }
}

/**
 * Stands for a program that did not start: `exited` resolves with 127 when something does not
 * exist and 126 otherwise, as a shell would say, and stderr carries one line saying what and the
 * fix. `error` may still be on its way (node reports spawn failures on the next tick). Without
 * `look`, the line says only what the error says.
 */
export function failedChild(argv: readonly string[], cwd: string, error: unknown, look?: SpawnLookup): Child {
  const explained = Promise.resolve(error).then((e) => explain(argv, cwd, e, look));
  const program = argv[0] === undefined ? "(no program given)" : JSON.stringify(argv[0]);
  return {
    pid: 0,
    stdout: new ReadableStream({ start: (controller) => controller.close() }),
    stderr: new ReadableStream({
      async start(controller) {
        const { why } = await explained;
        controller.enqueue(encoder.encode(`lambkin: cannot run ${program} in ${cwd}: ${why}\n`));
        controller.close();
      },
    }),
    exited: explained.then(({ code }) => ({ code, signal: null })),
    // There is no process, and pid 0 would mean our own process group: never signal it.
    kill() {},
  };
}

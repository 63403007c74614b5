/**
 * `lambkin init`: a lambkin.config.json and one sample function in the working folder, as
 * `sam init` and `sst init` start a project, then the commands to run next. It never overwrites:
 * when any file it would write exists, it writes nothing.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { CliError, type ParsedArgs, UsageError } from "./args.ts";
import { DEFAULT_CONFIG_FILES } from "./config-file.ts";
import { currentEngine } from "./engine.ts";
import { functionEngines } from "./function-engines.ts";
import { functionConfig, type InitRuntime, sampleFiles } from "./init-templates.ts";
import type { Output } from "./output.ts";

/** Lambda's rule for function names (letters, digits, hyphens, underscores; 1–64). */
const FUNCTION_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export function initCommand({ values, positionals }: ParsedArgs, out: Output, cwd = process.cwd()): number {
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`, "init");
  const runtime = (values.runtime as InitRuntime | undefined) ?? "node";
  const typescript = values.typescript === true;
  if (typescript && values.javascript === true)
    throw new UsageError("choose one of --typescript and --javascript", "init");
  if (typescript && runtime === "provided") {
    throw new UsageError(
      "--typescript applies to node, bun and deno (a provided function is a bootstrap)",
      "init",
    );
  }
  const name = (values.name as string | undefined) ?? "hello";
  if (!FUNCTION_NAME.test(name)) {
    throw new UsageError(
      `--name must be 1–64 letters, digits, hyphens or underscores (Lambda's rule), got "${name}"`,
      "init",
    );
  }

  const codeDir = `functions/${name}`;
  const config = { port: 3001, urlPort: 3000, functions: { [name]: functionConfig(runtime, codeDir) } };
  const files = [
    { path: "lambkin.config.json", text: `${JSON.stringify(config, null, 2)}\n`, executable: false },
    ...sampleFiles(runtime, typescript, name).map((f) => ({ ...f, path: `${codeDir}/${f.path}` })),
  ];

  // Any config file, not only the one written: lambkin start would read an existing .ts/.js one.
  const existing = [...new Set([...DEFAULT_CONFIG_FILES, ...files.map((f) => f.path)])].filter((p) =>
    existsSync(join(cwd, p)),
  );
  if (existing.length > 0) {
    throw new CliError(
      `init writes nothing here: ${existing.join(", ")} already exist${existing.length === 1 ? "s" : ""} in ${cwd} (run it in a new folder, or add the function to the config by hand)`,
    );
  }
  for (const file of files) {
    const path = join(cwd, file.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, file.text, { flag: "wx" });
    if (file.executable) chmodSync(path, 0o755);
  }

  const made = files.map((f) => f.path).join(", ");
  const lines = [`lambkin: created ${made} (a ${runtime} function "${name}")`, ""];
  const needs = missingEngine(name, runtime, cwd);
  if (needs) lines.push("First, the engine this function runs on:", `  ${needs}`, "");
  lines.push(
    "Next:",
    "  npx lambkin start",
    "Then, in another terminal:",
    `  npx lambkin invoke ${name} --payload '{"name":"you"}'`,
    `  curl 'http://127.0.0.1:3000/${name}/?name=you'`,
    "",
  );
  out.stdout(lines.join("\n"));
  return 0;
}

/** The fix `lambkin start` would print when the function's engine is missing, else undefined. */
function missingEngine(name: string, runtime: InitRuntime, cwd: string): string | undefined {
  if (runtime === "node" || runtime === "provided") return undefined;
  try {
    const bare = { node: [process.execPath], bun: ["bun"], deno: ["deno", "run", "-A"], client: undefined };
    functionEngines(new Map([[name, { runtime }]]), bare, currentEngine(), cwd);
    return undefined;
  } catch (error) {
    const fix = /: (npm i -D .*)$/.exec((error as Error).message)?.[1];
    return fix;
  }
}

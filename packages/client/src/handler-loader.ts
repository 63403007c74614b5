// Finds the function `_HANDLER` names: `path/to/module.export.nested` relative to the task root,
// with the file lookup and error types of AWS's Node.js runtime (extensionless, .js, .mjs, .cjs,
// then TypeScript, then a node_modules package of that name). File system and paths come from the
// host: node:* modules on Node and Bun, Deno's own API on Deno (see host.ts).
import type { EngineName } from "./engine.ts";
import {
  HandlerNotFoundError,
  ImportModuleError,
  MalformedHandlerNameError,
  UserCodeSyntaxError,
} from "./errors.ts";
import type { Host } from "./host.ts";

export interface ParsedHandler {
  /** Folder of the module, relative to the task root ("" for the root itself). */
  moduleRoot: string;
  /** File name without extension. */
  moduleName: string;
  /** Dotted path of the export inside the module (`handler`, `api.main`). */
  exportPath: string;
}

const MODULE_AND_EXPORT = /^([^.]*)\.(.*)$/;
const EXTENSIONS = ["", ".js", ".mjs", ".cjs", ".ts", ".mts", ".cts"] as const;
const TYPESCRIPT = /\.[cm]?ts$/;

export function parseHandlerString(handler: string): ParsedHandler {
  if (handler.includes("..")) {
    throw new MalformedHandlerNameError(
      `'${handler}' is not a valid handler name. Use absolute paths when specifying root directories in handler names.`,
    );
  }
  const base = posixBasename(handler);
  const moduleRoot = handler.slice(0, handler.length - base.length).replace(/\/$/, "");
  const match = MODULE_AND_EXPORT.exec(base);
  if (!match || match[1] === "" || match[2] === "") {
    throw new MalformedHandlerNameError(
      `Bad handler '${handler}': expected path/to/module.export, like index.handler or src/api.main`,
    );
  }
  return { moduleRoot, moduleName: match[1]!, exportPath: match[2]! };
}

export interface LoadOptions {
  host: Host;
  taskRoot: string;
  handler: string;
  engine: EngineName;
  /** Register tsx before importing anything (LAMBKIN_TSX=1), e.g. for a .js file importing .ts. */
  forceTsx?: boolean;
}

/** Imports the handler's module and returns the function it names. */
export async function loadHandler(options: LoadOptions): Promise<(...args: any[]) => unknown> {
  const parsed = parseHandlerString(options.handler);
  const module = await importUserModule(options, parsed);
  const found = resolveExport(module, parsed.exportPath);
  if (!found) {
    throw new HandlerNotFoundError(`${options.handler} is undefined or not exported`);
  }
  if (typeof found !== "function") {
    throw new HandlerNotFoundError(`${options.handler} is not a function`);
  }
  return found as (...args: any[]) => unknown;
}

function resolveExport(module: unknown, exportPath: string): unknown {
  const walk = (root: unknown) =>
    exportPath
      .split(".")
      .reduce<unknown>(
        (node, key) =>
          node !== null && (typeof node === "object" || typeof node === "function")
            ? (node as Record<string, unknown>)[key]
            : undefined,
        root,
      );
  const direct = walk(module);
  if (direct) return direct;
  // A CommonJS module imported as ESM exposes module.exports as `default`; named exports are only
  // there when Node's static analysis found them.
  const fallback = walk((module as { default?: unknown } | null)?.default);
  return fallback ?? direct;
}

async function importUserModule(options: LoadOptions, parsed: ParsedHandler): Promise<unknown> {
  const { host } = options;
  const dir = host.path.resolve(options.taskRoot, parsed.moduleRoot);
  const base = host.path.join(dir, parsed.moduleName);
  try {
    if (options.forceTsx && options.engine === "node") await enableTypeScriptOnNode(options.taskRoot, base);
    for (const extension of EXTENSIONS) {
      const file = base + extension;
      if (await host.isFile(file)) return await importFile(file, options);
    }
    // Last resort, as AWS does: a package of that name under the task root's node_modules.
    const requireFromRoot = await host.createRequire(host.path.join(options.taskRoot, "noop.js"));
    let resolved: string;
    try {
      resolved = requireFromRoot.resolve(parsed.moduleName, { paths: [options.taskRoot, dir] });
    } catch {
      throw new ImportModuleError(
        `Error: Cannot find module '${parsed.moduleName}' in ${dir} (tried ${EXTENSIONS.map((e) => parsed.moduleName + e).join(", ")} and node_modules)`,
      );
    }
    return await importFile(resolved, options);
  } catch (error) {
    throw classifyImportError(error);
  }
}

async function importFile(file: string, options: LoadOptions): Promise<unknown> {
  const { host } = options;
  // Extensionless files are CommonJS in AWS's runtime (loaded with require).
  if (host.path.extname(file) === "") return (await host.createRequire(file))(file);
  if (TYPESCRIPT.test(file) && options.engine === "node")
    await enableTypeScriptOnNode(options.taskRoot, file);
  try {
    return await host.importModule(file);
  } catch (error) {
    // Deno runs a .js file as an ES module unless a package.json says "type": "commonjs"; a
    // CommonJS handler without one fails on its first `exports`/`module`/`require`. Load it the
    // CommonJS way instead, as Node would.
    if (options.engine === "deno" && isCommonJsScopeError(error))
      return (await host.createRequire(file))(file);
    throw error;
  }
}

function isCommonJsScopeError(error: unknown): boolean {
  return (
    error instanceof ReferenceError && /\b(exports|module|require|__dirname|__filename)\b/.test(error.message)
  );
}

/** Node 20 cannot import .ts files by itself: typescript-node.ts registers tsx (Node only). */
async function enableTypeScriptOnNode(taskRoot: string, file: string): Promise<void> {
  await (await import("./typescript-node.ts")).enableTypeScriptOnNode(taskRoot, file);
}

/** `path.posix.basename`: the part after the last slash, trailing slashes ignored. */
function posixBasename(path: string): string {
  const trimmed = path.replace(/\/+$/, "");
  return trimmed.slice(trimmed.lastIndexOf("/") + 1);
}

/** Maps what engines throw for a broken module to AWS's error types. */
function classifyImportError(error: unknown): unknown {
  if (error instanceof ImportModuleError || error instanceof MalformedHandlerNameError) return error;
  const e = error as {
    name?: unknown;
    code?: unknown;
    message?: unknown;
    stack?: unknown;
    errors?: unknown;
  } | null;
  const message = typeof e?.message === "string" ? e.message : "";
  const stack = typeof e?.stack === "string" ? e.stack : undefined;
  // Node: a SyntaxError. Deno: a TypeError whose message starts with "SyntaxError:". Bun: an
  // AggregateError of BuildMessages (one per problem).
  if (error instanceof SyntaxError) return new UserCodeSyntaxError(String(error), stack);
  if (/^SyntaxError: /.test(message)) return new UserCodeSyntaxError(message, stack);
  if (Array.isArray(e?.errors) && e.errors.length > 0 && e.errors.every(isBuildMessage)) {
    const problems = (e.errors as { message?: unknown }[]).map((m) => String(m.message)).join("; ");
    return new UserCodeSyntaxError(`SyntaxError: ${message}: ${problems}`, stack);
  }
  if (isBuildMessage(error)) return new UserCodeSyntaxError(`SyntaxError: ${message}`, stack);
  if (
    e?.code === "MODULE_NOT_FOUND" ||
    e?.code === "ERR_MODULE_NOT_FOUND" ||
    e?.name === "ResolveMessage" ||
    /^Cannot find (module|package)|^Module not found/i.test(message)
  ) {
    return new ImportModuleError(String(error));
  }
  return error;
}

function isBuildMessage(value: unknown): boolean {
  return (value as { name?: unknown } | null)?.name === "BuildMessage";
}

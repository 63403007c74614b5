// Finds the function `_HANDLER` names: `path/to/module.export.nested` relative to the task root,
// with the file lookup and error types of AWS's Node.js runtime (extensionless, .js, .mjs, .cjs,
// then TypeScript, then a node_modules package of that name).
import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import type { EngineName } from "./engine.ts";
import {
  HandlerNotFoundError,
  ImportModuleError,
  MalformedHandlerNameError,
  UserCodeSyntaxError,
} from "./errors.ts";

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
  const base = path.posix.basename(handler);
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
  const dir = path.resolve(options.taskRoot, parsed.moduleRoot);
  const base = path.join(dir, parsed.moduleName);
  try {
    if (options.forceTsx && options.engine === "node") await enableTypeScriptOnNode(options.taskRoot, base);
    for (const extension of EXTENSIONS) {
      const file = base + extension;
      if (isFile(file)) return await importFile(file, options);
    }
    // Last resort, as AWS does: a package of that name under the task root's node_modules.
    const requireFromRoot = createRequire(path.join(options.taskRoot, "noop.js"));
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

function isFile(file: string): boolean {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

async function importFile(file: string, options: LoadOptions): Promise<unknown> {
  // Extensionless files are CommonJS in AWS's runtime (loaded with require).
  if (path.extname(file) === "") return createRequire(file)(file);
  if (TYPESCRIPT.test(file) && options.engine === "node")
    await enableTypeScriptOnNode(options.taskRoot, file);
  try {
    return await import(pathToFileURL(file).href);
  } catch (error) {
    // Deno runs a .js file as an ES module unless a package.json says "type": "commonjs"; a
    // CommonJS handler without one fails on its first `exports`/`module`/`require`. Load it the
    // CommonJS way instead, as Node would.
    if (options.engine === "deno" && isCommonJsScopeError(error)) return createRequire(file)(file);
    throw error;
  }
}

function isCommonJsScopeError(error: unknown): boolean {
  return (
    error instanceof ReferenceError && /\b(exports|module|require|__dirname|__filename)\b/.test(error.message)
  );
}

let typeScriptReady: Promise<void> | undefined;

/**
 * Node 20 cannot import .ts files by itself. Newer Node strips types natively
 * (`process.features.typescript`); otherwise tsx's loader hooks are registered once, taken from the
 * task root's node_modules first (the user's own tsx), then from wherever this client can see it.
 */
function enableTypeScriptOnNode(taskRoot: string, file: string): Promise<void> {
  typeScriptReady ??= (async () => {
    if ((process.features as { typescript?: unknown }).typescript) return;
    const requirers = [createRequire(path.join(taskRoot, "noop.js")), createRequire(import.meta.url)];
    const resolve = (specifier: string): string | undefined => {
      for (const req of requirers) {
        try {
          return req.resolve(specifier);
        } catch {}
      }
      return undefined;
    };
    // tsx/esm/api must be its ES module build: the CommonJS one cannot register the hooks. require
    // resolves the "require" condition, so the "import" file is read from tsx's package.json.
    const manifest = resolve("tsx/package.json");
    const esmApi = manifest ? importTarget(manifest, "./esm/api") : undefined;
    const cjsApi = resolve("tsx/cjs/api");
    if (!esmApi || !cjsApi) {
      throw new ImportModuleError(
        `Error: Cannot load ${file}: TypeScript handlers on Node ${process.versions.node} need tsx (npm install --save-dev tsx in ${taskRoot}) or a Node.js that strips types itself (22.18 or later)`,
      );
    }
    for (const api of [esmApi, cjsApi]) {
      const mod = (await import(pathToFileURL(api).href)) as {
        register?: () => unknown;
        default?: { register?: () => unknown };
      };
      (mod.register ?? mod.default?.register)?.();
    }
  })();
  return typeScriptReady;
}

/** The file a package's `exports[subpath]` gives for `import` (conditions import → default). */
function importTarget(manifestPath: string, subpath: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8")) as { exports?: Record<string, unknown> };
    let target: unknown = manifest.exports?.[subpath];
    while (target !== null && typeof target === "object") {
      const conditions = target as Record<string, unknown>;
      target = conditions.import ?? conditions.node ?? conditions.default;
    }
    return typeof target === "string" ? path.join(path.dirname(manifestPath), target) : undefined;
  } catch {
    return undefined;
  }
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

// TypeScript handlers on Node: Node 20 cannot import .ts files by itself. Loaded by the handler
// loader on Node only, when a handler is TypeScript or LAMBKIN_TSX asks for tsx.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ImportModuleError } from "./errors.ts";

let typeScriptReady: Promise<void> | undefined;

/**
 * Node 20 cannot import .ts files by itself. Newer Node strips types natively
 * (`process.features.typescript`); otherwise tsx's loader hooks are registered once, taken from the
 * task root's node_modules first (the user's own tsx), then from wherever this client can see it.
 */
export function enableTypeScriptOnNode(taskRoot: string, file: string): Promise<void> {
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

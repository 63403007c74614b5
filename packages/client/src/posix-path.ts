// The three node:path operations the handler loader uses, for POSIX paths, without node:path (on
// Deno, any node:* import loads the Node-compatibility layer). Same results as `path.posix`.
import type { PathOps } from "./host.ts";

export function posixPath(cwd: () => string): PathOps {
  return {
    resolve(...segments) {
      let resolved = "";
      for (let i = segments.length - 1; i >= -1 && !resolved.startsWith("/"); i--) {
        const segment = i >= 0 ? segments[i]! : cwd();
        if (segment === "") continue;
        resolved = resolved === "" ? segment : `${segment}/${resolved}`;
      }
      return `/${normalizeSegments(resolved)}`;
    },
    join(...segments) {
      const joined = segments.filter((s) => s !== "").join("/");
      if (joined === "") return ".";
      const normalized = normalizeSegments(joined);
      const absolute = joined.startsWith("/");
      const trailing = joined.endsWith("/") && normalized !== "" ? "/" : "";
      if (absolute) return `/${normalized}${trailing}`;
      return normalized === "" ? "." : normalized + trailing;
    },
    extname(path) {
      const base = path.slice(path.lastIndexOf("/") + 1);
      const dot = base.lastIndexOf(".");
      return dot <= 0 || base === ".." ? "" : base.slice(dot);
    },
  };
}

/** `a//b/./c/../d` → `a/b/d`: no leading or trailing slash; `..` above a relative start is kept. */
function normalizeSegments(path: string): string {
  const absolute = path.startsWith("/");
  const out: string[] = [];
  for (const segment of path.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (out.length > 0 && out[out.length - 1] !== "..") out.pop();
      else if (!absolute) out.push("..");
      continue;
    }
    out.push(segment);
  }
  return out.join("/");
}

/** `pathToFileURL(path).href` of node:url for an absolute POSIX path. */
export function posixFileUrl(path: string): string {
  const url = new URL("file://");
  // As node:url does: `%` and `\` are file-name characters, not escapes or separators; the
  // pathname setter then escapes what a URL cannot hold (space, #, ?, non-ASCII…).
  url.pathname = path
    .replace(/%/g, "%25")
    .replace(/\\/g, "%5C")
    .replace(/\n/g, "%0A")
    .replace(/\r/g, "%0D")
    .replace(/\t/g, "%09");
  return url.href;
}

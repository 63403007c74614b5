// What a sandboxed runtime sees, decided from a small fake file tree (the real bubblewrap runs in
// packages/cli/src/sandbox.test.ts and tests/contract/src/sandbox.contract.ts).
import { describe, expect, it } from "vitest";
import type { ResolvedFunction } from "./config.ts";
import type { DirEntry, Platform } from "./platform.ts";
import { globBase, type MountInput, mountArgs } from "./sandbox-mounts.ts";

/** Folders, files and links (path → target), as a fake disk. */
function disk(dirs: string[], files: string[], links: Record<string, string> = {}): Platform {
  const dirSet = new Set(["/", ...dirs]);
  const resolve = (path: string) => links[path] ?? path;
  const entries = (dir: string): DirEntry[] =>
    [...dirSet, ...files, ...Object.keys(links)]
      .filter((p) => p !== dir && p.slice(0, p.lastIndexOf("/")) === dir)
      .map((p) => ({
        name: p.slice(dir.length + 1),
        isDirectory: dirSet.has(p),
        isSymbolicLink: p in links,
      }));
  return {
    env: {},
    stat: async (path: string) => {
      const real = resolve(path);
      if (dirSet.has(real)) return { isFile: false, isDirectory: true, mode: 0o755 };
      if (files.includes(real)) return { isFile: true, isDirectory: false, mode: 0o755 };
      return undefined;
    },
    host: {
      readDir: async (path: string) => entries(path),
      realPath: async (path: string) => {
        const real = resolve(path);
        return dirSet.has(real) || files.includes(real) ? real : undefined;
      },
    },
  } as unknown as Platform;
}

const fn = (over: Partial<ResolvedFunction>) =>
  ({ codeDir: "/home/me/repo/app/fn", layers: [], watch: [], ...over }) as ResolvedFunction;

const input = (over: Partial<MountInput>): MountInput => ({
  fn: fn({}),
  argv: ["/usr/bin/node", "/home/me/repo/node_modules/@lambkin/client/dist/runtime.js"],
  path: "/usr/bin:/bin",
  projectDir: "/home/me/repo/app",
  home: "/home/me",
  hidden: [],
  ...over,
});

const mounted = (args: string[]) => args.flatMap((a, i) => (a === "--ro-bind" ? [args[i + 1]!] : []));
const covered = (args: string[]) => args.flatMap((a, i) => (a === "--tmpfs" ? [args[i + 1]!] : []));

const REPO = [
  "/usr",
  "/usr/bin",
  "/bin",
  "/etc",
  "/home",
  "/home/me",
  "/home/me/.ssh",
  "/home/me/repo",
  "/home/me/repo/app",
  "/home/me/repo/app/fn",
  "/home/me/repo/app/.lambkin",
  "/home/me/repo/lib",
  "/home/me/repo/private",
  "/home/me/repo/packages",
  "/home/me/repo/packages/shared",
  "/home/me/repo/node_modules",
  "/home/me/repo/node_modules/.bin",
  "/home/me/repo/node_modules/dep",
  "/home/me/repo/node_modules/@acme",
  "/home/me/repo/node_modules/@lambkin",
  "/home/me/repo/node_modules/@lambkin/client",
  "/home/me/repo/node_modules/@lambkin/client/dist",
];
const FILES = ["/usr/bin/node", "/home/me/repo/node_modules/@lambkin/client/dist/runtime.js"];
const LINKS = {
  "/home/me/repo/node_modules/@acme/shared": "/home/me/repo/packages/shared",
  "/home/me/repo/node_modules/.bin/tool": "/home/me/repo/node_modules/dep",
};

describe("mountArgs", () => {
  it("mounts the project, node_modules above it and the workspace packages they link; nothing else of home", async () => {
    const args = await mountArgs(disk(REPO, FILES, LINKS), input({}));
    expect(mounted(args)).toEqual([
      "/bin",
      "/etc",
      "/home/me/repo/app",
      "/home/me/repo/node_modules",
      "/home/me/repo/packages/shared",
      "/usr",
    ]);
  });

  it("adds the folders watch globs start from and layers", async () => {
    const args = await mountArgs(
      disk([...REPO, "/opt/layer"], FILES, LINKS),
      input({
        fn: fn({ watch: ["/home/me/repo/lib/**/*.mjs"], layers: ["/opt/layer"] }),
        projectDir: undefined,
      }),
    );
    expect(mounted(args)).toContain("/home/me/repo/lib");
    expect(mounted(args)).toContain("/home/me/repo/app/fn");
    expect(mounted(args)).toContain("/opt/layer");
    expect(mounted(args)).not.toContain("/home/me/repo/app");
  });

  it("never mounts the home folder, / or above home as a whole, even as the project or a watch base", async () => {
    const args = await mountArgs(
      disk(REPO, FILES, LINKS),
      input({ projectDir: "/home/me", fn: fn({ watch: ["/home/*/notes/**", "/**"] }) }),
    );
    const all = mounted(args);
    expect(all).not.toContain("/home/me");
    expect(all).not.toContain("/home");
    expect(all).not.toContain("/");
    expect(all).toContain("/home/me/repo/app/fn");
  });

  it("mounts where /etc/resolv.conf links to (systemd-resolved), for name resolution", async () => {
    const args = await mountArgs(
      disk(
        [...REPO, "/run", "/run/systemd", "/run/systemd/resolve"],
        [...FILES, "/run/systemd/resolve/stub-resolv.conf"],
        {
          ...LINKS,
          "/etc/resolv.conf": "/run/systemd/resolve/stub-resolv.conf",
        },
      ),
      input({ path: "/usr/bin" }),
    );
    expect(mounted(args)).toContain("/run/systemd/resolve/stub-resolv.conf");
    expect(mounted(args)).not.toContain("/run");
  });

  it("mounts the folders on PATH, and a version manager's whole folder for its shims", async () => {
    const dirs = [
      ...REPO,
      "/home/me/.pyenv",
      "/home/me/.pyenv/shims",
      "/home/me/.pyenv/versions",
      "/tmp",
      "/tmp/x",
      "/home/me/bin",
    ];
    const args = await mountArgs(
      disk(dirs, FILES, LINKS),
      input({ path: "/home/me/.pyenv/shims:/home/me/bin:/tmp/x" }),
    );
    expect(mounted(args)).toContain("/home/me/.pyenv");
    expect(mounted(args)).toContain("/home/me/bin");
    expect(mounted(args)).not.toContain("/tmp/x");
  });

  it("covers lambkin's own folders inside a mounted one with an empty folder", async () => {
    const args = await mountArgs(
      disk(REPO, FILES, LINKS),
      input({ hidden: ["/home/me/repo/app/.lambkin", "/tmp/lambkin-1-abc"] }),
    );
    expect(covered(args)).toEqual(["/home/me/repo/app/.lambkin"]);
  });
});

describe("globBase", () => {
  it.each([
    ["/a/lib/**", "/a/lib"],
    ["/a/lib/*.mjs", "/a/lib"],
    ["/a/{x,y}/**", "/a"],
    ["/a/lib/file.mjs", "/a/lib/file.mjs"],
    ["/**", "/"],
  ])("%s starts from %s", (glob, base) => {
    expect(globBase(glob)).toBe(base);
  });
});

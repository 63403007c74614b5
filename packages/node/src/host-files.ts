/**
 * `Platform.host` on node:fs: the files lambkin keeps for itself (the watchdog's process-group list,
 * environments' /tmp folders, the Event journal). Bun and Deno implement node:fs natively, so their
 * adapters reuse this as it is.
 */
import { appendFileSync, closeSync, fsyncSync, openSync, writeFileSync, writeSync } from "node:fs";
import { mkdir, open, readdir, readFile, realpath, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import type { HostFiles } from "@lambkin/core";

export const hostFiles: HostFiles = {
  pid: process.pid,
  tempDir: () => tmpdir(),
  async mkdir(path) {
    await mkdir(path, { recursive: true, mode: 0o700 });
  },
  writeTextFileSync(path, text) {
    writeFileSync(path, text, { mode: 0o600 });
  },
  async appendTextFile(path, text, durable) {
    if (!durable) {
      appendFileSync(path, text, { mode: 0o600 });
      return;
    }
    // One open, write, fsync, close: the record is on disk when this returns.
    const fd = openSync(path, "a", 0o600);
    try {
      writeSync(fd, text);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  },
  async readTextFileIfExists(path) {
    try {
      return await readFile(path, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
      throw error;
    }
  },
  async remove(path) {
    await rm(path, { recursive: true, force: true });
  },
  async readDir(path) {
    const entries = await readdir(path, { withFileTypes: true }).catch(() => []);
    return entries.map((e) => ({
      name: e.name,
      isDirectory: e.isDirectory(),
      isSymbolicLink: e.isSymbolicLink(),
    }));
  },
  realPath: (path) => realpath(path).catch(() => undefined),
  async readStart(path, bytes) {
    try {
      const file = await open(path, "r");
      try {
        const { buffer, bytesRead } = await file.read(Buffer.alloc(bytes), 0, bytes, 0);
        return buffer.subarray(0, bytesRead).toString("utf8");
      } finally {
        await file.close();
      }
    } catch {
      return undefined;
    }
  },
};

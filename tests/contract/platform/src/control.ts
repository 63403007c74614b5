// What the contract suite asks of an engine, behind one interface: `createControl` runs it
// in-process on a Platform (Node, or inside a Bun/Deno fixture), `controlHandler` exposes that over
// HTTP, and `remoteControl` is the HTTP client the test uses for a fixture on another engine.
// Web-standard only: this file runs on all three engines.
import type { ExitStatus, FileInfo, Platform, Server } from "@lambkin/core";
import { createApp } from "./app.ts";

export interface SpawnResult {
  id: number;
  pid: number;
}

export interface Output {
  /** base64 */
  stdout: string;
  /** base64 */
  stderr: string;
}

export interface Control {
  info(): Promise<{ name: string; version: string; execPath: string; cwd: string; path: string | null }>;
  /**
   * Serves the contract app; resolves with its port. `response` picks the constructor the app
   * answers with: the global `Response`, or the one the Platform offers (`platform.Response`).
   */
  serve(options: { trailers: boolean; response: "global" | "platform" }): Promise<number>;
  close(port: number): Promise<void>;
  spawn(argv: string[], options: { cwd: string; env: Record<string, string> }): Promise<SpawnResult>;
  kill(id: number, signal?: "SIGTERM" | "SIGKILL"): Promise<void>;
  exited(id: number): Promise<ExitStatus>;
  /** Everything the child wrote, once both streams have ended. */
  output(id: number): Promise<Output>;
  readTextFile(path: string): Promise<{ text: string } | { error: string }>;
  stat(path: string): Promise<FileInfo | null>;
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

async function collect(stream: ReadableStream<Uint8Array>): Promise<string> {
  return base64(new Uint8Array(await new Response(stream).arrayBuffer()));
}

export function createControl(platform: Platform & { readonly Response?: typeof Response }): Control {
  const servers = new Map<number, Server>();
  const children = new Map<
    number,
    { kill(signal?: "SIGTERM" | "SIGKILL"): void; exited: Promise<ExitStatus>; output: Promise<Output> }
  >();
  let nextId = 1;
  return {
    info: async () => ({
      name: platform.name,
      version: platform.version,
      execPath: platform.execPath,
      cwd: platform.cwd(),
      path: platform.env.PATH ?? null,
    }),
    async serve({ trailers, response }) {
      const R = response === "platform" ? (platform.Response ?? Response) : Response;
      const server = await platform.serve(createApp(R), { hostname: "127.0.0.1", port: 0, trailers });
      servers.set(server.port, server);
      return server.port;
    },
    async close(port) {
      await servers.get(port)?.close();
      servers.delete(port);
    },
    async spawn(argv, options) {
      const child = platform.spawn(argv, options);
      const id = nextId++;
      // Read both pipes from the start, so a chatty child never blocks on a full pipe.
      const output = Promise.all([collect(child.stdout), collect(child.stderr)]).then(([stdout, stderr]) => ({
        stdout,
        stderr,
      }));
      children.set(id, { kill: (signal) => child.kill(signal), exited: child.exited, output });
      return { id, pid: child.pid };
    },
    async kill(id, signal) {
      children.get(id)!.kill(signal);
    },
    exited: (id) => children.get(id)!.exited,
    output: (id) => children.get(id)!.output,
    async readTextFile(path) {
      try {
        return { text: await platform.readTextFile(path) };
      } catch (error) {
        return { error: String(error) };
      }
    },
    stat: async (path) => (await platform.stat(path)) ?? null,
  };
}

/** Serves `control` as `POST /<method>` with the arguments as a JSON array. */
export function controlHandler(control: Control) {
  return async (request: Request): Promise<Response> => {
    const method = new URL(request.url).pathname.slice(1) as keyof Control;
    const args = (await request.json()) as unknown[];
    try {
      const result = await (control[method] as (...a: unknown[]) => Promise<unknown>)(...args);
      return Response.json({ result: result ?? null });
    } catch (error) {
      return Response.json({ error: String(error) }, { status: 500 });
    }
  };
}

export function remoteControl(baseUrl: string): Control {
  return new Proxy({} as Control, {
    get:
      (_, method: string) =>
      async (...args: unknown[]) => {
        const response = await fetch(`${baseUrl}/${method}`, { method: "POST", body: JSON.stringify(args) });
        const reply = (await response.json()) as { result?: unknown; error?: string };
        if (reply.error !== undefined) throw new Error(`${method} failed in the fixture: ${reply.error}`);
        return reply.result;
      },
  });
}

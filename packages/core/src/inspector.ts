/**
 * Debugging a function: its runtime process runs with its engine's inspector on 127.0.0.1 (one
 * port per environment, from 9229 up, the port debuggers try first), and while a debugger is
 * connected the function's timeout waits, so a paused breakpoint is not killed as a timeout.
 *
 * "Connected" is read from the kernel, not from the inspector: neither Node's nor Deno's
 * `/json/list` changes when a client attaches, and Bun has none. A debugger holds one WebSocket
 * (TCP) connection to the inspector port for as long as it is attached, so an ESTABLISHED
 * connection on that port in /proc/net/tcp is the signal. Where /proc cannot be read, every
 * connection is assumed to be a debugger: the timeout then waits for good while inspecting.
 */
import type { RuntimeName } from "./config.ts";
import type { Platform } from "./platform.ts";

/** The port debuggers attach to by default (Node, Deno, VS Code, chrome://inspect). */
export const FIRST_INSPECTOR_PORT = 9229;
const LAST_INSPECTOR_PORT = 9329;
/** How often a suspended timeout looks again whether the debugger is still connected. */
export const ATTACHED_RECHECK_MS = 500;
const ESTABLISHED = "01";

export class Inspector {
  readonly port: number;
  readonly #platform: Platform;
  readonly #runtime: RuntimeName;

  private constructor(platform: Platform, runtime: RuntimeName, port: number) {
    this.#platform = platform;
    this.#runtime = runtime;
    this.port = port;
  }

  /**
   * Reserves the first free port from 9229 up (checked by binding it) for one environment. When
   * 9229 is busy, it is waited for a moment first: after a reload the environment being replaced
   * frees it as it stops, and a debugger that re-attaches to 9229 (VS Code's `restart`) finds the
   * new one there. Only then: when a live environment of this lambkin holds 9229 (several
   * functions debugged at once), or an earlier environment already waited for it in vain (another
   * program holds it), the next free port is taken at once.
   */
  static open(platform: Platform, runtime: RuntimeName): Promise<Inspector> {
    // One at a time: two environments starting together would both find the same port free
    // (the probe is asynchronous) and the second runtime's inspector would fail to bind it.
    const opened = opening.then(() => Inspector.#open(platform, runtime));
    opening = opened.catch(() => {});
    return opened;
  }

  static async #open(platform: Platform, runtime: RuntimeName): Promise<Inspector> {
    const until = Date.now() + PREFERRED_PORT_WAIT_MS;
    for (;;) {
      const port = await firstFree(platform);
      // Worth waiting for: our own environment that is stopping, or another process's port that
      // no earlier environment has already waited for in vain.
      const mayWait =
        stopping.has(FIRST_INSPECTOR_PORT) || (!taken.has(FIRST_INSPECTOR_PORT) && !waitedInVain);
      if (port === FIRST_INSPECTOR_PORT || (port !== undefined && (!mayWait || Date.now() >= until))) {
        if (port === FIRST_INSPECTOR_PORT) waitedInVain = false;
        else if (mayWait) waitedInVain = true;
        taken.add(port);
        return new Inspector(platform, runtime, port);
      }
      if (port === undefined && Date.now() >= until) {
        throw new Error(
          `no free inspector port on 127.0.0.1 between ${FIRST_INSPECTOR_PORT} and ${LAST_INSPECTOR_PORT}`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The flag that turns the engine's inspector on, for the engine's command line. */
  get flag(): string {
    // Bun takes a path after the port and names its WebSocket by it; Node and Deno make up an id.
    return this.#runtime === "bun"
      ? `--inspect=127.0.0.1:${this.port}/lambkin`
      : `--inspect=127.0.0.1:${this.port}`;
  }

  /** `argv` of an engine running the runtime client, with the inspector flag before the script. */
  argv(argv: string[]): string[] {
    return [...argv.slice(0, -1), this.flag, argv.at(-1)!];
  }

  /** Where a debugger attaches, as the log line shows it. */
  get where(): string {
    return this.#runtime === "bun"
      ? `ws://127.0.0.1:${this.port}/lambkin (https://debug.bun.sh/#127.0.0.1:${this.port}/lambkin)`
      : `127.0.0.1:${this.port} (VS Code "attach" to port ${this.port}, or chrome://inspect; ` +
          `the WebSocket URL is at http://127.0.0.1:${this.port}/json/list)`;
  }

  /** Whether a debugger is connected to this inspector right now. */
  async attached(): Promise<boolean> {
    let table: string;
    try {
      table = await this.#platform.readTextFile("/proc/net/tcp");
    } catch {
      return true;
    }
    return establishedOn(table, this.port);
  }

  /** Its environment is stopping: the port will be free soon (a replacement may wait for it). */
  stopping(): void {
    stopping.add(this.port);
  }

  close(): void {
    taken.delete(this.port);
    stopping.delete(this.port);
  }
}

/** Ports handed to environments still alive (their process may not have bound them yet). */
const taken = new Set<number>();
/** Ports of those environments that are stopping (still taken until their process is gone). */
const stopping = new Set<number>();
/** The `open` in progress, which the next one waits for. */
let opening: Promise<unknown> = Promise.resolve();
/** An environment waited for 9229 and took another port: the next ones do not wait again. */
let waitedInVain = false;
/** How long an environment waits for 9229 to be free before it takes the next port. */
const PREFERRED_PORT_WAIT_MS = 1500;

async function firstFree(platform: Platform): Promise<number | undefined> {
  for (let port = FIRST_INSPECTOR_PORT; port <= LAST_INSPECTOR_PORT; port++) {
    if (taken.has(port)) continue;
    try {
      const probe = await platform.serve(() => new Response(null, { status: 404 }), {
        hostname: "127.0.0.1",
        port,
      });
      await probe.close();
      return port;
    } catch {}
  }
  return undefined;
}

/** Whether /proc/net/tcp lists an ESTABLISHED connection whose local port is `port`. */
export function establishedOn(table: string, port: number): boolean {
  const hexPort = port.toString(16).toUpperCase().padStart(4, "0");
  for (const line of table.split("\n")) {
    // "  sl  local_address rem_address   st ..." → "0: 0100007F:2405 0100007F:A1B2 01 ..."
    const fields = line.trim().split(/\s+/);
    if (fields[3] === ESTABLISHED && fields[1]?.endsWith(`:${hexPort}`)) return true;
  }
  return false;
}

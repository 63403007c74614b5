import { afterEach, describe, expect, it, vi } from "vitest";
import { establishedOn, Inspector } from "./inspector.ts";
import type { Platform } from "./platform.ts";

// /proc/net/tcp as Linux prints it: a debugger connected to 127.0.0.1:9229 (0x240D) shows as the
// runtime's ESTABLISHED socket (local :240D) and the debugger's own (remote :240D).
const TABLE = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:240D 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1 1
   1: 0100007F:240D 0100007F:B4C2 01 00000000:00000000 00:00000000 00000000     0        0 2 1
   2: 0100007F:B4C2 0100007F:240D 01 00000000:00000000 00:00000000 00000000     0        0 3 1
   3: 0100007F:240E 0100007F:9A01 06 00000000:00000000 00:00000000 00000000     0        0 4 1
`;

describe("establishedOn", () => {
  it("sees a connection accepted on the inspector's port", () => {
    expect(establishedOn(TABLE, 9229)).toBe(true);
  });

  it("ignores a port that is only listening or whose connection is closing", () => {
    expect(establishedOn(TABLE, 9230)).toBe(false);
    expect(establishedOn(TABLE.split("\n").slice(0, 2).join("\n"), 9229)).toBe(false);
  });
});

describe("Inspector.open", () => {
  it("gives environments that start together different ports", async () => {
    // Every port free, each probe taking a moment (a real bind and close are asynchronous too).
    const tick = () => new Promise((resolve) => setTimeout(resolve, 5));
    const platform = {
      serve: async (_handler: unknown, options: { port: number }) => {
        await tick();
        return { port: options.port, close: tick };
      },
    } as unknown as Platform;
    const [a, b] = await Promise.all([Inspector.open(platform, "node"), Inspector.open(platform, "node")]);
    try {
      expect(a.port).toBe(9229);
      expect(b.port).toBe(9230);
    } finally {
      a.close();
      b.close();
    }
  });
});

describe("Inspector.open, one environment after another", () => {
  // Bindable ports, except those another program holds; no timers of its own, so every timer
  // left running is Inspector's own wait (faked here: the wait is 1.5 s of logical time).
  const held = new Set<number>();
  const platform = {
    serve: async (_handler: unknown, options: { port: number }) => {
      if (held.has(options.port)) throw new Error("EADDRINUSE");
      return { port: options.port, close: async () => {} };
    },
  } as unknown as Platform;
  const opened: Inspector[] = [];
  afterEach(() => {
    for (const inspector of opened.splice(0)) inspector.close();
    held.clear();
    vi.useRealTimers();
  });

  /** Opens one, and says whether it opened with no timer firing (no waiting). */
  async function open(): Promise<{ inspector: Promise<Inspector>; atOnce: boolean }> {
    const inspector = Inspector.open(platform, "node");
    void inspector.then((i) => opened.push(i));
    // setImmediate is not faked: it runs once every promise that needs no timer has settled.
    const first = await Promise.race([
      inspector.then(() => "opened"),
      new Promise((resolve) => setImmediate(() => resolve("waiting"))),
    ]);
    return { inspector, atOnce: first === "opened" };
  }

  it("takes the next port at once when a live environment holds 9229", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const a = await open();
    expect(a.atOnce).toBe(true);
    expect((await a.inspector).port).toBe(9229);
    const b = await open();
    expect(b.atOnce).toBe(true);
    expect((await b.inspector).port).toBe(9230);
  });

  it("waits for 9229 once when another program holds it, not for every environment", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    held.add(9229);
    const a = await open();
    expect(a.atOnce).toBe(false);
    await vi.advanceTimersByTimeAsync(1600);
    expect((await a.inspector).port).toBe(9230);
    const b = await open();
    expect(b.atOnce).toBe(true);
    expect((await b.inspector).port).toBe(9231);
  });

  it("waits for 9229 when the environment holding it is stopping (a reload)", async () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "Date"] });
    const old = await (await open()).inspector;
    expect(old.port).toBe(9229);
    old.stopping();
    const next = await open();
    expect(next.atOnce).toBe(false);
    await vi.advanceTimersByTimeAsync(500);
    old.close(); // its process has exited
    await vi.advanceTimersByTimeAsync(100);
    expect((await next.inspector).port).toBe(9229);
  });
});

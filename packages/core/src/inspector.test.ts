import { describe, expect, it } from "vitest";
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

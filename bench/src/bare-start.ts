/**
 * An engine's own start-up, for the cold-start comparison: start, then make one HTTP request to
 * the URL given, and exit. The least any runtime must do before its first `next`, in the cheapest
 * way the engine offers: node:http on Node; on Bun and Deno the request written on a socket of
 * their own (`Bun.connect`, `Deno.connect`), which reaches the server sooner than their `fetch`
 * (measured here: Bun ~1.6 ms, Deno ~8 ms, whose fetch builds its HTTP client on the first call)
 * and loads no node:http layer (importing it costs Bun ~12 ms and Deno ~22 ms). So
 * `lambkin cold − this` is everything lambkin and its client add.
 *
 *   node|bun|deno bare-start.js http://127.0.0.1:PORT/
 */
interface BunSocket {
  write(bytes: Uint8Array): number;
  end(): void;
}
const engine = globalThis as {
  Bun?: {
    argv: string[];
    connect(options: {
      hostname: string;
      port: number;
      socket: {
        open(socket: BunSocket): void;
        data(socket: BunSocket, bytes: Uint8Array): void;
        close(): void;
        error(socket: BunSocket, error: Error): void;
      };
    }): Promise<BunSocket>;
  };
  Deno?: {
    args: string[];
    connect(options: { hostname: string; port: number }): Promise<{
      write(bytes: Uint8Array): Promise<number>;
      read(buffer: Uint8Array): Promise<number | null>;
      close(): void;
    }>;
  };
};

/** `GET path` with `Connection: close`: the answer ends when the server closes the socket. */
function request(url: URL): Uint8Array {
  return new TextEncoder().encode(
    `GET ${url.pathname} HTTP/1.1\r\nHost: ${url.host}\r\nConnection: close\r\n\r\n`,
  );
}

if (engine.Deno) {
  const url = new URL(engine.Deno.args[0]!);
  const conn = await engine.Deno.connect({ hostname: url.hostname, port: Number(url.port) });
  const bytes = request(url);
  for (let sent = 0; sent < bytes.length; ) sent += await conn.write(bytes.subarray(sent));
  const buffer = new Uint8Array(4096);
  while ((await conn.read(buffer)) !== null);
  conn.close();
} else if (engine.Bun) {
  const url = new URL(engine.Bun.argv[2]!);
  const bytes = request(url);
  await new Promise<void>((resolve, reject) => {
    void engine
      .Bun!.connect({
        hostname: url.hostname,
        port: Number(url.port),
        socket: {
          open: (socket) => void socket.write(bytes),
          data: () => {},
          close: resolve,
          error: (_socket, error) => reject(error),
        },
      })
      .catch(reject);
  });
} else {
  const { get } = await import("node:http");
  await new Promise<void>((resolve, reject) =>
    get(process.argv[2]!, (res) => res.resume().on("end", resolve)).on("error", reject),
  );
}

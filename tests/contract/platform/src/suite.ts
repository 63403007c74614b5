// The Platform contract, written once. node.test.ts runs it in-process on `nodePlatform`;
// bun.test.ts and deno.test.ts run it over HTTP against a fixture on that engine (the test file
// starts and stops whatever `control` talks to). Every check is
// about behaviour seen from outside: bytes on the wire, processes in /proc.
import { chmod, mkdtemp, readFile, realpath, rm, writeFile } from "node:fs/promises";
import { request as httpRequest, type IncomingMessage } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pattern } from "./app.ts";
import type { Control } from "./control.ts";
import { header, RawConnection, rawRequest } from "./raw-http.ts";

const BIG = 6.5 * 1024 * 1024;
/** Longer than every default server timeout a long-poll could hit (Bun's idleTimeout is 10 s). */
const LONG_POLL_MS = 12_000;

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` until it holds: for things that happen asynchronously elsewhere, not a timing assert. */
async function eventually(check: () => Promise<boolean> | boolean, what: string, ms = 15_000) {
  for (let waited = 0; !(await check()); waited += 50) {
    if (waited > ms) throw new Error(`gave up waiting for ${what}`);
    await pause(50);
  }
}

async function get(port: number, path: string): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`);
  return response.text();
}

function bodyOf(response: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on("data", (chunk: Buffer) => chunks.push(chunk));
    response.on("end", () => resolve(Buffer.concat(chunks)));
    response.on("error", reject);
  });
}

/** A raw GET; the connection is kept for more. */
function rawGet(path: string): string {
  return `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
}

async function until(connection: RawConnection, text: string): Promise<void> {
  await eventually(() => connection.pending.includes(text) || connection.isClosed, `"${text}"`);
  expect(connection.pending.toString()).toContain(text);
}

/**
 * Serving: everything about `serve` a caller or a runtime can observe. Run once with the global
 * `Response` and once with `platform.Response` (the long-poll, 12 s, only in the first run).
 */
export function serveContract(
  name: string,
  control: () => Control,
  options: { response: "global" | "platform"; longPoll: boolean } = { response: "global", longPoll: true },
): void {
  const { response } = options;
  describe(`${name}: serve, answering with the ${response} Response`, () => {
    const ports = { plain: 0, trailers: 0 };
    beforeAll(async () => {
      ports.plain = await control().serve({ trailers: false, response });
      ports.trailers = await control().serve({ trailers: true, response });
    });
    afterAll(async () => {
      await control().close(ports.plain);
      await control().close(ports.trailers);
    });

    describe.each([
      ["a plain server", "plain"],
      ["a trailers server", "trailers"],
    ] as const)("%s", (_, kind) => {
      const port = () => ports[kind];

      it("gives the handler repeated request fields joined and names case-insensitively", async () => {
        const response = await rawRequest(
          port(),
          "GET /echo?q=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Repeat: a\r\nX-Repeat: b\r\nX-MiXeD: v\r\n\r\n",
        );
        expect(response.status).toBe(200);
        const seen = JSON.parse(response.body.toString());
        expect(seen).toMatchObject({
          method: "GET",
          path: "/echo?q=1",
          repeat: "a, b",
          mixed: "v",
          has: true,
        });
        expect(seen.headers).toContainEqual(["x-mixed", "v"]);
        expect(seen.remoteAddress).toBe("127.0.0.1");
      });

      it("writes the response status and fields, each Set-Cookie on its own line", async () => {
        const response = await rawRequest(port(), rawGet("/headers-out"));
        expect(response.status).toBe(201);
        expect(header(response, "set-cookie")).toEqual(["a=1; Path=/", "b=2; Path=/"]);
        expect(header(response, "x-multi").join(", ")).toBe("one, two");
        expect(header(response, "x-mixed-case")).toEqual(["yes"]);
        expect(response.body.toString()).toBe("ok");
      });

      it("handles empty bodies both ways on one kept-alive connection", async () => {
        const connection = await RawConnection.open(port());
        try {
          connection.write("POST /body HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
          const posted = await connection.readResponse();
          expect(posted.status).toBe(200);
          expect(posted.body.length).toBe(0);
          connection.write(rawGet("/empty"));
          const empty = await connection.readResponse();
          expect(empty.status).toBe(200);
          expect(empty.body.length).toBe(0);
          connection.write(rawGet("/empty?status=204"));
          const noContent = await connection.readResponse();
          expect(noContent.status).toBe(204);
          connection.write("POST /text HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
          const chunkedEmpty = await connection.readResponse();
          expect(chunkedEmpty.status).toBe(200);
          expect(chunkedEmpty.body.length).toBe(0);
          expect(connection.isClosed).toBe(false);
        } finally {
          connection.close();
        }
      });

      it("carries a body over 6 MB whole, buffered both ways", async () => {
        const sent = pattern(BIG);
        const response = await fetch(`http://127.0.0.1:${port()}/body`, { method: "POST", body: sent });
        expect(response.status).toBe(200);
        const received = new Uint8Array(await response.arrayBuffer());
        expect(received.length).toBe(sent.length);
        expect(Buffer.compare(received, sent)).toBe(0);
      });

      it("streams a body over 6 MB through the handler both ways", async () => {
        const sent = pattern(BIG);
        const response = await fetch(`http://127.0.0.1:${port()}/pipe`, { method: "POST", body: sent });
        const received = new Uint8Array(await response.arrayBuffer());
        expect(received.length).toBe(sent.length);
        expect(Buffer.compare(received, sent)).toBe(0);
      });

      it("sends a generated response over 6 MB", async () => {
        const received = new Uint8Array(
          await (await fetch(`http://127.0.0.1:${port()}/big?size=${BIG}`)).arrayBuffer(),
        );
        expect(Buffer.compare(received, pattern(BIG))).toBe(0);
      });

      it("hands the request body to the handler as it arrives", async () => {
        const key = `in-${kind}-${Math.random()}`;
        const request = httpRequest({
          host: "127.0.0.1",
          port: port(),
          method: "POST",
          path: `/stream-in?key=${key}`,
          headers: { "transfer-encoding": "chunked" },
        });
        const response = new Promise<IncomingMessage>((resolve, reject) => {
          request.on("response", resolve);
          request.on("error", reject);
        });
        request.write("alpha;");
        // The second chunk goes only once the handler has read the first: a server that waited
        // for the whole body would never answer /seen, and the test would time out.
        expect(await get(port(), `/seen?key=${key}&text=alpha;`)).toBe("seen");
        request.write("beta;");
        request.end();
        expect(JSON.parse((await bodyOf(await response)).toString())).toEqual({ text: "alpha;beta;" });
      });

      it("flushes each chunk of a streamed response as the stream yields it", async () => {
        const key = `out-${kind}-${Math.random()}`;
        const response = await new Promise<IncomingMessage>((resolve, reject) => {
          httpRequest({ host: "127.0.0.1", port: port(), path: `/stream-out?key=${key}` }, resolve)
            .on("error", reject)
            .end();
        });
        expect(response.statusCode).toBe(200);
        let text = "";
        const ended = new Promise<void>((resolve) => response.on("end", resolve));
        const first = new Promise<void>((resolve) => {
          response.on("data", (chunk: Buffer) => {
            text += chunk.toString();
            if (text.includes("first;")) resolve();
          });
        });
        // The app writes its second chunk only after this release: a server that buffered the
        // body would never deliver the first one.
        await first;
        expect(text).toBe("first;");
        expect(await get(port(), `/release?key=${key}`)).toBe("released");
        await ended;
        expect(text).toBe("first;second;");
      });

      it("keeps one connection for many requests", async () => {
        const connection = await RawConnection.open(port());
        try {
          for (let i = 0; i < 5; i++) {
            connection.write(rawGet(`/echo?n=${i}`));
            const response = await connection.readResponse();
            expect(response.status).toBe(200);
            expect(JSON.parse(response.body.toString()).path).toBe(`/echo?n=${i}`);
          }
          expect(connection.isClosed).toBe(false);
        } finally {
          connection.close();
        }
      });

      it("answers 500 when the handler throws, and goes on serving", async () => {
        const response = await fetch(`http://127.0.0.1:${port()}/throw`);
        expect(response.status).toBe(500);
        await response.arrayBuffer();
        expect((await fetch(`http://127.0.0.1:${port()}/echo`)).status).toBe(200);
      });

      it("survives clients that leave mid-request and mid-response", async () => {
        const key = `gone-${kind}-${Math.random()}`;
        const pending = await RawConnection.open(port());
        pending.write(rawGet(`/hang?key=${key}`));
        expect(await get(port(), `/seen?key=${key}&text=arrived;`)).toBe("seen");
        pending.close();

        const streaming = await RawConnection.open(port());
        streaming.write(rawGet(`/stream-out?key=${key}`));
        await until(streaming, "first;");
        streaming.close();

        // Both handlers now answer into closed connections.
        expect(await get(port(), `/release?key=${key}`)).toBe("released");
        const after = await rawRequest(port(), rawGet("/echo"));
        expect(after.status).toBe(200);
      });
    });

    it("gives a trailers server the trailers of a chunked request body", async () => {
      const connection = await RawConnection.open(ports.trailers);
      try {
        connection.write(
          "POST /trailers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n" +
            "Trailer: Lambda-Runtime-Function-Error-Type, Lambda-Runtime-Function-Error-Body\r\n\r\n" +
            "3\r\nabc\r\n2\r\nde\r\n0\r\n" +
            "Lambda-Runtime-Function-Error-Type: Runtime.Boom\r\nLambda-Runtime-Function-Error-Body: eyJ9\r\n\r\n",
        );
        const first = await connection.readResponse();
        expect(first.status).toBe(200);
        expect(JSON.parse(first.body.toString())).toEqual({
          text: "abcde",
          trailers: [
            ["lambda-runtime-function-error-body", "eyJ9"],
            ["lambda-runtime-function-error-type", "Runtime.Boom"],
          ],
        });
        // Trailers after zero body bytes (a stream that failed at once), on the same connection.
        connection.write(
          "POST /trailers HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n" +
            "0\r\nLambda-Runtime-Function-Error-Type: Runtime.Early\r\n\r\n",
        );
        const second = await connection.readResponse();
        expect(JSON.parse(second.body.toString())).toEqual({
          text: "",
          trailers: [["lambda-runtime-function-error-type", "Runtime.Early"]],
        });
        // No trailers at all: an empty set. And no stray reply in between (Bun.serve answers a 400
        // after a body with trailers, parsing them as a new request).
        connection.write("POST /trailers HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi");
        const third = await connection.readResponse();
        expect(third.status).toBe(200);
        expect(JSON.parse(third.body.toString())).toEqual({ text: "hi", trailers: [] });
        expect(connection.pending.length).toBe(0);
        expect(connection.isClosed).toBe(false);
      } finally {
        connection.close();
      }
    });

    if (options.longPoll)
      it(
        "keeps a long-poll pending and an idle kept-alive connection open past default timeouts",
        async () => {
          await Promise.all(
            [ports.plain, ports.trailers].map(async (port) => {
              const poll = await RawConnection.open(port);
              const idle = await RawConnection.open(port);
              try {
                poll.write(rawGet(`/hold?ms=${LONG_POLL_MS}`));
                idle.write(rawGet("/echo"));
                expect((await idle.readResponse()).status).toBe(200);
                const held = await poll.readResponse();
                expect(held.status).toBe(200);
                expect(held.body.toString()).toBe(`held ${LONG_POLL_MS}`);
                // The idle connection sat unused as long as the poll was pending.
                expect(idle.isClosed).toBe(false);
                idle.write(rawGet("/echo"));
                expect((await idle.readResponse()).status).toBe(200);
              } finally {
                poll.close();
                idle.close();
              }
            }),
          );
        },
        LONG_POLL_MS + 30_000,
      );

    it.each([false, true])(
      "close() (trailers: %s) closes idle and busy connections and stops listening",
      async (trailers) => {
        const port = await control().serve({ trailers, response });
        const key = `close-${trailers}-${Math.random()}`;
        const idle = await RawConnection.open(port);
        idle.write(rawGet("/echo"));
        expect((await idle.readResponse()).status).toBe(200);
        const busy = await RawConnection.open(port);
        busy.write(rawGet(`/hang?key=${key}`));
        expect(await get(port, `/seen?key=${key}&text=arrived;`)).toBe("seen");

        await control().close(port);
        await idle.closed;
        await busy.closed;
        await expect(RawConnection.open(port)).rejects.toThrow(/ECONNREFUSED/);
      },
    );
  });
}

/** Processes and files. */
export function processContract(name: string, control: () => Control): void {
  describe(`${name}: spawn and files`, () => {
    let dir: string;
    beforeAll(async () => {
      dir = await realpath(await mkdtemp(join(tmpdir(), "lambkin-platform-")));
    });
    afterAll(async () => {
      if (dir) await rm(dir, { recursive: true, force: true });
    });

    const text = (base64: string) => Buffer.from(base64, "base64").toString();

    it("names itself", async () => {
      const info = await control().info();
      expect(info.name).toBe(name);
      expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
      expect((await control().stat(info.execPath))?.isFile).toBe(true);
      expect(info.path).toBeTruthy();
      expect((await control().stat(info.cwd))?.isDirectory).toBe(true);
    });

    it("starts a child in cwd with exactly the given environment", async () => {
      const env = { LAMBKIN_A: "1", LAMBKIN_B: "two words" };
      const envChild = await control().spawn(["/usr/bin/env"], { cwd: dir, env });
      expect(await control().exited(envChild.id)).toEqual({ code: 0, signal: null });
      expect(
        text((await control().output(envChild.id)).stdout)
          .trim()
          .split("\n")
          .sort(),
      ).toEqual(["LAMBKIN_A=1", "LAMBKIN_B=two words"]);
      const pwd = await control().spawn(["/bin/pwd"], { cwd: dir, env: {} });
      expect(text((await control().output(pwd.id)).stdout)).toBe(`${dir}\n`);
    });

    it("passes stdout and stderr bytes through and reports the exit code", async () => {
      const child = await control().spawn(
        ["/bin/sh", "-c", "printf 'out\\377\\000x'; printf 'err\\n' >&2; exit 3"],
        {
          cwd: dir,
          env: {},
        },
      );
      expect(child.pid).toBeGreaterThan(0);
      expect(await control().exited(child.id)).toEqual({ code: 3, signal: null });
      const output = await control().output(child.id);
      expect([...Buffer.from(output.stdout, "base64")]).toEqual([0x6f, 0x75, 0x74, 0xff, 0x00, 0x78]);
      expect(text(output.stderr)).toBe("err\n");
    });

    it.each(["SIGTERM", "SIGKILL"] as const)(
      "reports the signal name when killed with %s",
      async (signal) => {
        const child = await control().spawn(["/bin/sleep", "100"], { cwd: dir, env: {} });
        await control().kill(child.id, signal);
        expect(await control().exited(child.id)).toEqual({ code: null, signal });
        // Killing again, now that it is gone, is harmless.
        await control().kill(child.id, "SIGKILL");
      },
    );

    it("kills the child's whole process group, grandchildren included", async () => {
      const pidFile = join(dir, `grandchild-${Math.random()}`);
      const child = await control().spawn(["/bin/sh", "-c", 'sleep 100 & echo $! > "$0"; wait', pidFile], {
        cwd: dir,
        env: {},
      });
      let grandchild = 0;
      await eventually(async () => {
        grandchild = Number((await readFile(pidFile, "utf8").catch(() => "")).trim());
        return grandchild > 0;
      }, "the grandchild's pid");
      const stat = async () => (await readFile(`/proc/${grandchild}/stat`, "utf8").catch(() => "")).trim();
      // Fields after the ")" of the command name: state, ppid, pgrp.
      const [state, , pgrp] = (await stat()).split(") ")[1]!.split(" ");
      expect(state).not.toBe("Z");
      expect(Number(pgrp)).toBe(child.pid);

      await control().kill(child.id);
      expect(await control().exited(child.id)).toEqual({ code: null, signal: "SIGTERM" });
      // Gone, or a zombie nobody has reaped yet (PID 1 in a container may not reap).
      await eventually(async () => {
        const s = await stat();
        return s === "" || s.split(") ")[1]!.startsWith("Z");
      }, `grandchild ${grandchild} to die`);
    });

    it("reports a missing program as exit 127 with the reason on stderr", async () => {
      const child = await control().spawn(["/nonexistent/program", "arg"], { cwd: dir, env: {} });
      expect(await control().exited(child.id)).toEqual({ code: 127, signal: null });
      const stderr = text((await control().output(child.id)).stderr);
      expect(stderr).toMatch(/\/nonexistent\/program/);
      expect(stderr.trimEnd().split("\n")).toHaveLength(1);
      await control().kill(child.id, "SIGKILL");
    });

    it("reports a missing cwd as exit 127", async () => {
      const child = await control().spawn(["/bin/pwd"], { cwd: join(dir, "no-such-dir"), env: {} });
      expect(await control().exited(child.id)).toEqual({ code: 127, signal: null });
      expect(text((await control().output(child.id)).stderr)).toMatch(/no-such-dir/);
    });

    it("reports a program that is not executable as exit 126 with the reason on stderr", async () => {
      const script = join(dir, "not-executable.sh");
      await writeFile(script, "#!/bin/sh\necho hi\n");
      await chmod(script, 0o644);
      const child = await control().spawn([script], { cwd: dir, env: {} });
      expect(await control().exited(child.id)).toEqual({ code: 126, signal: null });
      expect(text((await control().output(child.id)).stderr)).toMatch(/not-executable\.sh/);
    });

    it("reads text files, /proc included, and rejects a missing one", async () => {
      const status = await control().readTextFile("/proc/self/status");
      expect("text" in status && status.text).toMatch(/^Name:\t/);
      expect("text" in status && status.text).toMatch(/\nVmHWM:\s+\d+ kB\n/);
      expect(await control().readTextFile(join(dir, "missing"))).toHaveProperty("error");
    });

    it("stats files and directories, and nothing as undefined", async () => {
      const file = join(dir, "file.txt");
      await writeFile(file, "x");
      await chmod(file, 0o640);
      expect(await control().stat(file)).toEqual({ isFile: true, isDirectory: false, mode: 0o640 });
      expect(await control().stat(dir)).toMatchObject({ isFile: false, isDirectory: true });
      expect(await control().stat(join(dir, "missing"))).toBeNull();
      expect(await control().stat(join(file, "below-a-file"))).toBeNull();
    });
  });
}

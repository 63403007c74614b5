// The app every Platform serves in the contract suite: web-standard only, so the same code runs
// in-process on Node and inside the Bun and Deno fixtures. Routes that prove streaming use
// handshakes with the test (it asks the app what it has seen, or tells it when to go on) instead
// of sleeps.
import type { FetchHandler } from "@lambkin/core";

/** Deterministic bytes for large bodies: position-dependent, so a lost or repeated chunk shows. */
export function pattern(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 7 + (i >> 11)) & 0xff;
  return bytes;
}

interface Slot {
  /** What a /stream-in request has received so far. */
  text: string;
  changed: Array<() => void>;
  release: () => void;
  released: Promise<void>;
}

export function createApp(R: typeof Response = Response): FetchHandler {
  const slots = new Map<string, Slot>();
  const slot = (key: string): Slot => {
    let found = slots.get(key);
    if (!found) {
      let release!: () => void;
      const released = new Promise<void>((resolve) => {
        release = resolve;
      });
      found = { text: "", changed: [], release, released };
      slots.set(key, found);
    }
    return found;
  };
  const json = (value: unknown, status = 200) =>
    new R(JSON.stringify(value), { status, headers: { "content-type": "application/json" } });
  const decoder = new TextDecoder();

  return async (request, info) => {
    const url = new URL(request.url);
    const key = url.searchParams.get("key") ?? "";
    switch (url.pathname) {
      case "/echo": {
        const body = await request.bytes();
        return json({
          method: request.method,
          path: url.pathname + url.search,
          headers: [...request.headers],
          repeat: request.headers.get("x-repeat"),
          mixed: request.headers.get("X-MiXeD"),
          has: request.headers.has("X-REPEAT"),
          length: body.byteLength,
          remoteAddress: info.remoteAddress ?? null,
        });
      }
      case "/body":
        return new R(await request.bytes(), { headers: { "content-type": "application/octet-stream" } });
      case "/text":
        return new R(await request.text());
      case "/pipe":
        return new R(request.body);
      case "/big":
        return new R(pattern(Number(url.searchParams.get("size"))));
      case "/empty":
        return new R(null, { status: Number(url.searchParams.get("status") ?? 200) });
      case "/headers-out": {
        const headers = new Headers();
        headers.append("X-Multi", "one");
        headers.append("X-Multi", "two");
        headers.append("Set-Cookie", "a=1; Path=/");
        headers.append("Set-Cookie", "b=2; Path=/");
        headers.append("X-MiXeD-Case", "yes");
        return new R("ok", { status: 201, headers });
      }
      case "/stream-in": {
        const s = slot(key);
        const reader = request.body!.getReader();
        for (;;) {
          const { done, value } = await reader.read();
          if (done) break;
          s.text += decoder.decode(value, { stream: true });
          for (const wake of s.changed.splice(0)) wake();
        }
        return json({ text: s.text });
      }
      case "/seen": {
        // Answers once /stream-in has received `text`: the test sends more only after that.
        const s = slot(key);
        const want = url.searchParams.get("text") ?? "";
        while (!s.text.includes(want)) await new Promise<void>((resolve) => s.changed.push(resolve));
        return new R("seen");
      }
      case "/stream-out": {
        const s = slot(key);
        const encoder = new TextEncoder();
        return new R(
          new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(encoder.encode("first;"));
              // The second chunk waits for the test to say it has read the first.
              void s.released.then(() => {
                try {
                  controller.enqueue(encoder.encode("second;"));
                  controller.close();
                } catch {
                  // The client left and the server cancelled the stream: nobody to write to.
                }
              });
            },
          }),
          { headers: { "content-type": "text/plain" } },
        );
      }
      case "/release":
        slot(key).release();
        return new R("released");
      case "/hang": {
        // Pending until released; says it has arrived, so the test can act on a pending request.
        const s = slot(key);
        s.text += "arrived;";
        for (const wake of s.changed.splice(0)) wake();
        await s.released;
        return new R("released");
      }
      case "/trailers": {
        const text = await request.text();
        const trailers = await info.trailers();
        return json({ text, trailers: [...trailers] });
      }
      case "/hold": {
        // The long-poll: a reply only after `ms`, longer than any default server timeout.
        const ms = Number(url.searchParams.get("ms"));
        await new Promise((resolve) => setTimeout(resolve, ms));
        return new R(`held ${ms}`);
      }
      case "/throw":
        throw new Error("the handler failed on purpose");
      default:
        return new R("not found", { status: 404 });
    }
  };
}

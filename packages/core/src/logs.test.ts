import { describe, expect, it } from "vitest";
import { readLines, tailLogResult } from "./logs.ts";

const streamOf = (...chunks: (string | Uint8Array)[]) =>
  new ReadableStream<Uint8Array>({
    start(c) {
      for (const chunk of chunks)
        c.enqueue(typeof chunk === "string" ? new TextEncoder().encode(chunk) : chunk);
      c.close();
    },
  });

async function lines(...chunks: (string | Uint8Array)[]) {
  const out: string[] = [];
  await readLines(streamOf(...chunks), (l) => out.push(l));
  return out;
}

describe("readLines", () => {
  it("splits on \\n and \\r\\n across chunk boundaries, keeping a last line without newline", async () => {
    expect(await lines("a\nb", "c\r\nd\n\ne")).toEqual(["a", "bc", "d", "", "e"]);
  });

  it("keeps \\r inside a line (Lambda's multi-line records)", async () => {
    expect(await lines("one\rtwo\n")).toEqual(["one\rtwo"]);
  });

  it("decodes UTF-8 split inside a character", async () => {
    const bytes = new TextEncoder().encode("héllo ✓\n");
    expect(await lines(bytes.subarray(0, 2), bytes.subarray(2, 9), bytes.subarray(9))).toEqual(["héllo ✓"]);
  });
});

describe("tailLogResult", () => {
  const decode = (b64: string) =>
    new TextDecoder().decode(Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)));

  it("is base64 of the lines, newline-terminated", () => {
    expect(decode(tailLogResult(["START", "x", "END"]))).toBe("START\nx\nEND\n");
    expect(tailLogResult([])).toBe("");
  });

  it("keeps only the last 4096 bytes", () => {
    const all = Array.from({ length: 500 }, (_, i) => `line ${i}`);
    const raw = Uint8Array.from(atob(tailLogResult(all)), (c) => c.charCodeAt(0));
    expect(raw.length).toBe(4096);
    expect(new TextDecoder().decode(raw).endsWith("line 499\n")).toBe(true);
  });
});

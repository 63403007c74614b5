/** Reading request and response bodies whole, within a size limit. */

/**
 * Reads a stream to its end; returns undefined (and cancels the stream) as soon as it exceeds
 * `limit` bytes, so an endless body cannot fill memory. Rejects when the stream errors.
 */
export async function collect(
  stream: ReadableStream<Uint8Array>,
  limit = Number.POSITIVE_INFINITY,
): Promise<Uint8Array | undefined> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = stream.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      reader.cancel().catch(() => {});
      return undefined;
    }
    chunks.push(value);
  }
  if (chunks.length === 1) return chunks[0]!;
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** Reads a whole request body, or returns undefined as soon as it exceeds `limit` bytes. */
export async function readBody(request: Request, limit: number): Promise<Uint8Array | undefined> {
  const declared = request.headers.get("content-length");
  if (declared !== null && Number(declared) > limit) {
    // Drain in the background so the connection stays usable for the peer's next request.
    request.body?.cancel().catch(() => {});
    return undefined;
  }
  // Buffered bodies are read whole: touching `request.body` would build a ReadableStream (costly
  // on Node) that a declared length makes unnecessary.
  if (declared !== null) {
    // `bytes()` hands over the bytes without the copy `arrayBuffer()` makes on some engines.
    const withBytes = request as Request & { bytes?: () => Promise<Uint8Array> };
    return typeof withBytes.bytes === "function"
      ? withBytes.bytes()
      : new Uint8Array(await request.arrayBuffer());
  }
  // Chunked: counted as it arrives.
  return request.body ? collect(request.body, limit) : new Uint8Array(0);
}

// Reading a request body with a size cap, for the API and the inbound receiver alike.

/**
 * Bodies the custom server has already read (scripts/start/direct-routes.ts), at most one byte
 * past the route's cap. It hands the handler a Request without a body stream, because building
 * and draining a web stream cost more CPU than the rest of a publish's HTTP handling.
 */
export const bodiesReadByServer = new WeakMap<Request, Uint8Array>();

/**
 * The body, or null when it is larger than `maxBytes`. The declared Content-Length is checked
 * first, then the bytes as they stream in, so an oversized body is never buffered whole.
 */
export async function readBodyCapped(request: Request, maxBytes: number): Promise<Uint8Array | null> {
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (Number.isFinite(declared) && declared > maxBytes) return null;
  const read = bodiesReadByServer.get(request);
  if (read) return read.byteLength > maxBytes ? null : read;
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      return null;
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

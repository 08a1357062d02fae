/**
 * Reading the start of a response body without losing the rest: what
 * `compress()` needs to see whether a body is too small to be worth
 * compressing, and `etag()` to hash a body that fits in memory.
 *
 * @module
 */

import { _concatBytes } from "../_http.ts";

/** What {@linkcode _readUpTo} found: the whole body, or a stream that replays what was read and then the rest. */
export type _BodyRead =
  | { readonly complete: true; readonly bytes: Uint8Array }
  | { readonly complete: false; readonly body: ReadableStream<Uint8Array> };

/**
 * Reads `body` while it stays within `maxBytes`. A body that ends within it
 * comes back whole; a longer one (or one that errors, or yields something
 * other than bytes) comes back as a stream equivalent to the original, which
 * must then be used instead of it.
 */
export async function _readUpTo(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<_BodyRead> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    let read: ReadableStreamReadResult<Uint8Array>;
    try {
      read = await reader.read();
    } catch {
      // The replay reads again and meets the same error, where the consumer will see it.
      return { complete: false, body: _replay(chunks, reader) };
    }
    if (read.done) return { complete: true, bytes: _concatBytes(chunks, size) };
    const chunk = read.value;
    chunks.push(chunk);
    if (!(chunk instanceof Uint8Array)) return { complete: false, body: _replay(chunks, reader) };
    size += chunk.byteLength;
    if (size > maxBytes) return { complete: false, body: _replay(chunks, reader) };
  }
}

/** A stream of `chunks`, then of what `reader` has left; cancelling it cancels the reader. */
function _replay(
  chunks: Uint8Array[],
  reader: ReadableStreamDefaultReader<Uint8Array>,
): ReadableStream<Uint8Array> {
  let index = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (index < chunks.length) {
        controller.enqueue(chunks[index++] as Uint8Array);
        return;
      }
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  }, { highWaterMark: 0 });
}

/**
 * A byte range of an open file as a `ReadableStream`, read a chunk at a time
 * when the consumer asks: a file is never held in memory whole, and the handle
 * is closed when the range is sent, the stream is cancelled (the client went
 * away) or a read fails.
 *
 * @module
 */

import type { _FileHandle } from "./_fs.ts";

/** Bytes read per pull: the size Node's own file streams use. */
const CHUNK_BYTES = 64 * 1024;

/**
 * Streams `length` bytes of `handle` from `start`, then closes it. A file that
 * shrank while it was sent errors the stream (the connection is cut rather
 * than the body falling short of its `Content-Length`).
 */
export function _fileStream(
  handle: _FileHandle,
  start: number,
  length: number,
): ReadableStream<Uint8Array> {
  const end = start + length;
  let position = start;
  let closing: Promise<void> | undefined;
  // A close that fails leaves nothing to do for this response; the stream's own outcome stands.
  const close = () => closing ??= handle.close().catch(() => {});
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const size = Math.min(CHUNK_BYTES, end - position);
        const buffer = new Uint8Array(size);
        const { bytesRead } = await handle.read(buffer, 0, size, position);
        if (bytesRead === 0) {
          throw new Error(
            `The file ended at byte ${position} of the ${end} announced: it changed while it was sent`,
          );
        }
        position += bytesRead;
        controller.enqueue(bytesRead === size ? buffer : buffer.subarray(0, bytesRead));
        if (position >= end) {
          await close();
          controller.close();
        }
      } catch (error) {
        await close();
        controller.error(error);
      }
    },
    cancel: close,
  });
}

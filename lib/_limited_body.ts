/**
 * Reading a request body whole without reading more than a limit: the
 * counting behind a validated route's `bodyLimit` (and the 413 that
 * `bodyLimit()` answers too, with the same words), so that a client cannot
 * make the server buffer more than it allows.
 *
 * @module
 */

import { HttpError } from "./http_error.ts";
import { _concatBytes } from "./_http.ts";

/** The `413` for a body over `maxBytes`. */
export function _tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, `The request body is larger than the limit of ${maxBytes} bytes`);
}

/** A failed read as latch answers it: an `HttpError` as it is (a `bodyLimit()` in front), else a 400. */
function _unreadable(error: unknown): never {
  if (error instanceof HttpError) throw error;
  throw new HttpError(400, "The request body could not be read to its end", { cause: error });
}

/**
 * `then` applied to the bytes of `request`'s body, at most `maxBytes` of
 * them (one promise step: the caller's work runs in the read's callback).
 * Rejects with a `413` once the body passes the limit (cancelling the rest of
 * the upload), a `400` when it cannot be read, and with the error itself when
 * it is already an `HttpError` (a `bodyLimit()` in front refused it first).
 */
export function _readLimited<T>(
  request: Request,
  maxBytes: number,
  then: (bytes: Uint8Array) => T,
): Promise<Awaited<T>> {
  const declared = request.headers.get("content-length");
  if (declared !== null) {
    const length = Number(declared);
    if (length > maxBytes) {
      request.body?.cancel().catch(() => {});
      return Promise.reject(_tooLarge(maxBytes));
    }
    // Fast path: a server never hands on more than the Content-Length it framed the body by,
    // so the native read is bounded (the size is still checked after, for a synthetic Request);
    // and `request.body` is not touched, which would make a stream of it on Deno.
    if (Number.isSafeInteger(length)) {
      // bytes() where the runtime has it: one copy fewer than arrayBuffer().
      const read: Promise<Uint8Array | ArrayBuffer> = typeof request.bytes === "function"
        ? request.bytes()
        : request.arrayBuffer();
      return read.then((buffer) => {
        if (buffer.byteLength > maxBytes) throw _tooLarge(maxBytes);
        return then(buffer instanceof Uint8Array ? buffer : new Uint8Array(buffer));
      }, _unreadable) as Promise<Awaited<T>>;
    }
  }
  const body = request.body;
  const bytes = body === null ? Promise.resolve(new Uint8Array(0)) : _countedRead(body, maxBytes);
  return bytes.then(then) as Promise<Awaited<T>>;
}

/** Reads a body of unknown length chunk by chunk, counting, and stops at the first byte over. */
async function _countedRead(
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<Uint8Array> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read().catch(_unreadable);
    if (done) break;
    if (!(value instanceof Uint8Array)) {
      reader.cancel().catch(() => {});
      throw new HttpError(400, "The request body could not be read to its end");
    }
    size += value.byteLength;
    if (size > maxBytes) {
      reader.cancel().catch(() => {});
      throw _tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return _concatBytes(chunks, size);
}

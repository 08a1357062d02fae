/**
 * `bodyLimit()`: answers `413 Content Too Large` for request bodies over a
 * limit, whether they declare their size in `Content-Length` or stream
 * without one.
 *
 * @module
 */

import type { Middleware } from "../build.ts";
import type { AppTypes } from "../context.ts";
import { HttpError } from "../http_error.ts";
import { _DerivedRequest } from "../_http.ts";
import { _then } from "./_headers.ts";

/**
 * Refuses request bodies larger than `maxBytes` with `413`, answered through
 * the app's error handling (`app.onError(413)`, else a problem body).
 *
 * A `Content-Length` over the limit is answered at once, without reading the
 * body or reaching a handler. Any other body is handed on wrapped in a stream
 * that counts it: once it passes the limit, the handler's read
 * (`request.text()`, `request.json()`, a reader) rejects with an
 * `HttpError(413)`, the upload is cancelled, and the response is `413`
 * whether the handler let the error propagate or answered something else.
 *
 * @param maxBytes The largest body accepted, in bytes; 0 refuses any body.
 * @returns The middleware.
 * @throws {RangeError} When `maxBytes` is not a whole number of bytes, 0 or more.
 *
 * @example A handler that reads an oversize upload ends up as 413
 * ```ts
 * import { App } from "@latch/latch";
 * import { bodyLimit } from "@latch/latch/middleware";
 * import assert from "node:assert/strict";
 *
 * const app = new App().use(bodyLimit(1024));
 * app.post("/notes", async (request) => new Response(`${(await request.text()).length} bytes`));
 *
 * const small = await app.fetch(new Request("http://localhost/notes", { method: "POST", body: "hi" }));
 * assert.equal(await small.text(), "2 bytes");
 *
 * const stream = new Blob(["x".repeat(4096)]).stream(); // no Content-Length
 * const large = await app.fetch(
 *   new Request("http://localhost/notes", { method: "POST", body: stream, duplex: "half" } as RequestInit),
 * );
 * assert.equal(large.status, 413);
 * ```
 */
export function bodyLimit<T extends AppTypes = AppTypes>(maxBytes: number): Middleware<T> {
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new RangeError(
      `bodyLimit() takes the largest body accepted as a whole number of bytes, 0 or more, got ${
        String(maxBytes)
      }: pass it like bodyLimit(1024 * 1024)`,
    );
  }
  const detail = `The request body is larger than the limit of ${maxBytes} bytes`;
  return (next, build) => (request, ctx) => {
    // Through the app's error handling, so that app.onError(413) answers it.
    const tooLarge = () => build.respond(new HttpError(413, detail), request, ctx);
    const body = request.body;
    if (body === null) return next(request, ctx);
    const declared = request.headers.get("content-length");
    if (declared !== null && Number(declared) > maxBytes) {
      body.cancel().catch(() => {});
      return tooLarge();
    }
    // A body within its Content-Length is still counted: a synthetic Request
    // (tests, mounts, a proxy) can declare one length and carry more.
    let exceeded = false;
    let seen = 0;
    const reader = body.getReader();
    const counted = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const { done, value } = await reader.read();
        if (done) return controller.close();
        seen += value.byteLength;
        if (seen <= maxBytes) return controller.enqueue(value);
        exceeded = true;
        const error = new HttpError(413, detail);
        controller.error(error);
        await reader.cancel(error).catch(() => {});
      },
      cancel: (reason) => reader.cancel(reason),
      // Nothing is read until the handler reads: a handler that ignores the body costs nothing.
    }, { highWaterMark: 0 });
    const limited = new _DerivedRequest(request, request.url, counted);
    return _then(next(limited, ctx), limited, (_request, response) => {
      if (!exceeded || response.status === 413) return response;
      // The handler caught the read error and answered otherwise: the body was still too large.
      response.body?.cancel().catch(() => {});
      return tooLarge();
    });
  };
}

/**
 * `compress()`: gzip or deflate response bodies with the web-standard
 * `CompressionStream`, by the request's `Accept-Encoding`, for the types and
 * sizes where it pays.
 *
 * @module
 */

import type { Middleware } from "../build.ts";
import type { AppTypes } from "../context.ts";
import { _appendVary, _setHeaders, _then } from "./_headers.ts";
import { _readUpTo } from "./_body.ts";

/** A content coding `CompressionStream` can produce, as `Accept-Encoding` names it. */
export type Encoding = "gzip" | "deflate";

/** Options for {@linkcode compress}. */
export interface CompressOptions {
  /**
   * The codings to offer, best first; a client's higher q-value wins, and
   * this order breaks ties. Defaults to `["gzip", "deflate"]`.
   */
  encodings?: readonly Encoding[] | undefined;
  /**
   * Bodies smaller than this many bytes are sent as they are. A body without
   * `Content-Length` is read up to this size to find out. Defaults to 1024.
   */
  threshold?: number | undefined;
  /**
   * Whether a `Content-Type` is worth compressing. Defaults to text (except
   * `text/event-stream`), JSON, JavaScript, XML, SVG and WebAssembly, with
   * their `+json` and `+xml` variants.
   */
  compressible?: ((contentType: string) => boolean) | undefined;
}

const COMPRESSIBLE =
  /^\s*(?:text\/(?!event-stream)|application\/(?:json|javascript|ecmascript|x-javascript|xml|wasm|[\w.-]+\+(?:json|xml))\b|image\/svg\+xml\b)/i;

/**
 * workerd compresses a body itself, by the response's `Content-Encoding`, unless the response
 * says its body is encoded already: without this a client would get it gzipped twice. Deno,
 * Bun and Node.js ignore the member, as every runtime ignores a `ResponseInit` member it
 * does not know.
 */
const _ENCODED = { encodeBody: "manual" } as ResponseInit;

const NO_TRANSFORM = /(?:^|,)\s*no-transform\s*(?:,|$)/i;

/** Different `Accept-Encoding` values kept parsed; the cache is emptied when full, so a client cannot grow it. */
const CACHE_SIZE = 64;

/**
 * Compresses response bodies with gzip or deflate when the client accepts it.
 *
 * A response is sent as it is when its status is 1xx, 204, 206 or 304; it
 * has no body, a `Content-Encoding` already, a type that `compressible`
 * refuses, `Cache-Control: no-transform`, or fewer bytes than `threshold` (a
 * 304 gets `Vary: Accept-Encoding`, which the response it stands for may have
 * had, and the weak form of its strong `ETag` when that is what the client
 * holds). Otherwise it gets `Vary: Accept-Encoding`, and if the client accepts
 * one of `encodings` (q-values honoured, `q=0` refuses, `*` stands for the
 * codings not named, an `identity` preferred over them wins), it is
 * compressed as a stream: `Content-Encoding` set, `Content-Length` and
 * `Accept-Ranges` removed (a range would be served from the uncompressed
 * body), and a strong `ETag` made weak, since the bytes are no longer the
 * ones it named. A response to `HEAD` gets the headers the `GET` would get
 * when its `Content-Length` says the `GET` would be compressed (and only
 * `Vary` when it has none), so it never announces the uncompressed length.
 *
 * Add it before `etag()`, so that the tag is computed on the uncompressed body.
 * On workerd the compressed response says its body is encoded already
 * (`encodeBody: "manual"`), so the runtime does not compress it a second time.
 *
 * @param options The codings, the size threshold and which types to compress.
 * @returns The middleware.
 * @throws {TypeError} When `encodings` names something other than gzip or deflate, or
 * `compressible` is not a function.
 * @throws {RangeError} When `threshold` is not a whole number of bytes, 0 or more.
 *
 * @example
 * ```ts
 * import { App } from "@latch/latch";
 * import { compress } from "@latch/latch/middleware";
 * import assert from "node:assert/strict";
 *
 * const notes = Array.from({ length: 100 }, (_, id) => ({ id, text: "a note" }));
 * const app = new App().use(compress()).get("/notes", () => Response.json(notes));
 *
 * const response = await app.fetch(
 *   new Request("http://localhost/notes", { headers: { "accept-encoding": "gzip, br" } }),
 * );
 * assert.equal(response.headers.get("content-encoding"), "gzip");
 * assert.equal(response.headers.get("vary"), "Accept-Encoding");
 * const text = await new Response(response.body!.pipeThrough(new DecompressionStream("gzip"))).text();
 * assert.deepEqual(JSON.parse(text), notes);
 * ```
 */
export function compress<T extends AppTypes = AppTypes>(
  options: CompressOptions = {},
): Middleware<T> {
  const encodings = options.encodings ?? ["gzip", "deflate"];
  if (
    !Array.isArray(encodings) || encodings.length === 0 ||
    !encodings.every((encoding) => encoding === "gzip" || encoding === "deflate")
  ) {
    throw new TypeError(
      `compress() encodings must list "gzip" and/or "deflate", best first, got ${
        JSON.stringify(encodings)
      }`,
    );
  }
  const threshold = options.threshold ?? 1024;
  if (!Number.isSafeInteger(threshold) || threshold < 0) {
    throw new RangeError(
      `compress() threshold must be a whole number of bytes, 0 or more, got ${String(threshold)}`,
    );
  }
  const compressible = options.compressible ?? ((type: string) => COMPRESSIBLE.test(type));
  if (typeof compressible !== "function") {
    throw new TypeError(`compress() compressible must be a function (contentType) => boolean`);
  }
  const choose = _encodingChooser(encodings);
  const markEncoded: Readonly<Record<Encoding, (headers: Headers) => void>> = {
    gzip: (headers) => _markEncoded(headers, "gzip"),
    deflate: (headers) => _markEncoded(headers, "deflate"),
  };

  const compressed = (response: Response, body: ReadableStream<Uint8Array>, encoding: Encoding) => {
    const headers = new Headers(response.headers);
    _markEncoded(headers, encoding);
    // Body chunks are bytes; the DOM types only doubt whether their buffer is an ArrayBuffer.
    const bytes = body as ReadableStream<Uint8Array<ArrayBuffer>>;
    return new Response(bytes.pipeThrough(new CompressionStream(encoding)), {
      status: response.status,
      statusText: response.statusText,
      headers,
      ..._ENCODED,
    });
  };

  const respond = (request: Request, response: Response): Response | Promise<Response> => {
    const status = response.status;
    // A 304 must repeat the Vary of the 200 it stands for, which may have been compressed.
    if (status === 304) {
      const etag = response.headers.get("etag");
      // The client holds the tag weakened for a compressed copy: a strong one would match no
      // stored response, and a cache must not use it to update any (RFC 9111 4.3.4).
      if (etag === null || etag.startsWith("W/")) {
        return _setHeaders(response, _varyOnAcceptEncoding);
      }
      const weak = `W/${etag}`;
      const held = request.headers.get("if-none-match");
      if (held === null || !held.includes(weak)) {
        return _setHeaders(response, _varyOnAcceptEncoding);
      }
      return _setHeaders(response, (headers) => {
        _appendVary(headers, "Accept-Encoding");
        headers.set("etag", weak);
      });
    }
    if (status < 200 || status === 204 || status === 206) return response;
    // Headers first: reading `body` makes a stream of a string or buffer body on Deno.
    const headers = response.headers;
    if (headers.has("content-encoding")) return response;
    const type = headers.get("content-type");
    if (type === null || !compressible(type)) return response;
    const cacheControl = headers.get("cache-control");
    if (cacheControl !== null && NO_TRANSFORM.test(cacheControl)) return response;
    const length = headers.get("content-length");
    // Size is the response's own property: a small one needs no Vary.
    if (length !== null && Number(length) < threshold) return response;
    const body = response.body;
    // The router drops a GET's body for HEAD: its headers must still be the GET's (RFC 9110 9.3.2).
    const head = request.method === "HEAD";
    if (body === null && !head) return response;
    const encoding = choose(request.headers.get("accept-encoding"));
    if (encoding === undefined) {
      return _setHeaders(response, _varyOnAcceptEncoding);
    }
    if (head || body === null) {
      // A GET of known size would be compressed: its uncompressed Content-Length must go
      // (RFC 9110 8.6). Of unknown size, it may be too small: only Vary is certain.
      return _setHeaders(
        response,
        length !== null || threshold === 0 ? markEncoded[encoding] : _varyOnAcceptEncoding,
      );
    }
    // Fast path: a known length at or over the threshold, or no threshold, needs no peek.
    if (length !== null || threshold === 0) return compressed(response, body, encoding);
    return _readUpTo(body, threshold - 1).then((read) =>
      read.complete
        ? new Response(read.bytes as Uint8Array<ArrayBuffer>, response)
        : compressed(response, read.body, encoding)
    );
  };

  return (next) => (request, ctx) => _then(next(request, ctx), request, respond);
}

/**
 * The headers of a response whose body is sent with `encoding`: no
 * `Content-Length` (that was the uncompressed one) nor `Accept-Ranges`;
 * `Content-Encoding`, `Vary`, and a strong `ETag` made weak, since the bytes
 * are no longer the ones it named. Its first change is a delete, so immutable
 * headers throw before any.
 */
function _markEncoded(headers: Headers, encoding: Encoding): void {
  headers.delete("content-length");
  // Byte ranges would be served from the uncompressed body, and could not be spliced into this one.
  headers.delete("accept-ranges");
  headers.set("content-encoding", encoding);
  _appendVary(headers, "Accept-Encoding");
  const etag = headers.get("etag");
  if (etag !== null && !etag.startsWith("W/")) headers.set("etag", `W/${etag}`);
}

function _varyOnAcceptEncoding(headers: Headers): void {
  _appendVary(headers, "Accept-Encoding");
}

/** A function from `Accept-Encoding` to the coding to use, or `undefined` for none, caching its answers. */
function _encodingChooser(
  encodings: readonly Encoding[],
): (header: string | null) => Encoding | undefined {
  const cache = new Map<string, Encoding | undefined>();
  return (header) => {
    // No header: RFC 9110 allows any coding, but clients that send none rarely decode one.
    if (header === null) return undefined;
    const cached = cache.get(header);
    if (cached !== undefined || cache.has(header)) return cached;
    const chosen = _choose(header, encodings);
    if (cache.size >= CACHE_SIZE) cache.clear();
    cache.set(header, chosen);
    return chosen;
  };
}

/** The coding in `encodings` with the highest q-value in `header`; ties go to the first listed. */
function _choose(header: string, encodings: readonly Encoding[]): Encoding | undefined {
  const weights = new Map<string, number>();
  for (const part of header.split(",")) {
    const [token = "", ...parameters] = part.split(";");
    const name = token.trim().toLowerCase();
    if (name === "" || weights.has(name)) continue;
    let weight = 1;
    for (const parameter of parameters) {
      const [key = "", value = ""] = parameter.split("=");
      if (key.trim().toLowerCase() !== "q") continue;
      const parsed = Number(value.trim());
      // A malformed q-value is read as 0: better not to compress than to send what was refused.
      weight = value.trim() !== "" && parsed >= 0 && parsed <= 1 ? parsed : 0;
    }
    weights.set(name === "x-gzip" ? "gzip" : name, weight);
  }
  const any = weights.get("*");
  let best: Encoding | undefined;
  let bestWeight = 0;
  for (const encoding of encodings) {
    const weight = weights.get(encoding) ?? any ?? 0;
    if (weight > bestWeight) {
      best = encoding;
      bestWeight = weight;
    }
  }
  const identity = weights.get("identity");
  return identity !== undefined && identity > bestWeight ? undefined : best;
}

/**
 * `etag()`: weak ETags computed from response bodies, and `304 Not
 * Modified` for a request whose `If-None-Match` already has the current one.
 *
 * @module
 */

import type { Middleware } from "../build.ts";
import type { AppTypes } from "../context.ts";
import { _readUpTo } from "./_body.ts";
import { _TOKEN } from "../_http.ts";
import { _then } from "./_headers.ts";

/** Options for {@linkcode etag}. */
export interface EtagOptions {
  /**
   * The largest body to hash, in bytes; a larger one is sent without an ETag.
   * Bodies are held in memory while hashed. Defaults to 1 MiB.
   */
  maxBytes?: number | undefined;
  /**
   * Headers a `304` keeps from the response it replaces. Defaults to those
   * RFC 9110 asks for: `Cache-Control`, `Content-Location`, `Date`, `ETag`,
   * `Expires` and `Vary`.
   */
  retainedHeaders?: readonly string[] | undefined;
}

const EVENT_STREAM = /^\s*text\/event-stream/i;
const NO_STORE = /(?:^|,)\s*no-store\s*(?:,|$)/i;

const RETAINED = ["cache-control", "content-location", "date", "etag", "expires", "vary"] as const;

/**
 * Adds a weak ETag to `200` responses to `GET` and `HEAD`, and answers `304`
 * when the request's `If-None-Match` matches.
 *
 * The tag is `W/"<length>-<hash>"`. Bodies up to 4 KiB (most JSON answers)
 * are hashed with 32-bit FNV-1a, synchronously: `crypto.subtle.digest` costs
 * 5 to 12 µs even for a few bytes, FNV-1a about 1.7 ns a byte. With the length
 * in the tag, two versions of a resource collide only if they have the same
 * length and hash, a chance of 1 in 4 billion, acceptable for a weak tag.
 * Larger bodies are hashed with SHA-1 (native, faster there, collision-free in
 * practice; no security rests on it). Hashing reads the body into memory, so
 * a body over `maxBytes` (known from `Content-Length`, or found while reading)
 * is streamed on without a tag, and `text/event-stream` and
 * `Cache-Control: no-store` responses are passed through unread. Give any
 * other never-ending stream one of those, or its own `ETag`.
 *
 * `HEAD` is answered as `GET` is wherever the response allows: one with its
 * own `ETag` is compared as it is, one that comes with a body is hashed like
 * a `GET`'s, and `If-None-Match: *` gets `304` for any `200`, body or not
 * (RFC 9110 §13.1.2). A `HEAD` served by a `GET` route reaches middleware
 * without the body, so it can be tagged only when the handler sets `ETag`
 * itself. The comparison is weak, as RFC 9110 requires for `If-None-Match`:
 * `W/"x"` matches `"x"`; a list matches if any member does; `*` matches any
 * response. A `304` has no body and keeps only `retainedHeaders`.
 *
 * @param options The largest body to hash and the headers a `304` keeps.
 * @returns The middleware.
 * @throws {RangeError} When `maxBytes` is not a whole number of bytes, 0 or more.
 * @throws {TypeError} When `retainedHeaders` is not a list of header names.
 *
 * @example
 * ```ts
 * import { App } from "@latch/latch";
 * import { etag } from "@latch/latch/middleware";
 * import assert from "node:assert/strict";
 *
 * const app = new App().use(etag()).get("/note", () => Response.json({ text: "a note" }));
 *
 * const first = await app.fetch(new Request("http://localhost/note"));
 * const tag = first.headers.get("etag")!;
 * assert.match(tag, /^W\/"/);
 *
 * const again = await app.fetch(new Request("http://localhost/note", { headers: { "if-none-match": tag } }));
 * assert.equal(again.status, 304);
 * assert.equal(again.body, null);
 * ```
 */
export function etag<T extends AppTypes = AppTypes>(options: EtagOptions = {}): Middleware<T> {
  const maxBytes = options.maxBytes ?? 1024 * 1024;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw new RangeError(
      `etag() maxBytes must be a whole number of bytes, 0 or more, got ${String(maxBytes)}`,
    );
  }
  const retained = options.retainedHeaders ?? RETAINED;
  if (
    !Array.isArray(retained) ||
    !retained.every((name) => typeof name === "string" && _TOKEN.test(name))
  ) {
    throw new TypeError(`etag() retainedHeaders must be a list of header names, like ["vary"]`);
  }

  const notModified = (response: Response): Response => {
    response.body?.cancel().catch(() => {});
    const headers = new Headers();
    for (const name of retained) {
      const value = response.headers.get(name);
      if (value !== null) headers.set(name, value);
    }
    return new Response(null, { status: 304, headers });
  };

  // A 200 left without a tag: only `*` matches it, as `*` matches any current representation,
  // so GET and HEAD answer alike whether or not the body could be hashed.
  const untagged = (ifNoneMatch: string | null, response: Response): Response =>
    ifNoneMatch !== null && _matchesAny(ifNoneMatch) ? notModified(response) : response;

  const respond = (request: Request, response: Response): Response | Promise<Response> => {
    if (response.status !== 200) return response;
    const ifNoneMatch = request.headers.get("if-none-match");
    const existing = response.headers.get("etag");
    if (existing !== null) {
      return ifNoneMatch !== null && _matches(ifNoneMatch, existing)
        ? notModified(response)
        : response;
    }
    const body = response.body;
    // No body to hash: a HEAD whose GET body the router dropped, or none at all.
    if (body === null) return untagged(ifNoneMatch, response);
    const length = response.headers.get("content-length");
    if (length !== null && Number(length) > maxBytes) return untagged(ifNoneMatch, response);
    const type = response.headers.get("content-type");
    if (type !== null && EVENT_STREAM.test(type)) return untagged(ifNoneMatch, response);
    // Nothing may store a no-store response, so nothing will revalidate it: no tag to compute.
    const cacheControl = response.headers.get("cache-control");
    if (cacheControl !== null && NO_STORE.test(cacheControl)) {
      return untagged(ifNoneMatch, response);
    }
    return _readUpTo(body, maxBytes).then(async (read) => {
      if (!read.complete) return untagged(ifNoneMatch, new Response(read.body, response));
      const tag = await _weakTag(read.bytes);
      if (ifNoneMatch !== null && _matches(ifNoneMatch, tag)) {
        const headers = new Headers(response.headers);
        headers.set("etag", tag);
        return notModified(new Response(null, { headers }));
      }
      const tagged = new Response(read.bytes as Uint8Array<ArrayBuffer>, response);
      tagged.headers.set("etag", tag);
      return tagged;
    });
  };

  return (next) => (request, ctx) => {
    const method = request.method;
    // Fast path: only GET and HEAD get tags or 304s; other methods pass untouched.
    if (method !== "GET" && method !== "HEAD") return next(request, ctx);
    return _then(next(request, ctx), request, respond);
  };
}

/**
 * Bodies up to this size are hashed with FNV-1a in JavaScript, larger ones with
 * SHA-1: measured on Deno, `crypto.subtle.digest` costs 5 to 12 µs for any
 * small input (it is async), FNV-1a about 1.7 ns a byte, so they cross near 6 KiB.
 */
const FNV_MAX_BYTES = 4096;

/** `W/"<length in hex>-<hash>"`: FNV-1a (8 hex digits) for small bodies, SHA-1 (base64url) for others. */
function _weakTag(bytes: Uint8Array): string | Promise<string> {
  const length = bytes.byteLength.toString(16);
  if (bytes.byteLength <= FNV_MAX_BYTES) return `W/"${length}-${_fnv1a(bytes)}"`;
  return crypto.subtle.digest("SHA-1", bytes as Uint8Array<ArrayBuffer>).then((digest) => {
    let binary = "";
    for (const byte of new Uint8Array(digest)) binary += String.fromCharCode(byte);
    const hash = btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
    return `W/"${length}-${hash}"`;
  });
}

/** The 32-bit FNV-1a hash of `bytes`, as 8 hex digits. */
function _fnv1a(bytes: Uint8Array): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < bytes.length; index++) {
    hash = Math.imul(hash ^ (bytes[index] as number), 0x01000193);
  }
  return (hash >>> 0).toString(16).padStart(8, "0");
}

/** An entity tag or `*` in `If-None-Match`; quoted, so a comma inside a tag does not split it. */
const CANDIDATE = /\*|(?:W\/)?"[^"]*"/g;

/** Whether `If-None-Match` holds `*`, which matches any current representation, tagged or not. */
function _matchesAny(ifNoneMatch: string): boolean {
  for (const [candidate] of ifNoneMatch.matchAll(CANDIDATE)) {
    if (candidate === "*") return true;
  }
  return false;
}

/** Whether `If-None-Match` matches `tag` by the weak comparison: opaque tags equal, `W/` ignored. */
function _matches(ifNoneMatch: string, tag: string): boolean {
  const wanted = _opaque(tag);
  for (const [candidate] of ifNoneMatch.matchAll(CANDIDATE)) {
    if (candidate === "*" || _opaque(candidate) === wanted) return true;
  }
  return false;
}

function _opaque(tag: string): string {
  return tag.startsWith("W/") ? tag.slice(2) : tag;
}

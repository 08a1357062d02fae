/**
 * The parts of a request as a validated route's schemas receive them: the
 * query as an object (a key given once a string, given more often an array),
 * the headers with lower-case names, and the body parsed by its
 * `Content-Type` (JSON, URL-encoded form, multipart form), within a size
 * limit. Objects made here have no prototype, so a key such as `__proto__`
 * is kept as data, never dropped.
 *
 * @module
 */

import { HttpError } from "./http_error.ts";
import { _readLimited } from "./_limited_body.ts";

/** The media types a validated body may have, as a 415 and `Accept-Post` list them. */
export const _BODY_TYPES =
  "application/json, application/x-www-form-urlencoded, multipart/form-data";

/** Adds `value` under `key`: the first as is, the second makes an array of both. */
function _add(target: Record<string, unknown>, key: string, value: unknown): void {
  if (!Object.hasOwn(target, key)) target[key] = value;
  else {
    const previous = target[key];
    if (Array.isArray(previous)) previous.push(value);
    else target[key] = [previous, value];
  }
}

/** The entries of a `URLSearchParams` or `FormData` as an object; see {@linkcode _add}. */
function _entries(entries: Iterable<[string, unknown]>): Record<string, unknown> {
  const object: Record<string, unknown> = Object.create(null);
  for (const [key, value] of entries) _add(object, key, value);
  return object;
}

/** The query of `url` as an object; `{}` without one. */
export function _queryOf(url: string): Record<string, unknown> {
  const start = url.indexOf("?");
  if (start === -1) return Object.create(null);
  const end = url.indexOf("#", start);
  return _entries(new URLSearchParams(url.slice(start + 1, end === -1 ? undefined : end)));
}

/** The headers as an object with lower-case names, as `Headers` gives them. */
export function _headersOf(headers: Headers): Record<string, unknown> {
  const object: Record<string, unknown> = Object.create(null);
  for (const [name, value] of headers) object[name] = value;
  return object;
}

const _decoder = new TextDecoder();
const _strictDecoder = new TextDecoder("utf-8", { fatal: true });

/** What a body's media type says to parse it as, if anything. */
function _kindOf(mediaType: string): "json" | "form" | "multipart" | undefined {
  if (mediaType === "application/json" || mediaType.endsWith("+json")) return "json";
  if (mediaType === "application/x-www-form-urlencoded") return "form";
  if (mediaType === "multipart/form-data") return "multipart";
  return undefined;
}

/** The `415` for a body latch cannot parse, with the types it can, in the header the method has for them. */
function _unsupported(contentType: string | null, method: string): HttpError {
  const header = method === "PATCH"
    ? "accept-patch"
    : method === "POST"
    ? "accept-post"
    : undefined;
  // The header's value is not quoted back: it is input like any other.
  const got = contentType === null ? "it has no Content-Type" : "its Content-Type is another";
  return new HttpError(
    415,
    `Send the request body as one of ${_BODY_TYPES}, named in its Content-Type header: ${got}`,
    header === undefined ? {} : { headers: { [header]: _BODY_TYPES } },
  );
}

/** A multipart body's fields and files; one that does not parse is a 400. */
function _parseMultipart(bytes: Uint8Array, contentType: string): Promise<Record<string, unknown>> {
  return new Response(bytes as Uint8Array<ArrayBuffer>, {
    headers: { "content-type": contentType },
  })
    .formData()
    .then((form) => _entries(form as unknown as Iterable<[string, unknown]>), (error) => {
      throw new HttpError(
        400,
        "The request body is not valid multipart/form-data: check its boundary and parts",
        { cause: error },
      );
    });
}

/** A JSON or URL-encoded body, decoded as strict UTF-8; one that does not parse is a 400. */
function _parseText(kind: "json" | "form", bytes: Uint8Array): unknown {
  // Strict: a byte that is not UTF-8 is refused, never replaced by U+FFFD unseen. Decoding
  // leniently and decoding again strictly only when a U+FFFD shows up is as strict, and
  // several times cheaper on Deno, whose fatal decoder is the slow one.
  let text = _decoder.decode(bytes);
  if (text.includes("\uFFFD")) {
    try {
      text = _strictDecoder.decode(bytes);
    } catch (error) {
      throw new HttpError(400, "The request body is not valid UTF-8", { cause: error });
    }
  }
  if (kind === "form") return _entries(new URLSearchParams(text));
  try {
    return JSON.parse(text);
  } catch (error) {
    // The parser's message quotes the body: it stays in the cause, which is never sent.
    throw new HttpError(400, "The request body is not valid JSON", { cause: error });
  }
}

/**
 * `then` applied to the body of `request`, parsed by its `Content-Type`; at
 * most `maxBytes` of it are read, and `then` runs in the read's own callback.
 * Throws or rejects with an `HttpError`: 415 for a missing or other content
 * type (at once, before any read), 413 over the limit, 400 for a body that
 * does not parse.
 */
export function _bodyOf<T>(
  request: Request,
  maxBytes: number,
  then: (body: unknown) => T,
): Promise<Awaited<T>> {
  const contentType = request.headers.get("content-type");
  // Fast path: the usual exact "application/json" needs no parsing of parameters.
  const kind = contentType === "application/json" ? "json" : _kindOf(_mediaTypeOf(contentType));
  if (kind === undefined) throw _unsupported(contentType, request.method);
  if (kind === "multipart") {
    return _readLimited(request, maxBytes, (bytes) => _parseMultipart(bytes, contentType as string))
      .then(then) as Promise<Awaited<T>>;
  }
  return _readLimited(request, maxBytes, (bytes) => then(_parseText(kind, bytes)));
}

/** The media type of a `Content-Type`, lower case, without parameters; `""` for none. */
function _mediaTypeOf(contentType: string | null): string {
  if (contentType === null) return "";
  const semicolon = contentType.indexOf(";");
  return (semicolon === -1 ? contentType : contentType.slice(0, semicolon)).trim().toLowerCase();
}

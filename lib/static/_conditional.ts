/**
 * Validators and conditional requests as RFC 9110 §8.8 and §13 define them:
 * a strong `ETag` and a `Last-Modified` from a file's size and modification
 * time, the preconditions evaluated in the order of §13.2.2, and `If-Range`.
 *
 * @module
 */

/** A file's validators. */
export interface _Validators {
  /** A strong entity tag: the size and the modification time in ms, plus the content coding. */
  readonly etag: string;
  /** The modification time as an HTTP-date (IMF-fixdate), whole seconds. */
  readonly lastModified: string;
  /** The modification time in whole seconds since the epoch, what HTTP-dates compare at. */
  readonly modifiedSeconds: number;
}

/**
 * The validators of a file of `size` bytes modified at `mtimeMs`. The tag is
 * strong, as nginx's and Apache's are, so that `If-Range` and `If-Match` can
 * use it: a file that changes changes size or time. `coding` keeps the tag
 * of a precompressed variant apart from the file's.
 */
export function _validators(
  size: number,
  mtimeMs: number,
  coding: string | undefined,
): _Validators {
  const ms = Math.trunc(mtimeMs);
  const modifiedSeconds = Math.floor(ms / 1000);
  const suffix = coding === undefined ? "" : `-${coding}`;
  return {
    etag: `"${size.toString(16)}-${ms.toString(16)}${suffix}"`,
    lastModified: new Date(modifiedSeconds * 1000).toUTCString(),
    modifiedSeconds,
  };
}

/** An entity tag or `*` in a list; quoted, so a comma inside a tag does not split it. */
const CANDIDATE = /\*|(?:W\/)?"[^"]*"/g;

/** Whether `list` (an `If-Match` or `If-None-Match` value) matches `etag`, strongly or weakly. */
function _listMatches(list: string, etag: string, weak: boolean): boolean {
  for (const [candidate] of list.matchAll(CANDIDATE)) {
    if (candidate === "*") return true;
    if (weak ? _opaque(candidate) === _opaque(etag) : candidate === etag) return true;
  }
  return false;
}

function _opaque(tag: string): string {
  return tag.startsWith("W/") ? tag.slice(2) : tag;
}

/** An HTTP-date in seconds, or `undefined` when `value` is not a date (then the header is ignored). */
function _seconds(value: string | null): number | undefined {
  if (value === null) return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : Math.floor(ms / 1000);
}

/**
 * What the preconditions of a `GET` or `HEAD` request decide, in RFC 9110
 * §13.2.2's order: `If-Match` (else `If-Unmodified-Since`) failing is `412`;
 * then `If-None-Match` matching (else `If-Modified-Since` not older than the
 * file) is `304`; otherwise `200`, the range still to be decided.
 */
export function _preconditions(headers: Headers, validators: _Validators): 200 | 304 | 412 {
  const ifMatch = headers.get("if-match");
  if (ifMatch !== null) {
    if (!_listMatches(ifMatch, validators.etag, false)) return 412;
  } else {
    const since = _seconds(headers.get("if-unmodified-since"));
    if (since !== undefined && validators.modifiedSeconds > since) return 412;
  }
  const ifNoneMatch = headers.get("if-none-match");
  if (ifNoneMatch !== null) return _listMatches(ifNoneMatch, validators.etag, true) ? 304 : 200;
  const since = _seconds(headers.get("if-modified-since"));
  return since !== undefined && validators.modifiedSeconds <= since ? 304 : 200;
}

/**
 * Whether a `Range` may be served under the request's `If-Range` (RFC 9110
 * §13.1.5): without one, yes; with an entity tag, when it equals the strong
 * tag; with a date, when it is exactly `Last-Modified`. A weak tag never does.
 */
export function _ifRangeHolds(headers: Headers, validators: _Validators): boolean {
  const ifRange = headers.get("if-range");
  if (ifRange === null) return true;
  const value = ifRange.trim();
  if (value.startsWith('"') || value.startsWith("W/")) return value === validators.etag;
  return _seconds(value) === validators.modifiedSeconds;
}

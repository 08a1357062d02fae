/**
 * The request flow of `serveStatic`: method, path, file, precompressed
 * variant, preconditions, range, then the response, streamed. Everything it
 * asks of the file system goes through a `_StaticFs`, with paths inside root.
 *
 * @module
 */

import { type ProblemInit, problemResponse } from "../../mod.ts";
import { _acceptedCodings, type _Coding } from "./_encoding.ts";
import { _contentTypeOf, _DEFAULT_TYPE } from "./_content_type.ts";
import { _ifRangeHolds, _preconditions, _validators } from "./_conditional.ts";
import { _fileStream } from "./_file_stream.ts";
import { type _FileHandle, _isNotFound, type _StaticFs, type _Stats } from "./_fs.ts";
import { _range } from "./_range.ts";
import {
  type _Dotfiles,
  _realPathInside,
  type _RequestPath,
  _splitRequestPath,
  _under,
} from "./_resolve.ts";

/** `serveStatic`'s options, checked and normalized. */
export interface _Settings {
  /** The folder served, absolute. */
  readonly root: string;
  /** The file a folder is answered with, or `undefined` for none. */
  readonly index: string | undefined;
  readonly dotfiles: _Dotfiles;
  readonly precompressed: boolean;
  readonly cacheControl: ((path: string) => string | undefined) | undefined;
  /** The fallback file's segments under root, or `undefined` for none. */
  readonly fallback: readonly string[] | undefined;
  readonly contentType: ((path: string) => string | undefined) | undefined;
}

/** A regular file found for a request. */
interface _Found {
  /** Its real path. */
  readonly real: string;
  readonly stats: _Stats;
  /** Its path under root as the request named it (with the index added), "/"-separated. */
  readonly path: string;
}

const REDIRECT = Symbol("redirect to the folder's path with a trailing slash");

/** Serves the files under one root. */
export class _StaticServer {
  readonly #settings: _Settings;
  readonly #fs: _StaticFs;

  constructor(settings: _Settings, fs: _StaticFs) {
    this.#settings = settings;
    this.#fs = fs;
  }

  /** Answers `request` for `path`, the percent-encoded path to look up under root. */
  async respond(request: Request, path: string): Promise<Response> {
    const method = request.method;
    if (method !== "GET" && method !== "HEAD") {
      return _problem(request, 405, {
        headers: { allow: "GET, HEAD" },
        detail: `Files are served to GET and HEAD requests, not ${method}`,
      });
    }
    const requested = _splitRequestPath(path, this.#settings.dotfiles);
    if (requested === undefined) return _problem(request, 404);
    const root = await this.#root();
    let found = await this.#find(root, requested);
    if (found === REDIRECT) {
      const url = request.url;
      const query = url.indexOf("?");
      const search = query === -1 ? "" : url.slice(query).split("#")[0];
      // Relative to the folder's own path, so it stays right under any mount prefix; "./" keeps
      // a segment like "a:b" from reading as a URL scheme.
      return new Response(null, {
        status: 301,
        headers: { location: `./${requested.rawLast}/${search}` },
      });
    }
    const fallback = this.#settings.fallback;
    if (found === undefined && fallback !== undefined && _isNavigation(request, requested)) {
      found = await this.#file(root, fallback);
    }
    if (found === undefined) return _problem(request, 404);
    return this.#serve(request, root, found);
  }

  /** The real root, resolved on every request so that a root symlink switched at deploy is followed. */
  async #root(): Promise<string> {
    const root = this.#settings.root;
    let real: string;
    let stats: _Stats;
    try {
      real = await this.#fs.realpath(root);
      stats = await this.#fs.stat(real);
    } catch (error) {
      if (!_isNotFound(error)) throw error;
      throw new Error(
        `serveStatic() root "${root}" does not exist or cannot be read: create it, or pass the folder your files are in`,
        { cause: error },
      );
    }
    if (!stats.isDirectory()) {
      throw new Error(
        `serveStatic() root "${root}" is not a folder: pass the folder your files are in`,
      );
    }
    return real;
  }

  /** The file `requested` names: itself, its folder's index, a redirect to add "/", or none. */
  async #find(
    root: string,
    requested: _RequestPath,
  ): Promise<_Found | typeof REDIRECT | undefined> {
    const { segments, directory } = requested;
    const entry = await this.#entry(root, segments);
    if (entry === undefined) return undefined;
    const { real, stats } = entry;
    if (stats.isFile()) return directory ? undefined : { real, stats, path: _joined(segments) };
    const index = this.#settings.index;
    if (!stats.isDirectory() || index === undefined) return undefined;
    const file = await this.#file(root, [...segments, index]);
    if (file === undefined) return undefined;
    return directory ? file : REDIRECT;
  }

  /** The regular file at `segments` under root, or `undefined`. */
  async #file(root: string, segments: readonly string[]): Promise<_Found | undefined> {
    const entry = await this.#entry(root, segments);
    return entry?.stats.isFile() ? { ...entry, path: _joined(segments) } : undefined;
  }

  /** What is at `segments` under root, resolved and checked to stay inside it, or `undefined`. */
  async #entry(
    root: string,
    segments: readonly string[],
  ): Promise<{ real: string; stats: _Stats } | undefined> {
    const real = await _realPathInside(
      this.#fs,
      root,
      _under(root, segments),
      this.#settings.dotfiles,
    );
    if (real === undefined) return undefined;
    const stats = await this.#stat(real);
    return stats === undefined ? undefined : { real, stats };
  }

  async #stat(real: string): Promise<_Stats | undefined> {
    try {
      return await this.#fs.stat(real);
    } catch (error) {
      if (_isNotFound(error)) return undefined;
      throw error;
    }
  }

  /** The precompressed sibling of `found` that the request accepts best, if there is one. */
  async #variant(
    request: Request,
    root: string,
    found: _Found,
  ): Promise<{ coding: _Coding; real: string; stats: _Stats } | undefined> {
    for (const coding of _acceptedCodings(request.headers.get("accept-encoding"))) {
      const real = await _realPathInside(
        this.#fs,
        root,
        found.real + coding.extension,
        this.#settings.dotfiles,
      );
      if (real === undefined) continue;
      const stats = await this.#stat(real);
      if (stats?.isFile()) return { coding, real, stats };
    }
    return undefined;
  }

  async #serve(request: Request, root: string, found: _Found): Promise<Response> {
    const settings = this.#settings;
    const variant = settings.precompressed ? await this.#variant(request, root, found) : undefined;
    const stats = variant?.stats ?? found.stats;
    const validators = _validators(stats.size, stats.mtimeMs, variant?.coding.name);

    // What a 304 must carry as well (RFC 9110 §15.4.5): ETag, Cache-Control, Vary.
    const headers = new Headers({ etag: validators.etag });
    const cacheControl = settings.cacheControl?.(found.path);
    if (cacheControl !== undefined) headers.set("cache-control", cacheControl);
    if (settings.precompressed) headers.set("vary", "accept-encoding");
    const decision = _preconditions(request.headers, validators);
    if (decision === 304) return new Response(null, { status: 304, headers });
    if (decision === 412) return _problem(request, 412, { headers });

    headers.set("last-modified", validators.lastModified);
    headers.set(
      "content-type",
      settings.contentType?.(found.path) ?? _contentTypeOf(found.path) ?? _DEFAULT_TYPE,
    );
    if (variant !== undefined) headers.set("content-encoding", variant.coding.name);
    headers.set("accept-ranges", "bytes");

    let status = 200;
    let start = 0;
    let length = stats.size;
    const range = request.headers.get("range");
    // RFC 9110 §14.2: GET is the only method ranges are defined for; HEAD gets the whole file's headers.
    if (range !== null && request.method === "GET" && _ifRangeHolds(request.headers, validators)) {
      const answer = _range(range, stats.size);
      if (answer === "unsatisfiable") {
        headers.set("content-range", `bytes */${stats.size}`);
        headers.delete("content-type");
        headers.delete("content-encoding");
        return _problem(request, 416, {
          headers,
          detail: `The file has ${stats.size} bytes: ask for a range within them`,
        });
      }
      if (answer !== "whole") {
        status = 206;
        start = answer.start;
        length = answer.end - answer.start + 1;
        headers.set("content-range", `bytes ${answer.start}-${answer.end}/${stats.size}`);
      }
    }
    headers.set("content-length", String(length));
    if (request.method === "HEAD" || length === 0) return new Response(null, { status, headers });
    const real = variant?.real ?? found.real;
    const direct = this.#fs.body?.(real, start, length);
    if (direct !== undefined) return new Response(direct, { status, headers });
    const handle = await this.#open(real);
    if (handle === undefined) return _problem(request, 404);
    return new Response(_fileStream(handle, start, length), { status, headers });
  }

  async #open(real: string): Promise<_FileHandle | undefined> {
    try {
      return await this.#fs.open(real, "r");
    } catch (error) {
      // Removed or made unreadable since it was found: as if it was never there.
      if (_isNotFound(error)) return undefined;
      throw error;
    }
  }
}

/** "/a/b" from ["a", "b"]. */
function _joined(segments: readonly string[]): string {
  return `/${segments.join("/")}`;
}

/**
 * Whether a request that found no file is a page navigation the single-page
 * app's fallback should answer: its last segment has no "." (a missing
 * `/app.js` stays a 404), and it is a navigation by `Sec-Fetch-Mode`, or,
 * from a client that does not send that, it accepts `text/html`.
 */
function _isNavigation(request: Request, requested: _RequestPath): boolean {
  const last = requested.segments[requested.segments.length - 1] ?? "";
  if (!requested.directory && last.includes(".")) return false;
  const mode = request.headers.get("sec-fetch-mode");
  if (mode !== null) return mode === "navigate";
  return /\btext\/html\b/i.test(request.headers.get("accept") ?? "");
}

/** A problem response, without its body for `HEAD`. */
function _problem(request: Request, status: number, init: ProblemInit = {}): Response {
  const response = problemResponse(status, init);
  if (request.method !== "HEAD") return response;
  response.body?.cancel().catch(() => {});
  return new Response(null, { status, headers: response.headers });
}

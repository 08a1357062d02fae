/**
 * `serveStatic()`: a fetch handler that serves the files of a folder, for
 * `app.mount()`, a route, or a server of its own.
 *
 * @module
 */

import * as fs from "node:fs/promises";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { _rawPathOf, _safeSegment } from "./_resolve.ts";
import { type _Settings, _StaticServer } from "./_static_server.ts";
import type { _StaticFs } from "./_fs.ts";

/** Options for {@linkcode serveStatic}. */
export interface ServeStaticOptions {
  /** The folder to serve: a path (relative to the working directory) or a `file:` URL. */
  root: string | URL;
  /**
   * The file a folder's path is answered with, or `false` for none (a folder is
   * then a 404). Defaults to `"index.html"`.
   */
  index?: string | false | undefined;
  /**
   * Whether paths with a segment starting with "." (`/.env`, `/.git/config`)
   * are served: `"deny"` answers them 404, `"allow"` serves them. Defaults to `"deny"`.
   */
  dotfiles?: "deny" | "allow" | undefined;
  /**
   * Whether a `.br` or `.gz` file next to the one asked for is sent instead,
   * with `Content-Encoding`, when `Accept-Encoding` accepts it. Defaults to `true`.
   */
  precompressed?: boolean | undefined;
  /**
   * The `Cache-Control` of files served (and of their `304`s): one value for
   * all, or a function of the file's path under root (`"/assets/app.js"`)
   * returning the value, or `undefined` for none. Defaults to none.
   */
  cacheControl?: string | ((path: string) => string | undefined) | undefined;
  /**
   * A file under root (such as `"index.html"`) that answers, with `200`, the
   * page navigations that match no file: the entry page of a single-page app.
   * Defaults to none.
   */
  fallback?: string | undefined;
  /**
   * The `Content-Type` for a file's path under root, or `undefined` to use the
   * built-in table of common web types (`application/octet-stream` for the
   * rest). Pass a full lookup here, such as `mime-types`' `lookup`.
   */
  contentType?: ((path: string) => string | undefined) | undefined;
}

/**
 * A fetch handler for `app.mount()`, `Deno.serve`, `Bun.serve`, or a route.
 * Given a latch route's `ctx`, it serves `ctx.path`; otherwise the request's path.
 */
export type StaticHandler = (request: Request, context?: unknown) => Promise<Response>;

/**
 * Serves the files under `root`: streamed, with `Content-Type`, a strong
 * `ETag` and `Last-Modified`, `304` and `412` for conditional requests, `206`
 * for a single byte range, `HEAD`, folder indexes and precompressed siblings.
 *
 * Only `GET` and `HEAD` are served; any other method gets `405` with
 * `Allow: GET, HEAD`. A path that could name something outside root (`..`,
 * an encoded `/` or `\`, a NUL byte), a dotfile when they are denied, a
 * symlink whose target is outside root, and a missing or unreadable file all
 * get `404`, the same answer, so a client cannot tell them apart.
 *
 * Mounted with `app.mount(prefix, handler)`, it serves the path under the
 * prefix. As a route handler, it serves the path the app routes (`ctx.path`):
 * `app.get("/assets/*", handler)` serves `/assets/app.js` from
 * `<root>/assets/app.js`.
 *
 * @param options The folder to serve, and how.
 * @returns The handler. It rejects only when root does not exist or is not a
 * folder (the message says which), or on a file-system failure other than a
 * missing or unreadable file: under an `App`, that is a logged `500`.
 * @throws {TypeError} When an option has the wrong type or value; the message says what to pass.
 *
 * @example Serve a folder under /assets
 * ```ts
 * import { App } from "@latch/latch";
 * import { serveStatic } from "@latch/latch/static";
 * import assert from "node:assert/strict";
 * import { mkdtemp, rm, writeFile } from "node:fs/promises";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 *
 * const root = await mkdtemp(join(tmpdir(), "site-"));
 * await writeFile(join(root, "app.css"), "body { margin: 0 }");
 *
 * const app = new App().mount("/assets", serveStatic({ root, cacheControl: "max-age=3600" }));
 *
 * const response = await app.fetch(new Request("http://localhost/assets/app.css"));
 * assert.equal(response.status, 200);
 * assert.equal(response.headers.get("content-type"), "text/css; charset=utf-8");
 * assert.equal(await response.text(), "body { margin: 0 }");
 *
 * const again = await app.fetch(
 *   new Request("http://localhost/assets/app.css", {
 *     headers: { "if-none-match": response.headers.get("etag")! },
 *   }),
 * );
 * assert.equal(again.status, 304);
 *
 * const outside = await app.fetch(new Request("http://localhost/assets/%2e%2e%2fsecret"));
 * assert.equal(outside.status, 404);
 * await rm(root, { recursive: true });
 * ```
 */
export function serveStatic(options: ServeStaticOptions): StaticHandler {
  return _serveStatic(options, FILES);
}

interface _BunFiles {
  file(path: string): Blob;
}

const BUN = (globalThis as { Bun?: _BunFiles }).Bun;

/** `node:fs/promises`, and on Bun, bodies that Bun sends from the file with their length. */
const FILES: _StaticFs = BUN === undefined
  ? fs
  : { ...fs, body: (path, start, length) => BUN.file(path).slice(start, start + length) };

/** {@linkcode serveStatic} on the given file system: the tests pass one that records every call. */
export function _serveStatic(options: ServeStaticOptions, files: _StaticFs): StaticHandler {
  const server = new _StaticServer(_settings(options), files);
  return (request, context) => server.respond(request, _pathFor(request, context));
}

/** The path to serve: a latch route's `ctx.path` (without any mount prefix), else the request's. */
function _pathFor(request: Request, context: unknown): string {
  if (typeof context === "object" && context !== null) {
    const { path, params, app } = context as { path?: unknown; params?: unknown; app?: unknown };
    if (
      typeof path === "string" && typeof params === "object" && params !== null &&
      typeof (app as { fetch?: unknown } | undefined)?.fetch === "function"
    ) return path;
  }
  return _rawPathOf(request.url);
}

function _settings(options: ServeStaticOptions): _Settings {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `serveStatic() takes options like { root: "public" }, got ${String(options)}`,
    );
  }
  const { root, index = "index.html", dotfiles = "deny", precompressed = true } = options;
  let rootPath: string;
  if (root instanceof URL) {
    if (root.protocol !== "file:") {
      throw new TypeError(`serveStatic() root must be a path or a file: URL, got ${root.href}`);
    }
    rootPath = fileURLToPath(root);
  } else if (typeof root === "string" && root !== "") {
    rootPath = root;
  } else {
    throw new TypeError(
      `serveStatic() root must be the folder to serve, like { root: "public" }, got ${
        String(root)
      }`,
    );
  }
  if (dotfiles !== "deny" && dotfiles !== "allow") {
    throw new TypeError(
      `serveStatic() dotfiles must be "deny" or "allow", got ${String(dotfiles)}`,
    );
  }
  if (index !== false && (typeof index !== "string" || !_safeSegment(index, "allow"))) {
    throw new TypeError(
      `serveStatic() index must be a file name like "index.html", or false for none, got ${
        String(index)
      }`,
    );
  }
  if (typeof precompressed !== "boolean") {
    throw new TypeError(
      `serveStatic() precompressed must be true or false, got ${String(precompressed)}`,
    );
  }
  return {
    root: resolve(rootPath),
    index: index === false ? undefined : index,
    dotfiles,
    precompressed,
    cacheControl: _cacheControl(options.cacheControl),
    fallback: _fallback(options.fallback, dotfiles),
    contentType: _function("contentType", options.contentType),
  };
}

function _cacheControl(
  value: ServeStaticOptions["cacheControl"],
): ((path: string) => string | undefined) | undefined {
  if (typeof value === "string") {
    if (/[\r\n\0]/.test(value)) {
      throw new TypeError(
        `serveStatic() cacheControl must be one header line, got ${JSON.stringify(value)}`,
      );
    }
    return () => value;
  }
  return _function("cacheControl", value, 'a Cache-Control value like "max-age=3600", or ');
}

function _function<F>(name: string, value: F | undefined, or = ""): F | undefined {
  if (value === undefined || typeof value === "function") return value;
  throw new TypeError(
    `serveStatic() ${name} must be ${or}a function of the file's path, got ${String(value)}`,
  );
}

/** The fallback's segments: a path under root, every segment safe, no dotfile when they are denied. */
function _fallback(value: string | undefined, dotfiles: "deny" | "allow"): string[] | undefined {
  if (value === undefined) return undefined;
  const segments = typeof value === "string" ? value.replace(/^\//, "").split("/") : [];
  if (segments.length === 0 || !segments.every((segment) => _safeSegment(segment, dotfiles))) {
    throw new TypeError(
      `serveStatic() fallback must be a file under root like "index.html", got ${String(value)}`,
    );
  }
  return segments;
}

/**
 * `@latch/latch/static`: serve the files of a folder, safely, by the
 * standards browsers and caches rely on.
 *
 * {@linkcode serveStatic} returns a fetch handler for `app.mount()` (or a
 * route, or `Deno.serve` / `Bun.serve` directly). It streams files (a file is
 * never read into memory whole), sends `Content-Type`, a strong `ETag` and
 * `Last-Modified`, answers conditional requests with `304` or `412` (RFC 9110
 * §13), a single `Range` with `206` and an unsatisfiable one with `416`
 * (RFC 9110 §14), serves a folder's index, prefers a `.br` or `.gz` sibling
 * the client accepts, and can answer page navigations with a single-page
 * app's `index.html`. A path that could reach outside its root answers `404`
 * before any file-system call; symlinks are followed only within root.
 *
 * It uses `node:fs/promises`, which Deno, Bun and Node all ship.
 *
 * @example A single-page app at the root, with long-lived hashed assets
 * ```ts
 * import { App } from "@latch/latch";
 * import { serveStatic } from "@latch/latch/static";
 * import assert from "node:assert/strict";
 * import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
 * import { tmpdir } from "node:os";
 * import { join } from "node:path";
 *
 * const root = await mkdtemp(join(tmpdir(), "spa-"));
 * await writeFile(join(root, "index.html"), "<!doctype html><div id=app></div>");
 * await mkdir(join(root, "assets"));
 * await writeFile(join(root, "assets", "app.3f2a.js"), "console.log('hi')");
 *
 * const app = new App().mount("/", serveStatic({
 *   root,
 *   fallback: "index.html",
 *   cacheControl: (path) => path.startsWith("/assets/") ? "max-age=31536000, immutable" : "no-cache",
 * }));
 *
 * const page = await app.fetch(new Request("http://localhost/users/7", { headers: { accept: "text/html" } }));
 * assert.equal(page.status, 200);
 * assert.equal(await page.text(), "<!doctype html><div id=app></div>");
 * assert.equal(page.headers.get("cache-control"), "no-cache");
 *
 * const script = await app.fetch(new Request("http://localhost/assets/app.3f2a.js"));
 * assert.equal(script.headers.get("cache-control"), "max-age=31536000, immutable");
 * await script.body?.cancel();
 *
 * const missing = await app.fetch(new Request("http://localhost/assets/gone.js"));
 * assert.equal(missing.status, 404);
 * await rm(root, { recursive: true });
 * ```
 *
 * @module
 */

export { serveStatic, type ServeStaticOptions, type StaticHandler } from "./serve_static.ts";

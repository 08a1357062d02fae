/**
 * `openapi()`: the middleware that serves the app's OpenAPI 3.1 document,
 * made once at build time from the frozen route table (`build.routes`), and
 * optionally an HTML page that renders it. `openapiDocument()` makes the
 * same document from a route list, for a script that writes it to a file.
 *
 * @module
 */

import type { AppTypes, Middleware, RouteInfo } from "../../mod.ts";
import { _DocumentBuilder } from "./_document.ts";
import { _docsPage } from "./_docs_page.ts";

/**
 * The document's `info`: its title and version, and whatever else OpenAPI's
 * Info Object holds.
 *
 * @example
 * ```ts
 * import type { OpenApiInfo } from "@latch/latch/openapi";
 *
 * const info: OpenApiInfo = { title: "Todos", version: "1.0.0", license: { name: "MIT" } };
 * ```
 */
export interface OpenApiInfo {
  /** The API's title. */
  readonly title: string;
  /** The version of the API (not of OpenAPI). */
  readonly version: string;
  /** A short summary. */
  readonly summary?: string;
  /** A description (CommonMark). */
  readonly description?: string;
  /** A URL to the terms of service. */
  readonly termsOfService?: string;
  /** Who to contact about the API. */
  readonly contact?: { readonly name?: string; readonly url?: string; readonly email?: string };
  /** The API's license. */
  readonly license?: { readonly name: string; readonly identifier?: string; readonly url?: string };
}

/**
 * Options for {@linkcode openapi} and {@linkcode openapiDocument}.
 *
 * @example
 * ```ts
 * import type { OpenApiOptions } from "@latch/latch/openapi";
 *
 * const options: OpenApiOptions = {
 *   info: { title: "Todos", version: "1.0.0" },
 *   path: "/openapi.json",
 *   docs: "/docs",
 *   servers: [{ url: "https://api.example.com" }],
 * };
 * ```
 */
export interface OpenApiOptions {
  /** The document's `info`: `title` and `version` at least. */
  readonly info: OpenApiInfo;
  /** Where the document is served. Defaults to `/openapi.json`. */
  readonly path?: string;
  /** Where an HTML page rendering the document is served; none unless given, e.g. `/docs`. */
  readonly docs?: string;
  /** The document's `servers`, e.g. `[{ url: "https://api.example.com" }]`. */
  readonly servers?: readonly { readonly url: string; readonly description?: string }[];
  /** Descriptions of the tags the routes use, in the order to show them. */
  readonly tags?: readonly { readonly name: string; readonly description?: string }[];
  /**
   * Where notes about what could not be documented go (a schema without
   * JSON Schema is documented as `{}`). Defaults to `console.warn`.
   */
  readonly log?: (message: string) => void;
}

/** The generated document: an OpenAPI 3.1.0 object, ready for `JSON.stringify`. */
export type OpenApiDocument = Record<string, unknown>;

/** Checks the options, saying what to pass. */
function _settings(options: OpenApiOptions): { path: string; docs: string | undefined } {
  const info = (options as { info?: OpenApiInfo } | undefined)?.info;
  if (typeof info?.title !== "string" || typeof info.version !== "string") {
    throw new TypeError(
      `openapi() needs info with a title and a version, such as ` +
        `openapi({ info: { title: "Todos", version: "1.0.0" } })`,
    );
  }
  const path = options.path ?? "/openapi.json";
  for (const [name, value] of [["path", path], ["docs", options.docs]] as const) {
    if (value !== undefined && (typeof value !== "string" || !value.startsWith("/"))) {
      throw new TypeError(
        `openapi() option ${name} must be a path starting with "/", such as "/openapi.json", got ${
          JSON.stringify(value)
        }`,
      );
    }
  }
  if (options.docs === path) {
    throw new TypeError(
      `openapi() serves the document and the docs page at different paths: both are ${
        JSON.stringify(path)
      }; pick e.g. path "/openapi.json" and docs "/docs"`,
    );
  }
  return { path, docs: options.docs };
}

/**
 * The OpenAPI 3.1.0 document of `routes`, with any notes about what could
 * not be documented. What {@linkcode openapi} serves; call it yourself to
 * write the document to a file.
 *
 * @param routes The routes, as `build.routes` lists them.
 * @param options The document's `info`, `servers` and `tags`.
 * @returns The document, and the notes.
 * @throws {TypeError} When two routes declare the same `operationId`.
 *
 * @example Write the document from a build
 * ```ts
 * import { App } from "@latch/latch";
 * import { openapiDocument } from "@latch/latch/openapi";
 * import assert from "node:assert/strict";
 *
 * let written = "";
 * const app = new App().get("/health", { summary: "Is it up" }, () => new Response("ok"));
 * app.use((next, build) => {
 *   written = JSON.stringify(openapiDocument(build.routes, { info: { title: "Health", version: "1" } }).document);
 *   return next;
 * });
 * await app.ready();
 * assert.equal(JSON.parse(written).paths["/health"].get.summary, "Is it up");
 * ```
 */
export function openapiDocument(
  routes: readonly RouteInfo[],
  options: Omit<OpenApiOptions, "path" | "docs" | "log">,
): { readonly document: OpenApiDocument; readonly notes: readonly string[] } {
  _settings(options);
  const builder = new _DocumentBuilder();
  const document = builder.build(routes, {
    info: { ...options.info },
    servers: options.servers?.map((server) => ({ ...server })),
    tags: options.tags?.map((tag) => ({ ...tag })),
  });
  return { document, notes: builder.notes };
}

/** A strong ETag: the first 16 bytes of the body's SHA-256, in hex. */
async function _etag(body: string): Promise<string> {
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body)),
  );
  return `"${[...digest.slice(0, 16)].map((byte) => byte.toString(16).padStart(2, "0")).join("")}"`;
}

/** Whether `If-None-Match` names `etag` (compared weakly, as RFC 9110 says for it). */
function _matches(ifNoneMatch: string, etag: string): boolean {
  return ifNoneMatch.split(",").some((tag) => {
    const trimmed = tag.trim();
    return trimmed === "*" || trimmed.replace(/^W\//, "") === etag;
  });
}

/** Answers `GET`/`HEAD` with a fixed body, its ETag, and 304 when the client has it. */
function _fixed(body: string, etag: string, contentType: string): (request: Request) => Response {
  const bytes = new TextEncoder().encode(body);
  const headers = {
    "content-type": contentType,
    etag,
    // Revalidated each time: the next deploy may change the document, and a 304 costs little.
    "cache-control": "no-cache",
  };
  return (request) => {
    const ifNoneMatch = request.headers.get("if-none-match");
    if (ifNoneMatch !== null && _matches(ifNoneMatch, etag)) {
      return new Response(null, { status: 304, headers: { etag, "cache-control": "no-cache" } });
    }
    return new Response(request.method === "HEAD" ? null : bytes, {
      headers: { ...headers, "content-length": String(bytes.byteLength) },
    });
  };
}

/**
 * Serves the app's OpenAPI 3.1.0 document at `path` (and, with `docs`, a
 * page that renders it). The document is made once, when the app builds,
 * from every route with its options (mounted apps' routes under their
 * prefix): `{name}` path templates, parameters from the `params`, `query`
 * and `headers` schemas, a `requestBody` from the `body` schema, the
 * declared `responses` (a `default` one for a route that declares none),
 * and the 422 problem (with 400, 413 and 415 for a body) that latch answers
 * for validated routes. Schemas are converted with Standard JSON Schema
 * (draft 2020-12); one without it is documented as `{}`, with a note in the
 * log. Requests get the same bytes with a strong `ETag` (304 on a matching
 * `If-None-Match`), and it is never made again until the next build.
 *
 * The docs page is static HTML that loads `@scalar/api-reference` from the
 * jsDelivr CDN in the browser: under a Content-Security-Policy, allow
 * `https://cdn.jsdelivr.net` and the page's inline script for that path.
 *
 * @param options `info` (title and version), `path`, `docs`, `servers`, `tags` and `log`.
 * @returns The middleware: `app.use(openapi(...))`.
 * @throws {TypeError} When `info` lacks a title or version, or a path does not start with `/`.
 *
 * @example Serve the document and a docs page
 * ```ts
 * import { App } from "@latch/latch";
 * import { openapi } from "@latch/latch/openapi";
 * import { z } from "zod";
 * import assert from "node:assert/strict";
 *
 * const app = new App();
 * app.use(openapi({ info: { title: "Todos", version: "1.0.0" }, path: "/openapi.json", docs: "/docs" }));
 * app.post("/todos", {
 *   body: z.object({ title: z.string().min(1) }),
 *   summary: "Create a todo",
 *   responses: { 201: z.object({ id: z.number(), title: z.string() }) },
 * }, (_request, ctx) => Response.json({ id: 1, ...ctx.valid.body }, { status: 201 }));
 *
 * const response = await app.request("/openapi.json");
 * const document = await response.json();
 * assert.equal(document.openapi, "3.1.0");
 * assert.equal(document.paths["/todos"].post.summary, "Create a todo");
 * const again = await app.request("/openapi.json", { headers: { "if-none-match": response.headers.get("etag")! } });
 * assert.equal(again.status, 304);
 * assert.match(await (await app.request("/docs")).text(), /api-reference/);
 * ```
 */
export function openapi<T extends AppTypes = AppTypes>(options: OpenApiOptions): Middleware<T> {
  const { path, docs } = _settings(options);
  const log = options.log ?? ((message: string) => console.warn(message));
  if (typeof log !== "function") {
    throw new TypeError(
      `openapi() option log must be a function (message) => void, got ${typeof log}`,
    );
  }
  return async (next, build) => {
    const { document, notes } = openapiDocument(build.routes, options);
    for (const note of notes) log(`latch openapi: ${note}`);
    const json = JSON.stringify(document);
    const serveDocument = _fixed(json, await _etag(json), "application/json; charset=utf-8");
    let servePage: ((request: Request) => Response) | undefined;
    if (docs !== undefined) {
      const page = _docsPage(options.info.title, docs, path);
      servePage = _fixed(page, await _etag(page), "text/html; charset=utf-8");
    }
    return (request, ctx) => {
      const method = request.method;
      if (method === "GET" || method === "HEAD") {
        if (ctx.path === path) return serveDocument(request);
        if (servePage !== undefined && ctx.path === docs) return servePage(request);
      }
      return next(request, ctx);
    };
  };
}

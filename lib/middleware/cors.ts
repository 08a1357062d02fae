/**
 * `cors()`: Cross-Origin Resource Sharing as the Fetch standard describes it.
 * Preflights are answered here, without reaching a handler; every other
 * response (404s and error responses included) gets the CORS headers its
 * origin earns, and `Vary: Origin` whenever the answer depends on the origin.
 *
 * @module
 */

import type { Middleware } from "../build.ts";
import type { AppTypes } from "../context.ts";
import { _TOKEN } from "../_http.ts";
import { _appendVary, _withHeaders } from "./_headers.ts";

/**
 * Which origins may read responses: `"*"` for any, one origin, a list, or a
 * function of the request's `Origin` that answers `true` (allow it), `false`,
 * `null` or `undefined` (refuse it) or a string (the exact
 * `Access-Control-Allow-Origin` to send; a function's `"*"` with credentials
 * allows the request's origin, since browsers refuse `*` then). `"*"` itself
 * is refused with credentials: list the origins instead.
 *
 * @example
 * ```ts
 * import type { CorsOrigin } from "@latch/latch/middleware";
 *
 * const subdomains: CorsOrigin = (origin) => origin.endsWith(".example.com");
 * ```
 */
export type CorsOrigin =
  | "*"
  | string
  | readonly string[]
  | ((origin: string, request: Request) => boolean | string | null | undefined);

/** Options for {@linkcode cors}. */
export interface CorsOptions {
  /**
   * Origins allowed to read responses, written as browsers send them
   * (`https://example.com`: scheme, host, port if not the default; no path).
   * Defaults to `"*"`.
   */
  origin?: CorsOrigin | undefined;
  /**
   * Whether to let the browser send cookies and read the response
   * (`Access-Control-Allow-Credentials: true`). With `origin: "*"` the request's
   * origin is reflected instead, as the standard requires. Defaults to `false`.
   */
  credentials?: boolean | undefined;
  /** Methods a preflight allows. Defaults to `GET, HEAD, PUT, PATCH, POST, DELETE`. */
  methods?: readonly string[] | undefined;
  /**
   * Request headers a preflight allows. Defaults to reflecting the
   * preflight's `Access-Control-Request-Headers`.
   */
  allowHeaders?: readonly string[] | undefined;
  /** Response headers, beyond the CORS-safelisted ones, that scripts may read. None by default. */
  exposeHeaders?: readonly string[] | undefined;
  /** How long, in seconds, a browser may cache a preflight's answer. Not sent by default. */
  maxAge?: number | undefined;
}

const DEFAULT_METHODS = ["GET", "HEAD", "PUT", "PATCH", "POST", "DELETE"] as const;

/**
 * Answers CORS preflights and adds CORS headers to every response.
 *
 * A preflight (`OPTIONS` with `Origin` and `Access-Control-Request-Method`)
 * gets `204` here and never reaches a route; a refused origin's preflight gets
 * `204` without CORS headers, which the browser treats as a refusal. Other
 * requests go to the app, and their responses get `Access-Control-Allow-Origin`
 * (and credentials, exposed headers) when the origin is allowed. Errors that
 * the app answers inside its middleware (a 404, a handler's `HttpError`) get
 * them too, and so does an `HttpError` thrown by a middleware added after this
 * one.
 *
 * @param options The allowed origins, credentials, methods, headers and max age.
 * @returns The middleware.
 * @throws {TypeError} When an origin, method or header name is malformed, or
 * `"*"` is given (as the origin or in a list) together with `credentials: true`.
 * @throws {RangeError} When `maxAge` is not a whole number of seconds.
 *
 * @example Let one site call the API with cookies
 * ```ts
 * import { App } from "@latch/latch";
 * import { cors } from "@latch/latch/middleware";
 * import assert from "node:assert/strict";
 *
 * const app = new App()
 *   .use(cors({ origin: ["https://app.example.com"], credentials: true, maxAge: 600 }))
 *   .post("/notes", () => Response.json({ id: 1 }, { status: 201 }));
 *
 * const preflight = await app.fetch(
 *   new Request("http://localhost/notes", {
 *     method: "OPTIONS",
 *     headers: {
 *       origin: "https://app.example.com",
 *       "access-control-request-method": "POST",
 *       "access-control-request-headers": "content-type",
 *     },
 *   }),
 * );
 * assert.equal(preflight.status, 204);
 * assert.equal(preflight.headers.get("access-control-allow-headers"), "content-type");
 *
 * const response = await app.fetch(
 *   new Request("http://localhost/notes", { method: "POST", headers: { origin: "https://app.example.com" } }),
 * );
 * assert.equal(response.headers.get("access-control-allow-origin"), "https://app.example.com");
 * assert.equal(response.headers.get("access-control-allow-credentials"), "true");
 * assert.equal(response.headers.get("vary"), "Origin");
 * ```
 */
export function cors<T extends AppTypes = AppTypes>(options: CorsOptions = {}): Middleware<T> {
  const credentials = options.credentials ?? false;
  const origin = options.origin ?? "*";
  if (origin === "*" && credentials) {
    throw new TypeError(
      `cors() with credentials: true and origin "*" (the default) would let every site send ` +
        `requests with the user's cookies and read the answers: list the allowed origins ` +
        `(origin: ["https://app.example.com"]), or pass a function that decides per origin`,
    );
  }
  const allowOrigin = _originResolver(origin, credentials);
  // Only "*" without credentials answers every origin alike: anything else must vary by origin.
  const varies = !(origin === "*" && !credentials);
  const methods = _list("methods", options.methods ?? DEFAULT_METHODS, credentials).join(", ");
  const allowHeaders = options.allowHeaders === undefined
    ? undefined
    : _list("allowHeaders", options.allowHeaders, credentials).join(", ");
  const exposeHeaders = options.exposeHeaders === undefined || options.exposeHeaders.length === 0
    ? undefined
    : _list("exposeHeaders", options.exposeHeaders, credentials).join(", ");
  const maxAge = options.maxAge === undefined ? undefined : _seconds(options.maxAge);

  const preflight = (request: Request, requestOrigin: string): Response => {
    const headers = new Headers();
    if (varies) headers.set("vary", "Origin");
    const allowed = allowOrigin(requestOrigin, request);
    if (allowed === undefined) return new Response(null, { status: 204, headers });
    headers.set("access-control-allow-origin", allowed);
    if (credentials) headers.set("access-control-allow-credentials", "true");
    headers.set("access-control-allow-methods", methods);
    if (allowHeaders !== undefined) {
      headers.set("access-control-allow-headers", allowHeaders);
    } else {
      const requested = request.headers.get("access-control-request-headers");
      if (requested !== null) headers.set("access-control-allow-headers", requested);
      _appendVary(headers, "Access-Control-Request-Headers");
    }
    if (maxAge !== undefined) headers.set("access-control-max-age", maxAge);
    return new Response(null, { status: 204, headers });
  };

  const addHeaders = (headers: Headers, allowed: string | undefined) => {
    if (allowed !== undefined) {
      headers.set("access-control-allow-origin", allowed);
      if (credentials) headers.set("access-control-allow-credentials", "true");
      if (exposeHeaders !== undefined) headers.set("access-control-expose-headers", exposeHeaders);
    }
    if (varies) _appendVary(headers, "Origin");
  };
  // With "*" and no credentials the headers are the same for every request: one closure for all.
  const addWildcard = (headers: Headers) => addHeaders(headers, "*");

  return (next, build) => (request, ctx) => {
    const requestOrigin = request.headers.get("origin");
    if (
      requestOrigin !== null && request.method === "OPTIONS" &&
      request.headers.has("access-control-request-method")
    ) {
      return preflight(request, requestOrigin);
    }
    // Without an Origin, "*" is still sent: a cache may hand this response to a CORS request.
    if (!varies) return _withHeaders(next, request, ctx, addWildcard, build.respond);
    const allowed = requestOrigin === null ? undefined : allowOrigin(requestOrigin, request);
    return _withHeaders(
      next,
      request,
      ctx,
      (headers) => addHeaders(headers, allowed),
      build.respond,
    );
  };
}

/** The `Access-Control-Allow-Origin` to send for a request's origin, or `undefined` to refuse it. */
type _OriginResolver = (origin: string, request: Request) => string | undefined;

function _originResolver(origin: CorsOrigin, credentials: boolean): _OriginResolver {
  if (origin === "*") return () => "*";
  if (typeof origin === "function") {
    return (requestOrigin, request) => {
      const answer = origin(requestOrigin, request);
      // With credentials a browser refuses "*" (Fetch, CORS check): it means this origin, as for origin: "*".
      if (answer === true || (answer === "*" && credentials)) return requestOrigin;
      return typeof answer === "string" ? answer : undefined;
    };
  }
  if (typeof origin === "string") {
    const only = _checkOrigin(origin);
    return (requestOrigin) => requestOrigin === only ? only : undefined;
  }
  if (!Array.isArray(origin)) {
    throw new TypeError(
      `cors() origin must be "*", an origin, a list of origins or a function, got ${typeof origin}`,
    );
  }
  const allowed = new Set(origin.map(_checkOrigin));
  return (requestOrigin) => allowed.has(requestOrigin) ? requestOrigin : undefined;
}

/** `origin` if it is written as a browser sends it in `Origin`; else a TypeError saying how. */
function _checkOrigin(origin: unknown): string {
  if (origin === "null") return origin;
  if (typeof origin !== "string") {
    throw new TypeError(
      `cors() origins must be strings like "https://example.com", got ${typeof origin}`,
    );
  }
  if (origin === "*") {
    throw new TypeError(
      `cors() origin "*" cannot be listed with other origins: pass origin: "*" alone`,
    );
  }
  let serialized: string | undefined;
  try {
    serialized = new URL(origin).origin;
  } catch {
    // Not a URL: reported below with the fix.
  }
  if (serialized === origin) return origin;
  throw new TypeError(
    `cors() origin "${origin}" is not how a browser sends it in Origin: ` +
      (serialized === undefined || serialized === "null"
        ? `write scheme and host, like "https://example.com"`
        : `write "${serialized}" (no path, no trailing slash, lower-case host, no default port)`),
  );
}

/** `values` checked as header tokens; `"*"` is refused with credentials, where it means no wildcard. */
function _list(name: string, values: readonly string[], credentials: boolean): readonly string[] {
  if (!Array.isArray(values)) {
    throw new TypeError(`cors() ${name} must be a list of strings, like ["GET", "POST"]`);
  }
  for (const value of values) {
    if (typeof value !== "string" || (value !== "*" && !_TOKEN.test(value))) {
      throw new TypeError(
        `cors() ${name} has ${JSON.stringify(value)}, which is not a method or header name: ` +
          `list names like "X-Api-Key", without commas or spaces`,
      );
    }
    if (value === "*" && credentials) {
      throw new TypeError(
        `cors() ${name} "*" is not a wildcard when credentials is true (browsers take it ` +
          `literally): list the names instead`,
      );
    }
  }
  return values;
}

function _seconds(maxAge: number): string {
  if (!Number.isInteger(maxAge) || maxAge < 0) {
    throw new RangeError(
      `cors() maxAge must be a whole number of seconds, 0 or more, got ${String(maxAge)}`,
    );
  }
  return String(maxAge);
}

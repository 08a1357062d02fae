/**
 * latch's built-in middleware, each a factory that takes its options, checks
 * them at once (a wrong option throws when the app is set up, not on a
 * request), precomputes what it can, and returns a `Middleware` for
 * `app.use()`:
 *
 * - {@linkcode logger}: a line per request and per build, text or JSON lines.
 * - {@linkcode requestId}: an id per request on `ctx.state.requestId` and the response.
 * - {@linkcode serverTiming}: `Server-Timing` with the app's and the build's durations.
 * - {@linkcode cors}: CORS preflights answered, CORS headers on every response.
 * - {@linkcode secureHeaders}: HSTS, nosniff, framing, referrer and other security headers.
 * - {@linkcode timeout}: `504` after a limit, and an `AbortSignal` on `ctx.state.signal`.
 * - {@linkcode bodyLimit}: `413` for request bodies over a limit, streamed or not.
 * - {@linkcode compress}: gzip or deflate by `Accept-Encoding`, for text-like bodies.
 * - {@linkcode etag}: weak ETags from the body, and `304` on a matching `If-None-Match`.
 *
 * The first `use()` is the outermost: put `logger` and `serverTiming` first to
 * time the whole stack, `cors` before anything that may refuse a request, and
 * `compress` before `etag`. Headers are added to error responses too: latch
 * answers handler errors, 404 and 405 inside the middleware, and a header
 * middleware also adds its headers to an `HttpError` thrown by a middleware
 * after it.
 *
 * @example
 * ```ts
 * import { App } from "@latch/latch";
 * import {
 *   bodyLimit,
 *   compress,
 *   cors,
 *   etag,
 *   logger,
 *   requestId,
 *   type RequestIdState,
 *   secureHeaders,
 *   timeout,
 *   type TimeoutState,
 * } from "@latch/latch/middleware";
 * import assert from "node:assert/strict";
 *
 * const app = new App<{ state: RequestIdState & TimeoutState }>().use(
 *   logger({ write: () => {} }),
 *   requestId(),
 *   cors({ origin: ["https://app.example.com"] }),
 *   secureHeaders(),
 *   timeout(5000),
 *   bodyLimit(1024 * 1024),
 *   compress(),
 *   etag(),
 * );
 * app.get("/", (_request, ctx) => Response.json({ id: ctx.state.requestId }));
 *
 * const response = await app.fetch(new Request("http://localhost/"));
 * assert.equal(response.status, 200);
 * assert.equal(response.headers.get("x-content-type-options"), "nosniff");
 * assert.equal((await response.json()).id, response.headers.get("x-request-id"));
 * await app.close();
 * ```
 *
 * @module
 */

export { bodyLimit } from "./body_limit.ts";
export { compress, type CompressOptions, type Encoding } from "./compress.ts";
export { cors, type CorsOptions, type CorsOrigin } from "./cors.ts";
export { etag, type EtagOptions } from "./etag.ts";
export { logger, type LoggerOptions } from "./logger.ts";
export { requestId, type RequestIdOptions, type RequestIdState } from "./request_id.ts";
export { secureHeaders, type SecureHeadersOptions } from "./secure_headers.ts";
export { serverTiming, type ServerTimingOptions } from "./server_timing.ts";
export { timeout, type TimeoutState } from "./timeout.ts";

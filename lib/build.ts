/**
 * The build's contract with user code: the `Middleware` factory, the `Build`
 * it is handed, and the `StartupHook`. A build runs once, on the first
 * request or on `app.ready()`; see `App` for its order.
 *
 * @module
 */

import type { BuildStats } from "./build_stats.ts";
import type { AppTypes, Context, Handler, RunningApp } from "./context.ts";
import type { RouteInfo } from "./route_options.ts";

/**
 * A cleanup: what `build.defer()` takes and what a startup hook may return. May be async.
 *
 * @example
 * ```ts
 * import type { Cleanup } from "@latch/latch";
 *
 * const timer = setInterval(() => {}, 1000);
 * const stop: Cleanup = () => clearInterval(timer);
 * stop();
 * ```
 */
export type Cleanup = () => unknown;

/**
 * What a middleware factory is handed besides `next`: the app being built and
 * a place to register cleanups that `app.close()` runs.
 *
 * @example
 * ```ts
 * import { App } from "@latch/latch";
 *
 * new App().use((next, build) => {
 *   const cache = new Map<string, Response>();
 *   build.defer(() => cache.clear());
 *   return next;
 * });
 * ```
 */
export interface Build<T extends AppTypes = AppTypes> {
  /** The app being built, for its `stats`; registration on it is frozen by now. */
  readonly app: RunningApp;
  /**
   * The routes of the built app, frozen: every route with its method, full
   * path (mount prefixes included) and options, mounted apps' routes too; a
   * mounted fetch handler is listed as its prefix and `prefix/*` for `"*"`.
   * What an API-documentation middleware reads.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   * import assert from "node:assert/strict";
   *
   * const paths: string[] = [];
   * const app = new App().get("/users/:id", () => new Response("ok"));
   * app.use((next, build) => {
   *   for (const route of build.routes) paths.push(`${route.method} ${route.path}`);
   *   return next;
   * });
   * await app.ready();
   * assert.deepEqual(paths, ["GET /users/:id"]);
   * ```
   */
  readonly routes: readonly RouteInfo[];
  /**
   * Registers a cleanup, run by `app.close()` (or when this build fails), after
   * every cleanup registered later: last set up, first torn down.
   *
   * @param cleanup Closes what the factory opened; may be async.
   */
  defer(cleanup: Cleanup): void;
  /**
   * Registers a callback that runs once this build has succeeded, before the
   * first request is served, with the app's {@linkcode BuildStats} (so
   * `stats.lastBuildMs` is this build's duration): for a start-up log line or
   * a metric. A callback that throws fails the build like a factory that
   * throws.
   *
   * @param callback Told the stats of the build that just succeeded.
   *
   * @example Log how long the build took
   * ```ts
   * import { App } from "@latch/latch";
   * import assert from "node:assert/strict";
   *
   * const lines: string[] = [];
   * const app = new App().use((next, build) => {
   *   build.onBuilt((stats) => lines.push(`built ${stats.middleware} middleware`));
   *   return next;
   * });
   * await app.ready();
   * assert.deepEqual(lines, ["built 1 middleware"]);
   * ```
   */
  onBuilt(callback: (stats: BuildStats) => void): void;
  /**
   * Answers `error` the way the app answers a handler's error: by its
   * `onError` handlers, else the default problem response (an `HttpError`'s
   * status, or a logged `500`). For a middleware that turns an error into a
   * response itself, so that the middleware outside it see a response, and so
   * that a status it makes up (a `504` from a timeout) goes through
   * `app.onError` like any other. Never throws or rejects.
   *
   * @param error What was thrown; anything.
   * @param request The request it was thrown for.
   * @param ctx That request's context.
   * @returns The response the app's error handling gives.
   *
   * @example Answer a refused request through the app's error handlers
   * ```ts
   * import { App, HttpError } from "@latch/latch";
   * import assert from "node:assert/strict";
   *
   * const app = new App()
   *   .onError(403, () => new Response("go away", { status: 403 }))
   *   .use((next, build) => (request, ctx) =>
   *     request.headers.has("x-blocked")
   *       ? build.respond(new HttpError(403), request, ctx)
   *       : next(request, ctx)
   *   )
   *   .get("/", () => new Response("ok"));
   *
   * const refused = await app.fetch(new Request("http://localhost/", { headers: { "x-blocked": "1" } }));
   * assert.equal(await refused.text(), "go away");
   * ```
   */
  respond(
    error: unknown,
    request: Request,
    ctx: Context<Record<string, string>, T>,
  ): Response | Promise<Response>;
}

/**
 * A middleware: a factory called once per build with the handler it wraps.
 * Its set-up (open a pool, load keys) runs in the factory, once; the handler
 * it returns runs per request, and calls `next` to go inward.
 *
 * A reusable middleware is best written generic in the app's types, so that
 * apps that declare their `ctx.state` can use it too.
 *
 * @example A middleware that times every request
 * ```ts
 * import type { AppTypes, Middleware } from "@latch/latch";
 *
 * function timing<T extends AppTypes>(): Middleware<T> {
 *   return (next) => async (request, ctx) => {
 *     const started = performance.now();
 *     const response = await next(request, ctx);
 *     // Copied first: a Response.redirect() or a fetch() response has immutable headers.
 *     const timed = new Response(response.body, response);
 *     timed.headers.set("server-timing", `app;dur=${performance.now() - started}`);
 *     return timed;
 *   };
 * }
 * ```
 */
export type Middleware<T extends AppTypes = AppTypes> = (
  next: Handler<Record<string, string>, T>,
  build: Build<T>,
) => Handler<Record<string, string>, T> | Promise<Handler<Record<string, string>, T>>;

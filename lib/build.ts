/**
 * The build's contract with user code: the `Middleware` factory, the `Build`
 * it is handed, and the `StartupHook`. A build runs once, on the first
 * request or on `app.ready()`; see `App` for its order.
 *
 * @module
 */

import type { App } from "./app.ts";
import type { Cleanup } from "./_cleanups.ts";
import type { Handler } from "./context.ts";

export type { Cleanup };

/**
 * What a middleware factory is handed besides `next`: the app being built and
 * a place to register cleanups that `app.close()` runs.
 */
export interface Build {
  /** The app being built. Registration on it is frozen by now. */
  readonly app: App;
  /**
   * Registers a cleanup, run by `app.close()` (or when this build fails), after
   * every cleanup registered later: last set up, first torn down.
   *
   * @param cleanup Closes what the factory opened; may be async.
   */
  defer(cleanup: Cleanup): void;
}

/**
 * A middleware: a factory called once per build with the handler it wraps.
 * Its set-up (open a pool, load keys) runs in the factory, once; the handler
 * it returns runs per request, and calls `next` to go inward.
 *
 * @example A middleware that times every request
 * ```ts
 * import type { Middleware } from "@latch/latch";
 *
 * const timing: Middleware = (next) => async (request, ctx) => {
 *   const started = performance.now();
 *   const response = await next(request, ctx);
 *   response.headers.set("server-timing", `app;dur=${performance.now() - started}`);
 *   return response;
 * };
 * ```
 */
export type Middleware = (next: Handler, build: Build) => Handler | Promise<Handler>;

/**
 * Runs at the start of a build, before any middleware factory. It may still
 * register middleware, routes and error handlers, and may return a cleanup.
 *
 * @example
 * ```ts
 * import type { StartupHook } from "@latch/latch";
 *
 * const loadConfig: StartupHook = async (app) => {
 *   const routes = await Promise.resolve(["/a", "/b"]);
 *   for (const path of routes) app.get(path, () => new Response(path));
 * };
 * ```
 */
export type StartupHook = (app: App) => void | Cleanup | Promise<void | Cleanup>;

/**
 * The types every handler and middleware is written against: the per-request
 * `Context` and the `Handler` that receives it.
 *
 * @module
 */

import type { App } from "./app.ts";

/** The part of a Worker's execution context that latch passes along. */
export interface ExecutionContext {
  /** Keeps the isolate alive until `promise` settles. */
  waitUntil(promise: Promise<unknown>): void;
}

/**
 * What a handler gets besides the request: fresh for every request.
 *
 * @typeParam Params The route's params, worked out from its path.
 *
 * @example Hand data from a middleware to a handler
 * ```ts
 * import { App, type Context } from "@latch/latch";
 *
 * const app = new App();
 * app.use((next) => (request, ctx: Context) => {
 *   ctx.state.user = request.headers.get("x-user") ?? "guest";
 *   return next(request, ctx);
 * });
 * app.get("/me", (_request, ctx) => new Response(String(ctx.state.user)));
 * ```
 */
export interface Context<Params = Record<string, string>> {
  /** The route's params, percent-decoded. Empty until the router has matched, so middleware see none. */
  params: Params;
  /** A fresh object per request, for middleware to hand data inward. */
  readonly state: Record<string, unknown>;
  /** The app answering the request: for a mounted app, the mounted one. */
  readonly app: App;
  /** The path being routed, still percent-encoded: the request's path with any mount prefix removed. */
  readonly path: string;
  /**
   * The second argument the runtime passed to `fetch`: Deno's `ServeHandlerInfo`,
   * Bun's `Server`, a Worker's `env` bindings; `undefined` when called with a request only.
   */
  readonly env: unknown;
  /** The third argument the runtime passed to `fetch`: a Worker's execution context. */
  readonly executionContext: ExecutionContext | undefined;
}

/**
 * Answers a request. Any `(request) => Response` is a handler too.
 *
 * @typeParam Params The route's params.
 */
export type Handler<Params = Record<string, string>> = (
  request: Request,
  ctx: Context<Params>,
) => Response | Promise<Response>;

/**
 * The types every handler and middleware is written against: the per-request
 * `Context`, the `Handler` that receives it, and `AppTypes`, which declares
 * once, on the `App`, what `ctx.state` and `ctx.env` hold.
 *
 * @module
 */

import type { BuildStats } from "./build_stats.ts";

/**
 * The part of a Worker's execution context that latch passes along.
 *
 * @example Keep a Worker alive for a write after the response
 * ```ts
 * import { App } from "@latch/latch";
 *
 * const app = new App().post("/events", (request, ctx) => {
 *   ctx.executionContext?.waitUntil(request.text().then((body) => console.log(body.length)));
 *   return new Response(null, { status: 202 });
 * });
 * ```
 */
export interface ExecutionContext {
  /** Keeps the isolate alive until `promise` settles. */
  waitUntil(promise: Promise<unknown>): void;
}

/**
 * What an app's requests carry, declared once as the type argument of `App`:
 * the shape of `ctx.state` (filled by your middleware) and the type of
 * `ctx.env` (what the runtime passes to `fetch` second). Both are optional.
 *
 * @example
 * ```ts
 * import { App } from "@latch/latch";
 *
 * interface Pool { query(sql: string): Promise<unknown[]> }
 * const app = new App<{ state: { pool: Pool }; env: { DATABASE_URL: string } }>();
 * app.get("/users", async (_request, ctx) => Response.json(await ctx.state.pool.query("select 1")));
 * ```
 */
export interface AppTypes {
  /** The shape of `ctx.state`. Defaults to `Record<string, unknown>`. */
  state?: object;
  /** The type of `ctx.env`. Defaults to `unknown`. */
  env?: unknown;
}

/**
 * The type of `ctx.state` for an app declared with `T`.
 *
 * @example
 * ```ts
 * import type { StateOf } from "@latch/latch";
 *
 * const state: StateOf<{ state: { user: string } }> = { user: "ada" };
 * ```
 */
export type StateOf<T extends AppTypes> = T extends { state: infer State extends object } ? State
  : Record<string, unknown>;

/**
 * The type of `ctx.env` for an app declared with `T`.
 *
 * @example
 * ```ts
 * import type { EnvOf } from "@latch/latch";
 *
 * const env: EnvOf<{ env: { KV: string } }> = { KV: "binding" };
 * ```
 */
export type EnvOf<T extends AppTypes> = T extends { env: infer Env } ? Env : unknown;

/**
 * What a handler gets besides the request: fresh for every request.
 *
 * @typeParam Params The route's params, worked out from its path.
 * @typeParam T What the app declared `ctx.state` and `ctx.env` to hold.
 *
 * @example Hand data from a middleware to a handler
 * ```ts
 * import { App } from "@latch/latch";
 *
 * const app = new App<{ state: { user: string } }>();
 * app.use((next) => (request, ctx) => {
 *   ctx.state.user = request.headers.get("x-user") ?? "guest";
 *   return next(request, ctx);
 * });
 * app.get("/me", (_request, ctx) => new Response(ctx.state.user));
 * ```
 */
export interface Context<Params = Record<string, string>, T extends AppTypes = AppTypes> {
  /**
   * The route's params, percent-decoded, in a null-prototype object. Empty in
   * a middleware until it calls `next`: the router sets them.
   */
  readonly params: Params;
  /**
   * A fresh object per request, for middleware to hand data inward. It starts
   * empty: its declared type says what your middleware put there.
   */
  readonly state: StateOf<T>;
  /** The app answering the request: for a mounted app, the mounted one. */
  readonly app: RunningApp;
  /** The path being routed, still percent-encoded: the request's path with any mount prefix removed. */
  readonly path: string;
  /**
   * The second argument the runtime passed to `fetch`: Deno's `ServeHandlerInfo`,
   * Bun's `Server`, a Worker's `env` bindings; `undefined` when called with a request only.
   */
  readonly env: EnvOf<T>;
  /** The third argument the runtime passed to `fetch`: a Worker's execution context. */
  readonly executionContext: ExecutionContext | undefined;
}

/**
 * Answers a request. Any `(request) => Response` is a handler too.
 *
 * @typeParam Params The route's params.
 * @typeParam T What the app declared `ctx.state` and `ctx.env` to hold.
 *
 * @example
 * ```ts
 * import type { Handler } from "@latch/latch";
 *
 * const hello: Handler<{ name: string }> = (_request, ctx) => new Response(`Hello, ${ctx.params.name}`);
 * ```
 */
export type Handler<Params = Record<string, string>, T extends AppTypes = AppTypes> = (
  request: Request,
  ctx: Context<Params, T>,
) => Response | Promise<Response>;

/**
 * Anything that answers a request the way `app.fetch` does: a Hono app's
 * `fetch`, a file server, another framework.
 *
 * @example Mount a plain fetch handler
 * ```ts
 * import { App, type FetchHandler } from "@latch/latch";
 *
 * const legacy: FetchHandler = (request) => new Response(`legacy ${new URL(request.url).pathname}`);
 * new App().mount("/legacy", legacy);
 * ```
 */
export type FetchHandler = (
  request: Request,
  // deno-lint-ignore no-explicit-any -- runtimes and frameworks type these differently (ServeHandlerInfo, Server, Env); any keeps each of them assignable
  env?: any,
  // deno-lint-ignore no-explicit-any -- as above
  executionContext?: any,
) => Response | Promise<Response>;

/**
 * The app as a request or a build sees it: `ctx.app` and `build.app`. By
 * then registration is over, so this is what is left to use: its `stats`,
 * whether it is `built`, its `fetch`, and `ready()`/`close()`. The `App`
 * itself is what it is at run time.
 *
 * @example Report the build count from a route
 * ```ts
 * import { App } from "@latch/latch";
 * import assert from "node:assert/strict";
 *
 * const app = new App().get("/builds", (_request, ctx) => Response.json(ctx.app.stats.builds));
 * const response = await app.fetch(new Request("http://localhost/builds"));
 * assert.equal(await response.json(), 1);
 * ```
 */
export interface RunningApp {
  /** Answers a request, as `App.fetch` does. */
  readonly fetch: FetchHandler;
  /** Whether a build has succeeded and the app is not closed. */
  readonly built: boolean;
  /** Whether `close()` was called. */
  readonly closed: boolean;
  /** What the app tells about its builds. */
  readonly stats: BuildStats;
  /** Resolves once the app is built. */
  ready(): Promise<void>;
  /** Closes the app, running its cleanups once. */
  close(): Promise<void>;
}

/**
 * `App`: registration, the one memoized build, and the per-request entry
 * point. Everything is registered first; the first request (or `ready()`)
 * builds the stack once through a shared promise, and from then on `fetch`
 * calls the pre-composed chain directly.
 *
 * @module
 */

import type { Middleware, StartupHook } from "./build.ts";
import type { AppTypes, ExecutionContext, Handler } from "./context.ts";
import type { ErrorClass, ErrorHandler } from "./error_handler.ts";
import type { HttpError } from "./http_error.ts";
import type { RouteParams } from "./route_params.ts";
import { _AppCore } from "./_app_core.ts";
import { _RequestContext } from "./_request_context.ts";
import { _pathOf } from "./_http.ts";
import { _methodNames } from "./_registry.ts";

/**
 * Where latch reports what nobody handled: unhandled errors and failed builds.
 * `console` fits, and so does any structured logger with an `error` method.
 *
 * @example Send reports to a JSON log
 * ```ts
 * import { App, type Logger } from "@latch/latch";
 *
 * const logger: Logger = {
 *   error: (message, error) => console.error(JSON.stringify({ message, error: String(error) })),
 * };
 * new App({ logger });
 * ```
 */
export interface Logger {
  /** Reports an error; `message` names the request or the build it came from. */
  error(message: string, error?: unknown): void;
}

/**
 * Options for {@linkcode App}.
 *
 * @example
 * ```ts
 * import { App, type AppOptions } from "@latch/latch";
 *
 * const options: AppOptions = { debug: true, logger: console };
 * new App(options);
 * ```
 */
export interface AppOptions {
  /** Put error messages and stack traces in 500 responses. Never in production. Defaults to `false`. */
  debug?: boolean;
  /** Where unhandled errors and failed builds are reported. Defaults to `console`. */
  logger?: Logger;
  /**
   * How long, in milliseconds, a build attempt may take before it is
   * abandoned. Defaults to no limit. When an attempt runs over (a factory or
   * startup hook that never settles), every request waiting on it gets `503`
   * with a `Retry-After` header, `ready()` rejects, and the next request or
   * `ready()` starts a fresh attempt. The abandoned attempt is never served:
   * when its hung step settles, it stops there and its cleanups run.
   */
  buildTimeout?: number | undefined;
}

/**
 * What an app tells about its builds, for logs and benchmarks.
 *
 * @example
 * ```ts
 * import { App } from "@latch/latch";
 * import assert from "node:assert/strict";
 *
 * const app = new App().get("/", () => new Response("ok"));
 * await app.ready();
 * const { builds, lastBuildMs, routes } = app.stats;
 * assert.equal(builds, 1);
 * assert.equal(routes, 1);
 * assert.ok(lastBuildMs !== undefined);
 * ```
 */
export interface BuildStats {
  /** Builds started, failed ones included. */
  readonly builds: number;
  /** Builds that threw or rejected. */
  readonly failures: number;
  /** How long the last successful build took, in milliseconds; `undefined` before one. */
  readonly lastBuildMs: number | undefined;
  /** Middleware in the built stack. */
  readonly middleware: number;
  /** Routes in the built router; a mount counts as one. */
  readonly routes: number;
}

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
 * A web app served by its `fetch`. Register middleware, routes, error
 * handlers and startup hooks; the first request builds the stack once (all
 * concurrent first requests share that build), and every request after it
 * goes straight through the pre-composed chain.
 *
 * A build runs, in order: the startup hooks, in registration order (they may
 * still register); then registration freezes; then mounted apps are built;
 * then the middleware factories are called innermost first and awaited; then
 * the router is compiled. If any step throws, waiting requests get 503, the
 * build's cleanups run, registrations are restored, and the next request or
 * `ready()` tries again.
 *
 * @example A JSON API on Deno or Bun
 * ```ts
 * import { App } from "@latch/latch";
 * import assert from "node:assert/strict";
 *
 * const app = new App();
 * app.use(async (next, build) => {
 *   const pool = await Promise.resolve({ users: new Map([["1", "Ada"]]), close() {} });
 *   build.defer(() => pool.close());
 *   return (request, ctx) => {
 *     ctx.state.pool = pool;
 *     return next(request, ctx);
 *   };
 * });
 * app.get("/users/:id", (_request, ctx) => Response.json({ id: ctx.params.id }));
 *
 * const response = await app.fetch(new Request("http://localhost/users/1"));
 * assert.equal((await response.json()).id, "1");
 * await app.close();
 * // Serve it with Deno.serve(app.fetch), Bun.serve({ fetch: app.fetch }) or `export default app`.
 * ```
 */
export class App<T extends AppTypes = AppTypes> {
  /**
   * Answers a request: the handler to give `Deno.serve`, `Bun.serve` or a
   * Worker. An own, bound property, so it can be passed around alone.
   *
   * @param request The request.
   * @param env What the runtime passes second (Deno's `ServeHandlerInfo`, Bun's `Server`, a Worker's `env`); becomes `ctx.env`.
   * @param executionContext A Worker's execution context; becomes `ctx.executionContext`.
   * @returns Exactly one response; it never rejects.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   * import assert from "node:assert/strict";
   *
   * const { fetch } = new App().get("/", () => new Response("ok"));
   * const response = await fetch(new Request("http://localhost/"));
   * assert.equal(await response.text(), "ok");
   * ```
   */
  readonly fetch: (
    request: Request,
    env?: unknown,
    executionContext?: ExecutionContext,
  ) => Response | Promise<Response>;

  /** The lifecycle: registrations, the build, close. Kept apart so this class is the API. */
  readonly #core: _AppCore;

  /**
   * Makes an app with nothing registered.
   *
   * @param options `debug`, `logger` and `buildTimeout`.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   *
   * const app = new App({ debug: false });
   * ```
   */
  constructor(options: AppOptions = {}) {
    const core = this.#core = new _AppCore(this as App, options);
    this.fetch = (request, env, executionContext) => {
      const chain = core.chain;
      // Fast path: once built, the chain is pre-composed; no memo, no await.
      if (chain !== undefined) {
        return chain(
          request,
          new _RequestContext(this as App, _pathOf(request.url), env, executionContext),
        );
      }
      return core.fetchCold(request, env, executionContext);
    };
  }

  /**
   * Whether a build has succeeded and the app is serving.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   * import assert from "node:assert/strict";
   *
   * const app = new App();
   * assert.equal(app.built, false);
   * await app.ready();
   * assert.equal(app.built, true);
   * ```
   */
  get built(): boolean {
    return this.#core.phase === "frozen" && this.#core.chain !== undefined;
  }

  /**
   * How many builds ran, how long the last took, and what it built.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   *
   * const app = new App();
   * await app.ready();
   * console.log(`built in ${app.stats.lastBuildMs?.toFixed(1)} ms`);
   * ```
   */
  get stats(): BuildStats {
    return this.#core.stats;
  }

  /**
   * Adds middleware; the first one added is the outermost.
   *
   * @param middleware Factories, each called once per build with the handler it wraps.
   * @returns This app, for chaining.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   *
   * const app = new App();
   * app.use((next) => async (request, ctx) => {
   *   const response = await next(request, ctx);
   *   // Copied first: a Response.redirect() or a fetch() response has immutable headers.
   *   const stamped = new Response(response.body, response);
   *   stamped.headers.set("x-powered-by", "latch");
   *   return stamped;
   * });
   * ```
   */
  use(...middleware: Middleware<T>[]): this {
    this.#core.assertOpen("add middleware");
    this.#core.registry.addMiddleware(middleware as Middleware[]);
    return this;
  }

  /**
   * Adds a route for one method or several.
   *
   * @param method A method such as `"GET"`, or a list of them.
   * @param path A pattern: static segments, `:name` params, a trailing `*`.
   * @param handler Answers requests that match; `ctx.params` is typed from `path`.
   * @returns This app, for chaining.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   *
   * new App().on(["PUT", "PATCH"], "/items/:id", (_request, ctx) => new Response(ctx.params.id));
   * ```
   */
  on<Path extends string>(
    method: string | readonly string[],
    path: Path,
    handler: Handler<RouteParams<Path>, T>,
  ): this {
    const methods = typeof method === "string" ? [method] : [...method];
    this.#core.assertOpen(`add the route ${_methodNames(methods)} ${JSON.stringify(path)}`);
    this.#core.registry.addRoutes(methods, path, handler as Handler);
    return this;
  }

  /**
   * Adds a `GET` route; it serves `HEAD` too, without the body.
   *
   * @param path A pattern such as `/users/:id`.
   * @param handler Answers matching requests.
   * @returns This app, for chaining.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   *
   * new App().get("/users/:id", (_request, ctx) => Response.json({ id: ctx.params.id }));
   * ```
   */
  get<Path extends string>(path: Path, handler: Handler<RouteParams<Path>, T>): this {
    return this.on("GET", path, handler);
  }

  /**
   * Adds a `POST` route.
   *
   * @param path A pattern such as `/users`.
   * @param handler Answers matching requests.
   * @returns This app, for chaining.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   *
   * new App().post("/echo", async (request) => new Response(await request.text()));
   * ```
   */
  post<Path extends string>(path: Path, handler: Handler<RouteParams<Path>, T>): this {
    return this.on("POST", path, handler);
  }

  /**
   * Adds a `PUT` route.
   *
   * @param path A pattern such as `/users/:id`.
   * @param handler Answers matching requests.
   * @returns This app, for chaining.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   *
   * new App().put("/users/:id", (_request, ctx) => new Response(`stored ${ctx.params.id}`));
   * ```
   */
  put<Path extends string>(path: Path, handler: Handler<RouteParams<Path>, T>): this {
    return this.on("PUT", path, handler);
  }

  /**
   * Adds a `PATCH` route.
   *
   * @param path A pattern such as `/users/:id`.
   * @param handler Answers matching requests.
   * @returns This app, for chaining.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   *
   * new App().patch("/users/:id", (_request, ctx) => new Response(`patched ${ctx.params.id}`));
   * ```
   */
  patch<Path extends string>(path: Path, handler: Handler<RouteParams<Path>, T>): this {
    return this.on("PATCH", path, handler);
  }

  /**
   * Adds a `DELETE` route.
   *
   * @param path A pattern such as `/users/:id`.
   * @param handler Answers matching requests.
   * @returns This app, for chaining.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   *
   * new App().delete("/users/:id", () => new Response(null, { status: 204 }));
   * ```
   */
  delete<Path extends string>(path: Path, handler: Handler<RouteParams<Path>, T>): this {
    return this.on("DELETE", path, handler);
  }

  /**
   * Adds an `OPTIONS` route. Without one, `OPTIONS` is answered with `204` and `Allow`.
   *
   * @param path A pattern such as `/users`.
   * @param handler Answers matching requests.
   * @returns This app, for chaining.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   *
   * new App().options("/", () => new Response(null, { status: 204, headers: { allow: "GET" } }));
   * ```
   */
  options<Path extends string>(path: Path, handler: Handler<RouteParams<Path>, T>): this {
    return this.on("OPTIONS", path, handler);
  }

  /**
   * Adds a route for every method.
   *
   * @param path A pattern such as `/proxy/*`.
   * @param handler Answers matching requests, whatever their method.
   * @returns This app, for chaining.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   *
   * new App().all("/ping", (request) => new Response(request.method));
   * ```
   */
  all<Path extends string>(path: Path, handler: Handler<RouteParams<Path>, T>): this {
    return this.on("*", path, handler);
  }

  /**
   * Serves another app or fetch handler under `prefix`. A mounted `App` is
   * built inside this app's build, its middleware apply only under the
   * prefix, its routes see paths without the prefix, and errors its own
   * `onError` handlers leave go to this app's. A fetch handler gets the
   * request with the prefix removed from its URL.
   *
   * @param prefix A path such as `/api`: no trailing `/`, params or `*`.
   * @param target An `App` (owned by this one from now on) or any fetch handler.
   * @returns This app, for chaining.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   * import assert from "node:assert/strict";
   *
   * const api = new App().get("/health", () => new Response("ok"));
   * const app = new App().mount("/api", api);
   * const response = await app.fetch(new Request("http://localhost/api/health"));
   * assert.equal(response.status, 200);
   * ```
   */
  mount(prefix: string, target: App<AppTypes> | FetchHandler): this {
    this.#core.mount(prefix, target, target instanceof App ? target.#core : undefined);
    return this;
  }

  /**
   * Answers errors of a class, or with a status, with your own response.
   * An `HttpError` is looked up by its status first; then any error by its
   * class, nearest first (so `onError(Error, …)` catches all errors); then
   * any error that is not an `HttpError` by `500`. The router's 404 and 405
   * are `HttpError`s, so `onError(404, …)` shapes not-found pages.
   *
   * @param key An `Error` class, or an HTTP status from 400 to 599.
   * @param handler Answers the error.
   * @returns This app, for chaining.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   *
   * const app = new App();
   * app.onError(404, (_error, request) => new Response(`Nothing at ${new URL(request.url).pathname}`, { status: 404 }));
   * app.onError(RangeError, (error) => Response.json({ error: error.message }, { status: 422 }));
   * ```
   */
  onError<E extends Error>(key: ErrorClass<E>, handler: ErrorHandler<E, T>): this;
  /**
   * Answers errors by status. Any status but 500 receives an `HttpError` with
   * that status (the router's 404 and 405 among them). `500` receives the
   * errors that become 500: every error that is not an `HttpError` and has no
   * class handler, an `HttpError(500)`, and anything thrown that is not an
   * `Error` at all, hence `unknown`.
   *
   * @param key An HTTP status from 400 to 599.
   * @param handler Answers the error.
   * @returns This app, for chaining.
   *
   * @example
   * ```ts
   * import { App, problemResponse } from "@latch/latch";
   *
   * const app = new App();
   * app.onError(404, (error) => problemResponse(404, { detail: `Nothing here: ${error.message}` }));
   * app.onError(500, (error) => {
   *   const id = crypto.randomUUID();
   *   console.error(id, error);
   *   return problemResponse(500, { detail: `Quote ${id} to support` });
   * });
   * ```
   */
  onError<Status extends number>(
    key: Status,
    handler: ErrorHandler<Status extends 500 ? unknown : HttpError, T>,
  ): this;
  onError(key: number | ErrorClass, handler: ErrorHandler<never, T>): this {
    this.#core.assertOpen(
      `add an error handler for ${typeof key === "number" ? key : key?.name}`,
    );
    this.#core.registry.addErrorHandler(key, handler as ErrorHandler);
    return this;
  }

  /**
   * Adds a startup hook: run at the start of every build attempt, in
   * registration order, before any middleware factory. It may still register
   * middleware, routes and error handlers, and may return a cleanup that
   * `close()` runs.
   *
   * @param hook Receives this app; may be async.
   * @returns This app, for chaining.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   *
   * const app = new App();
   * app.onStartup(async (app) => {
   *   const flags = await Promise.resolve({ beta: true });
   *   if (flags.beta) app.get("/beta", () => new Response("hi"));
   *   return () => console.log("closed");
   * });
   * ```
   */
  onStartup(hook: StartupHook<T>): this {
    this.#core.assertOpen("add a startup hook");
    this.#core.registry.addStartupHook(hook as StartupHook);
    return this;
  }

  /**
   * Builds the app now, through the same shared promise a first request
   * would use: a warm-up before serving, or a way to fail fast at start.
   *
   * @returns Resolves once built; rejects with the build's error, and a later call retries.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   * import assert from "node:assert/strict";
   *
   * const app = new App().get("/", () => new Response("ok"));
   * await app.ready();
   * assert.ok(app.built);
   * ```
   */
  ready(): Promise<void> {
    return this.#core.ready();
  }

  /**
   * Shuts the app down: new requests get 503, a build in flight is awaited,
   * then every cleanup (from `build.defer` and startup hooks) runs once,
   * newest first. Later calls return the same promise.
   *
   * @returns Resolves when the cleanups are done; rejects with an `AggregateError` if any threw.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   * import assert from "node:assert/strict";
   *
   * const app = new App();
   * await app.ready();
   * await app.close();
   * const response = await app.fetch(new Request("http://localhost/"));
   * assert.equal(response.status, 503);
   * ```
   */
  close(): Promise<void> {
    return this.#core.close();
  }

  /** Calls {@linkcode App.close}, for `await using app = new App()`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

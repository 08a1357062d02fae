/**
 * `App`: registration, the one memoized build, and the per-request entry
 * point. Everything is registered first; the first request (or `ready()`)
 * builds the stack once through a shared promise, and from then on `fetch`
 * calls the pre-composed chain directly.
 *
 * @module
 */

import type { Cleanup, Middleware } from "./build.ts";
import type { AppOptions } from "./app_options.ts";
import type { BuildStats } from "./build_stats.ts";
import type {
  AppTypes,
  Context,
  EnvOf,
  ExecutionContext,
  FetchHandler,
  Handler,
} from "./context.ts";
import type { ErrorClass, ErrorHandler } from "./error_handler.ts";
import type { HttpError } from "./http_error.ts";
import type { RouteParams } from "./route_params.ts";
import type { RouteOptions, ValidatedHandler } from "./route_options.ts";
import type { BunWebSocketHandlers, WebSocketHandlers } from "./websocket.ts";
import { _AppCore } from "./_app_core.ts";
import { _RequestContext } from "./_request_context.ts";
import { _pathOf } from "./_http.ts";
import { _methodNames } from "./_registry.ts";
import { _checkRouteOptions } from "./_route_options_check.ts";
import { _validatingHandler } from "./_route_validation.ts";
import { _webSocketRoute } from "./ws/_route.ts";
import { websocket } from "./ws/_bun.ts";

/** What API documentation shows for an `app.ws()` route. */
const _WEB_SOCKET_ROUTE: RouteOptions = {
  description: "A WebSocket (RFC 6455): connect with a WebSocket client",
  responses: {
    101: { description: "Switching Protocols: the connection is a WebSocket from now on" },
    426: { description: "Upgrade Required: the request was not a WebSocket handshake" },
  },
};

// The types that moved to the files at the bottom of the graph stay importable from here.
export type { AppOptions, Logger } from "./app_options.ts";
export type { BuildStats } from "./build_stats.ts";
export type { FetchHandler } from "./context.ts";

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
export type StartupHook<T extends AppTypes = AppTypes> = (
  app: App<T>,
) => void | Cleanup | Promise<void | Cleanup>;

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

  /**
   * The `websocket` option `Bun.serve` needs for this app's WebSocket
   * routes: `Bun.serve({ fetch: app.fetch, websocket: app.websocket })`.
   * Without it, Bun cannot upgrade, and a WebSocket route answers `500` with
   * a message that says so. Deno and workerd need nothing besides `fetch`.
   * The same object serves every app (each socket knows its route); spread
   * it to set Bun's socket options: `{ ...app.websocket, idleTimeout: 60 }`.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   * import assert from "node:assert/strict";
   *
   * const app = new App().ws("/echo", { message: (ws, data) => void ws.send(data) });
   * const { fetch, websocket } = app;
   * assert.equal(typeof fetch, "function");
   * assert.equal(typeof websocket.message, "function");
   * // Bun.serve({ fetch, websocket });
   * ```
   */
  readonly websocket: BunWebSocketHandlers = websocket;

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
          new _RequestContext(this, request, _pathOf(request.url), env, executionContext),
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
   * Whether `close()` was called: from then on every request gets `503`.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   * import assert from "node:assert/strict";
   *
   * const app = new App();
   * assert.equal(app.closed, false);
   * await app.close();
   * assert.equal(app.closed, true);
   * ```
   */
  get closed(): boolean {
    return this.#core.closing !== undefined;
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
  ): this;
  /**
   * Adds a route for one method or several, with options: schemas that
   * validate its params, query, headers and body before the handler runs
   * (any Standard Schema: zod 4, valibot 1, arktype 2…), and what API
   * documentation shows. The handler finds what the schemas returned in
   * `ctx.valid`, typed by them; a request that fails them is answered `422`
   * with every issue listed, through `app.onError(422)`. Options are checked
   * here: a schema that is not a Standard Schema throws a `TypeError`.
   *
   * @param method A method such as `"POST"`, or a list of them.
   * @param path A pattern: static segments, `:name` params, a trailing `*`.
   * @param options Schemas (`params`, `query`, `headers`, `body`), `bodyLimit`, and documentation (`summary`, `description`, `operationId`, `tags`, `deprecated`, `responses`).
   * @param handler Answers requests that passed the schemas.
   * @returns This app, for chaining.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   * import { z } from "zod";
   * import assert from "node:assert/strict";
   *
   * const app = new App().on(["PUT", "PATCH"], "/items/:id", {
   *   body: z.object({ name: z.string().min(1) }),
   * }, (_request, ctx) => Response.json({ id: ctx.params.id, name: ctx.valid.body.name }));
   *
   * const response = await app.request("/items/7", {
   *   method: "PATCH",
   *   headers: { "content-type": "application/json" },
   *   body: JSON.stringify({ name: "" }),
   * });
   * assert.equal(response.status, 422);
   * assert.deepEqual((await response.json()).errors.map((issue: { path: string[] }) => issue.path), [["name"]]);
   * ```
   */
  on<Path extends string, Options extends RouteOptions>(
    method: string | readonly string[],
    path: Path,
    options: Options,
    handler: ValidatedHandler<RouteParams<Path>, Options, T>,
  ): this;
  on(
    method: string | readonly string[],
    path: string,
    optionsOrHandler: unknown,
    handler?: unknown,
  ): this {
    return this.#route(
      typeof method === "string" ? [method] : [...method],
      path,
      optionsOrHandler,
      handler,
    );
  }

  /** Registers a route: checks its options, wraps its handler with their validation if they have schemas. */
  #route(methods: string[], path: string, optionsOrHandler: unknown, handler: unknown): this {
    const route = `${_methodNames(methods)} ${JSON.stringify(path)}`;
    this.#core.assertOpen(`add the route ${route}`);
    // A handler is a function; options are an object. An arktype type is a function too, but
    // it is never the options: a schema goes inside them, as { body: type(...) }.
    const withOptions = handler !== undefined ||
      (typeof optionsOrHandler === "object" && optionsOrHandler !== null);
    if (withOptions && handler === undefined) {
      throw new TypeError(
        `Route ${route} has options but no handler: pass (request, ctx) => Response after the options`,
      );
    }
    const options = _checkRouteOptions(
      withOptions ? optionsOrHandler : undefined,
      methods.map((method) => typeof method === "string" ? method.toUpperCase() : method),
      route,
    );
    const given = withOptions ? handler : optionsOrHandler;
    // A handler that is not a function is left for the registry to refuse, with its message.
    const routed = typeof given === "function"
      ? _validatingHandler(given as Handler, options)
      : given;
    this.#core.registry.addRoutes(methods, path, routed as Handler, options);
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
  get<Path extends string>(path: Path, handler: Handler<RouteParams<Path>, T>): this;
  /**
   * Adds a `GET` route, with options: schemas for its
   * params, query and headers, checked before the handler runs and
   * typed in `ctx.valid`, and what API documentation shows; see {@linkcode App.on}.
   *
   * @param path A pattern such as `/users/:id`.
   * @param options Schemas (`params`, `query`, `headers`) and documentation (`summary`, `tags`, `responses`…).
   * @param handler Answers requests that passed the schemas.
   * @returns This app, for chaining.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   * import { z } from "zod";
   * import assert from "node:assert/strict";
   *
   * const app = new App().get("/todos", {
   *   query: z.object({ page: z.coerce.number().int().min(1).default(1) }),
   *   summary: "List todos",
   * }, (_request, ctx) => Response.json({ page: ctx.valid.query.page }));
   * const response = await app.request("/todos?page=2");
   * assert.deepEqual(await response.json(), { page: 2 });
   * ```
   */
  get<Path extends string, Options extends RouteOptions>(
    path: Path,
    options: Options,
    handler: ValidatedHandler<RouteParams<Path>, Options, T>,
  ): this;
  get(path: string, optionsOrHandler: unknown, handler?: unknown): this {
    return this.#route(["GET"], path, optionsOrHandler, handler);
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
  post<Path extends string>(path: Path, handler: Handler<RouteParams<Path>, T>): this;
  /**
   * Adds a `POST` route, with options: schemas for its
   * params, query, headers and body, checked before the handler runs and
   * typed in `ctx.valid`, and what API documentation shows; see {@linkcode App.on}.
   *
   * @param path A pattern such as `/users`.
   * @param options Schemas (`params`, `query`, `headers`, `body`), `bodyLimit` and documentation (`summary`, `tags`, `responses`…).
   * @param handler Answers requests that passed the schemas.
   * @returns This app, for chaining.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   * import { z } from "zod";
   * import assert from "node:assert/strict";
   *
   * const app = new App().post("/todos", {
   *   body: z.object({ title: z.string().min(1) }),
   * }, (_request, ctx) => Response.json({ title: ctx.valid.body.title }, { status: 201 }));
   * const response = await app.request("/todos", {
   *   method: "POST",
   *   headers: { "content-type": "application/json" },
   *   body: JSON.stringify({ title: "Buy milk" }),
   * });
   * assert.equal(response.status, 201);
   * ```
   */
  post<Path extends string, Options extends RouteOptions>(
    path: Path,
    options: Options,
    handler: ValidatedHandler<RouteParams<Path>, Options, T>,
  ): this;
  post(path: string, optionsOrHandler: unknown, handler?: unknown): this {
    return this.#route(["POST"], path, optionsOrHandler, handler);
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
  put<Path extends string>(path: Path, handler: Handler<RouteParams<Path>, T>): this;
  /**
   * Adds a `PUT` route, with options: schemas for its
   * params, query, headers and body, checked before the handler runs and
   * typed in `ctx.valid`, and what API documentation shows; see {@linkcode App.on}.
   *
   * @param path A pattern such as `/users/:id`.
   * @param options Schemas (`params`, `query`, `headers`, `body`), `bodyLimit` and documentation (`summary`, `tags`, `responses`…).
   * @param handler Answers requests that passed the schemas.
   * @returns This app, for chaining.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   * import { z } from "zod";
   * import assert from "node:assert/strict";
   *
   * const app = new App().put("/users/:id", {
   *   params: z.object({ id: z.string().regex(/^\d+$/) }),
   *   body: z.object({ name: z.string() }),
   * }, (_request, ctx) => Response.json({ id: ctx.valid.params.id, ...ctx.valid.body }));
   * const response = await app.request("/users/x", { method: "PUT", headers: { "content-type": "application/json" }, body: "{}" });
   * assert.equal(response.status, 422);
   * ```
   */
  put<Path extends string, Options extends RouteOptions>(
    path: Path,
    options: Options,
    handler: ValidatedHandler<RouteParams<Path>, Options, T>,
  ): this;
  put(path: string, optionsOrHandler: unknown, handler?: unknown): this {
    return this.#route(["PUT"], path, optionsOrHandler, handler);
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
  patch<Path extends string>(path: Path, handler: Handler<RouteParams<Path>, T>): this;
  /**
   * Adds a `PATCH` route, with options: schemas for its
   * params, query, headers and body, checked before the handler runs and
   * typed in `ctx.valid`, and what API documentation shows; see {@linkcode App.on}.
   *
   * @param path A pattern such as `/users/:id`.
   * @param options Schemas (`params`, `query`, `headers`, `body`), `bodyLimit` and documentation (`summary`, `tags`, `responses`…).
   * @param handler Answers requests that passed the schemas.
   * @returns This app, for chaining.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   * import { z } from "zod";
   * import assert from "node:assert/strict";
   *
   * const app = new App().patch("/users/:id", {
   *   body: z.object({ name: z.string().optional() }),
   * }, (_request, ctx) => Response.json(ctx.valid.body));
   * const response = await app.request("/users/1", { method: "PATCH", body: "name=Ada" });
   * assert.equal(response.status, 415); // no Content-Type: the answer names the types accepted
   * assert.ok(response.headers.has("accept-patch"));
   * ```
   */
  patch<Path extends string, Options extends RouteOptions>(
    path: Path,
    options: Options,
    handler: ValidatedHandler<RouteParams<Path>, Options, T>,
  ): this;
  patch(path: string, optionsOrHandler: unknown, handler?: unknown): this {
    return this.#route(["PATCH"], path, optionsOrHandler, handler);
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
  delete<Path extends string>(path: Path, handler: Handler<RouteParams<Path>, T>): this;
  /**
   * Adds a `DELETE` route, with options: schemas for its
   * params, query, headers and body, checked before the handler runs and
   * typed in `ctx.valid`, and what API documentation shows; see {@linkcode App.on}.
   *
   * @param path A pattern such as `/users/:id`.
   * @param options Schemas (`params`, `query`, `headers`, `body`), `bodyLimit` and documentation (`summary`, `tags`, `responses`…).
   * @param handler Answers requests that passed the schemas.
   * @returns This app, for chaining.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   * import { z } from "zod";
   * import assert from "node:assert/strict";
   *
   * const app = new App().delete("/users/:id", {
   *   headers: z.object({ "if-match": z.string() }),
   *   responses: { 204: { description: "Deleted" } },
   * }, () => new Response(null, { status: 204 }));
   * const response = await app.request("/users/1", { method: "DELETE", headers: { "If-Match": '"v1"' } });
   * assert.equal(response.status, 204);
   * ```
   */
  delete<Path extends string, Options extends RouteOptions>(
    path: Path,
    options: Options,
    handler: ValidatedHandler<RouteParams<Path>, Options, T>,
  ): this;
  delete(path: string, optionsOrHandler: unknown, handler?: unknown): this {
    return this.#route(["DELETE"], path, optionsOrHandler, handler);
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
  options<Path extends string>(path: Path, handler: Handler<RouteParams<Path>, T>): this;
  /**
   * Adds an `OPTIONS` route. Without one, `OPTIONS` is answered with `204` and `Allow`, with options: schemas for its
   * params, query, headers and body, checked before the handler runs and
   * typed in `ctx.valid`, and what API documentation shows; see {@linkcode App.on}.
   *
   * @param path A pattern such as `/users`.
   * @param options Schemas (`params`, `query`, `headers`, `body`), `bodyLimit` and documentation (`summary`, `tags`, `responses`…).
   * @param handler Answers requests that passed the schemas.
   * @returns This app, for chaining.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   * import { z } from "zod";
   * import assert from "node:assert/strict";
   *
   * const app = new App().options("/", { summary: "What this API allows" }, () =>
   *   new Response(null, { status: 204, headers: { allow: "GET" } }));
   * const response = await app.request("/", { method: "OPTIONS" });
   * assert.equal(response.headers.get("allow"), "GET");
   * ```
   */
  options<Path extends string, Options extends RouteOptions>(
    path: Path,
    options: Options,
    handler: ValidatedHandler<RouteParams<Path>, Options, T>,
  ): this;
  options(path: string, optionsOrHandler: unknown, handler?: unknown): this {
    return this.#route(["OPTIONS"], path, optionsOrHandler, handler);
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
  all<Path extends string>(path: Path, handler: Handler<RouteParams<Path>, T>): this;
  /**
   * Adds a route for every method, with options: schemas for its
   * params, query, headers and body, checked before the handler runs and
   * typed in `ctx.valid`, and what API documentation shows; see {@linkcode App.on}.
   *
   * @param path A pattern such as `/proxy/*`.
   * @param options Schemas (`params`, `query`, `headers`, `body`), `bodyLimit` and documentation (`summary`, `tags`, `responses`…).
   * @param handler Answers requests that passed the schemas.
   * @returns This app, for chaining.
   *
   * @example
   * ```ts
   * import { App } from "@latch/latch";
   * import { z } from "zod";
   * import assert from "node:assert/strict";
   *
   * const app = new App().all("/ping", {
   *   query: z.object({ echo: z.string().max(10) }),
   * }, (request, ctx) => new Response(`${request.method} ${ctx.valid.query.echo}`));
   * const response = await app.request("/ping?echo=hi", { method: "PUT" });
   * assert.equal(await response.text(), "PUT hi");
   * ```
   */
  all<Path extends string, Options extends RouteOptions>(
    path: Path,
    options: Options,
    handler: ValidatedHandler<RouteParams<Path>, Options, T>,
  ): this;
  all(path: string, optionsOrHandler: unknown, handler?: unknown): this {
    return this.#route(["*"], path, optionsOrHandler, handler);
  }

  /**
   * Adds a WebSocket route (RFC 6455) at `path`: a `GET` route that upgrades,
   * so your middleware run before the upgrade (one that answers, such as an
   * auth check's `401`, stops it; what they put on `ctx.state` reaches the
   * handlers), and a request that is not an upgrade gets `426` with
   * `Upgrade: websocket`. Each handler gets the connection (`ws.send()`,
   * `ws.close()`, `ws.readyState`) and the request's `ctx`, with `params`
   * typed from `path`. A handler that throws closes the connection with
   * `1011`, and is reported once: to `error`, else to the app's `logger`.
   *
   * Serve it with `Deno.serve(app.fetch)`, `export default app` on workerd,
   * or `Bun.serve({ fetch: app.fetch, websocket: app.websocket })` on Bun.
   * On Node.js, a WebSocket route answers `501`.
   *
   * @param path A pattern such as `/chat/:room`.
   * @param handlers `open`, `message`, `close` and `error`, each optional; checked now.
   * @returns This app, for chaining.
   * @throws {TypeError} When `handlers` is not an object of functions named `open`, `message`, `close`, `error`.
   *
   * @example A chat room, with the user from an auth middleware
   * ```ts
   * import { App, HttpError, type WebSocketConnection } from "@latch/latch";
   * import assert from "node:assert/strict";
   *
   * const app = new App<{ state: { user: string } }>();
   * app.use((next) => (request, ctx) => {
   *   const user = request.headers.get("x-user");
   *   if (user === null) throw new HttpError(401, "Send x-user");
   *   ctx.state.user = user;
   *   return next(request, ctx);
   * });
   * const rooms = new Map<string, Set<WebSocketConnection>>();
   * app.ws("/chat/:room", {
   *   open(ws, ctx) {
   *     const room = rooms.get(ctx.params.room) ?? new Set();
   *     rooms.set(ctx.params.room, room.add(ws));
   *   },
   *   message(_ws, data, ctx) {
   *     for (const peer of rooms.get(ctx.params.room) ?? []) peer.send(`${ctx.state.user}: ${data}`);
   *   },
   *   close(ws, _code, _reason, ctx) {
   *     rooms.get(ctx.params.room)?.delete(ws);
   *   },
   * });
   *
   * assert.equal((await app.request("/chat/lobby")).status, 401);
   * const plain = await app.request("/chat/lobby", { headers: { "x-user": "ada" } });
   * assert.equal(plain.status, 426);
   * assert.equal(plain.headers.get("upgrade"), "websocket");
   * ```
   */
  ws<Path extends string>(path: Path, handlers: WebSocketHandlers<RouteParams<Path>, T>): this {
    this.#core.assertOpen(`add the WebSocket route ${JSON.stringify(path)}`);
    const upgrade = _webSocketRoute(handlers, this.#core.logger, JSON.stringify(path));
    // Routing may follow a rewritten request; the runtime upgrades the one the server received.
    const route = (request: Request, ctx: Context) =>
      upgrade(request, (ctx as _RequestContext).received(), ctx);
    return this.#route(["GET"], path, _WEB_SOCKET_ROUTE, route);
  }

  /**
   * Answers a request through `app.fetch`, building the app on first use:
   * for tests and scripts, without a server. `input` is a path (resolved
   * against `http://localhost`), a URL or a `Request`; `init` is what
   * `new Request()` takes.
   *
   * @param input A path such as `"/todos?page=2"`, a URL or a `Request`.
   * @param init The method, headers, body and the rest, as for `new Request(input, init)`.
   * @param env What `ctx.env` is for this request, as a runtime would pass it to `fetch`.
   * @param executionContext A Worker's execution context, for `ctx.executionContext`.
   * @returns The response; rejects only with a `TypeError` when `input` and `init` make no request.
   *
   * @example Test a route without a server
   * ```ts
   * import { App } from "@latch/latch";
   * import assert from "node:assert/strict";
   *
   * const app = new App().post("/echo", async (request) => new Response(await request.text()));
   * const response = await app.request("/echo", { method: "POST", body: "hi" });
   * assert.equal(await response.text(), "hi");
   * await app.close();
   * ```
   */
  request(
    input: string | URL | Request,
    init?: RequestInit,
    env?: EnvOf<T>,
    executionContext?: ExecutionContext,
  ): Promise<Response> {
    let request: Request;
    try {
      request = input instanceof Request
        ? (init === undefined ? input : new Request(input, init))
        : new Request(new URL(input, "http://localhost"), init);
    } catch (error) {
      return Promise.reject(
        new TypeError(
          `app.request() takes a path such as "/todos", a URL or a Request, and a RequestInit: ${
            error instanceof Error ? error.message : String(error)
          }`,
          { cause: error },
        ),
      );
    }
    return Promise.resolve(this.fetch(request, env, executionContext));
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
    this.#core.registry.addStartupHook(hook);
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

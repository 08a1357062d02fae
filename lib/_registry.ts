/**
 * What an app has registered, with the checks that run at registration time
 * so a mistake throws at the line that made it: path syntax, duplicate
 * routes, clashing mounts, error-handler keys.
 *
 * Copy-on-write: `snapshot()` is a reference, shared until either side is
 * next written to, and every kind of registration lives in one record
 * (`_Registrations`), so a new kind is copied, snapshotted and restored
 * without a second list to keep in step.
 *
 * @module
 */

import type { Middleware } from "./build.ts";
import type { FetchHandler, Handler } from "./context.ts";
import type { ErrorClass, ErrorHandler } from "./error_handler.ts";
import type { RouteOptions } from "./route_options.ts";
import { type _Parsed, _parseRoutePath } from "./_route_path.ts";
import { _describe } from "./_describe.ts";
import { _TOKEN } from "./_http.ts";

/** What `onError` is keyed by: a status or an `Error` class. */
export type _ErrorKey = number | ErrorClass;

/** A startup hook as the registry keeps it; `App` types what it is handed. */
// deno-lint-ignore no-explicit-any -- the hook's parameter is the App, which this file must not import
export type _Hook = (app: any) => unknown;

/** A mount as registered; `Child` is the lifecycle of a mounted app. */
export interface _Mount<Child> {
  readonly prefix: string;
  /** How many path segments the prefix has: what is stripped from the path. */
  readonly segments: number;
  /** The fetch handler mounted, or `undefined` for a mounted app. */
  readonly forward: FetchHandler | undefined;
  /** The lifecycle of a mounted app; `undefined` for a fetch handler. */
  readonly child: Child | undefined;
}

/** A route as registered. */
export interface _Route {
  /** An upper-case method token, or `"*"`. */
  readonly method: string;
  readonly path: string;
  readonly value: Handler;
  readonly options: RouteOptions | undefined;
}

/** Every kind of registration, in one record: each field an array or a map, copied alike. */
interface _Registrations<Child> {
  readonly middleware: Middleware[];
  readonly routes: _Route[];
  readonly mounts: _Mount<Child>[];
  readonly errorHandlers: Map<_ErrorKey, ErrorHandler>;
  readonly startupHooks: _Hook[];
  /** `METHOD shape` → what claimed it, to refuse a second claim with a message that names the first. */
  readonly claims: Map<string, string>;
}

function _empty<Child>(): _Registrations<Child> {
  return {
    middleware: [],
    routes: [],
    mounts: [],
    errorHandlers: new Map(),
    startupHooks: [],
    claims: new Map(),
  };
}

/** A copy of every field of `lists`, whatever kinds it holds. */
function _copy<Child>(lists: _Registrations<Child>): _Registrations<Child> {
  const copy: Record<string, unknown> = {};
  for (const [kind, list] of Object.entries(lists)) {
    copy[kind] = list instanceof Map ? new Map(list) : [...(list as unknown[])];
  }
  return copy as unknown as _Registrations<Child>;
}

/** Methods as messages name them: upper case, `*` as `ALL`, joined by commas. */
export function _methodNames(methods: readonly unknown[]): string {
  return methods.map((method) => method === "*" ? "ALL" : String(method).toUpperCase()).join(",");
}

/** A parsed route path with param names erased and segments decoded, so `/a/:x`, `/a/:y` and `/%61/:z` compare equal. */
function _shape(parsed: _Parsed): string {
  return JSON.stringify([parsed.segments, parsed.wildcard]);
}

/** The registrations of one app. */
export class _Registry<Child = unknown> {
  #lists: _Registrations<Child>;
  /** Whether a snapshot shares `#lists`: the next write copies them first. */
  #shared = false;

  constructor(lists: _Registrations<Child> = _empty()) {
    this.#lists = lists;
  }

  get middleware(): readonly Middleware[] {
    return this.#lists.middleware;
  }
  get routes(): readonly _Route[] {
    return this.#lists.routes;
  }
  get mounts(): readonly _Mount<Child>[] {
    return this.#lists.mounts;
  }
  get errorHandlers(): ReadonlyMap<_ErrorKey, ErrorHandler> {
    return this.#lists.errorHandlers;
  }
  get startupHooks(): readonly _Hook[] {
    return this.#lists.startupHooks;
  }

  /** The registrations as they are now, to restore if a build fails: shared until either side changes. */
  snapshot(): _Registry<Child> {
    this.#shared = true;
    const snapshot = new _Registry<Child>(this.#lists);
    snapshot.#shared = true;
    return snapshot;
  }

  /** The lists, copied first if a snapshot shares them. */
  #writable(): _Registrations<Child> {
    if (this.#shared) {
      this.#lists = _copy(this.#lists);
      this.#shared = false;
    }
    return this.#lists;
  }

  addMiddleware(middleware: readonly Middleware[]): void {
    for (const [index, factory] of middleware.entries()) {
      if (typeof factory !== "function") {
        throw new TypeError(
          `app.use() takes middleware factories, (next, build) => handler, but argument #${
            index + 1
          } is ${_describe(factory)}`,
        );
      }
    }
    this.#writable().middleware.push(...middleware);
  }

  addRoutes(
    methods: readonly string[],
    path: string,
    handler: Handler,
    options?: RouteOptions,
  ): void {
    if (methods.length === 0) {
      throw new TypeError(
        `app.on() needs at least one method for ${
          JSON.stringify(path)
        }: pass "GET" or ["GET", "POST"]`,
      );
    }
    const normalized = methods.map((method) => {
      if (typeof method !== "string" || !_TOKEN.test(method)) {
        throw new TypeError(
          `Route method must be an HTTP method token such as "GET", got ${JSON.stringify(method)}`,
        );
      }
      return method.toUpperCase();
    });
    if (typeof handler !== "function") {
      throw new TypeError(
        `Route handler for ${_methodNames(normalized)} ${
          JSON.stringify(path)
        } must be a function ` +
          `(request, ctx) => Response, got ${_describe(handler)}`,
      );
    }
    const shape = _shape(_parseRoutePath(path));
    for (const method of normalized) {
      const owner = this.#lists.claims.get(`${method} ${shape}`);
      if (owner !== undefined) {
        throw new Error(
          `Route ${_methodNames([method])} ${JSON.stringify(path)} clashes with ${owner} ` +
            `(paths that differ only in param names or in percent-encoding are the same): ` +
            `remove one, or change its method or path`,
        );
      }
    }
    const lists = this.#writable();
    for (const method of normalized) {
      lists.claims.set(
        `${method} ${shape}`,
        `the route ${_methodNames([method])} ${JSON.stringify(path)}`,
      );
      lists.routes.push({ method, path, value: handler, options });
    }
  }

  addMount(prefix: string, forward: FetchHandler | undefined, child: Child | undefined): void {
    if (
      typeof prefix !== "string" || !prefix.startsWith("/") ||
      (prefix !== "/" && prefix.endsWith("/")) || /[:*]/.test(prefix)
    ) {
      throw new TypeError(
        `Mount prefix must be a path such as "/api", without a trailing "/", params or "*", got ${
          JSON.stringify(prefix)
        }`,
      );
    }
    const parsed = _parseRoutePath(prefix);
    // The mount answers the prefix and everything under it: the same segments, with and without `*`.
    const keys = [`* ${_shape(parsed)}`, `* ${_shape({ ...parsed, wildcard: true })}`];
    for (const key of keys) {
      const owner = this.#lists.claims.get(key);
      if (owner !== undefined) {
        throw new Error(
          `Cannot mount at ${
            JSON.stringify(prefix)
          }: ${owner} is already there; mount one target per prefix`,
        );
      }
    }
    const lists = this.#writable();
    for (const key of keys) lists.claims.set(key, `the mount at ${JSON.stringify(prefix)}`);
    lists.mounts.push({ prefix, segments: parsed.segments.length, forward, child });
  }

  addErrorHandler(key: number | ErrorClass, handler: ErrorHandler): void {
    const isStatus = typeof key === "number" && Number.isInteger(key) && key >= 400 && key <= 599;
    const isErrorClass = typeof key === "function" &&
      (key === Error || key.prototype instanceof Error);
    if (!isStatus && !isErrorClass) {
      throw new TypeError(
        `app.onError() is keyed by an Error class or a status from 400 to 599, got ${
          typeof key === "number" ? key : _describe(key)
        }`,
      );
    }
    if (typeof handler !== "function") {
      throw new TypeError(
        `app.onError() takes a handler (error, request, ctx) => Response, got ${
          _describe(handler)
        }`,
      );
    }
    if (this.errorHandlers.has(key)) {
      const name = typeof key === "number" ? String(key) : key.name;
      throw new Error(
        `An error handler for ${name} is already registered: handle every case in one handler`,
      );
    }
    this.#writable().errorHandlers.set(key, handler);
  }

  addStartupHook(hook: _Hook): void {
    if (typeof hook !== "function") {
      throw new TypeError(
        `app.onStartup() takes a function (app) => cleanup?, got ${_describe(hook)}`,
      );
    }
    this.#writable().startupHooks.push(hook);
  }
}

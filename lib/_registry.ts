/**
 * What an app has registered, with the checks that run at registration time
 * so a mistake throws at the line that made it: path syntax, duplicate
 * routes, clashing mounts, error-handler keys. A build copies it first so a
 * failed build can put it back.
 *
 * @module
 */

import type { App, FetchHandler } from "./app.ts";
import type { _AppCore } from "./_app_core.ts";
import type { Middleware, StartupHook } from "./build.ts";
import type { Handler } from "./context.ts";
import type { ErrorClass, ErrorHandler } from "./error_handler.ts";
import type { _ErrorKey } from "./_error_layer.ts";
import type { RouteDefinition } from "./router.ts";
import { type _Parsed, _parseRoutePath } from "./_route_path.ts";
import { _describe } from "./_describe.ts";
import { _TOKEN } from "./_http.ts";

/** A mount as registered. */
export interface _Mount {
  readonly prefix: string;
  /** How many path segments the prefix has: what is stripped from the path. */
  readonly segments: number;
  readonly target: App | FetchHandler;
  /** The lifecycle of a mounted `App`; `undefined` for a fetch handler. */
  readonly core: _AppCore | undefined;
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
export class _Registry {
  readonly middleware: Middleware[] = [];
  readonly routes: RouteDefinition<Handler>[] = [];
  readonly mounts: _Mount[] = [];
  readonly errorHandlers: Map<_ErrorKey, ErrorHandler> = new Map();
  readonly startupHooks: StartupHook[] = [];
  /** `METHOD shape` → what claimed it, to refuse a second claim with a message that names the first. */
  readonly #claims = new Map<string, string>();

  /** A copy to restore if a build fails. */
  copy(): _Registry {
    const copy = new _Registry();
    copy.middleware.push(...this.middleware);
    copy.routes.push(...this.routes);
    copy.mounts.push(...this.mounts);
    for (const [key, handler] of this.errorHandlers) copy.errorHandlers.set(key, handler);
    copy.startupHooks.push(...this.startupHooks);
    for (const [key, owner] of this.#claims) copy.#claims.set(key, owner);
    return copy;
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
    this.middleware.push(...middleware);
  }

  addRoutes(methods: readonly string[], path: string, handler: Handler): void {
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
      const owner = this.#claims.get(`${method} ${shape}`);
      if (owner !== undefined) {
        throw new Error(
          `Route ${_methodNames([method])} ${JSON.stringify(path)} clashes with ${owner} ` +
            `(paths that differ only in param names or in percent-encoding are the same): ` +
            `remove one, or change its method or path`,
        );
      }
    }
    for (const method of normalized) {
      this.#claims.set(
        `${method} ${shape}`,
        `the route ${_methodNames([method])} ${JSON.stringify(path)}`,
      );
      this.routes.push({ method, path, value: handler });
    }
  }

  addMount(prefix: string, target: App | FetchHandler, core: _AppCore | undefined): void {
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
      const owner = this.#claims.get(key);
      if (owner !== undefined) {
        throw new Error(
          `Cannot mount at ${
            JSON.stringify(prefix)
          }: ${owner} is already there; mount one target per prefix`,
        );
      }
    }
    for (const key of keys) this.#claims.set(key, `the mount at ${JSON.stringify(prefix)}`);
    this.mounts.push({ prefix, segments: parsed.segments.length, target, core });
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
    this.errorHandlers.set(key, handler);
  }

  addStartupHook(hook: StartupHook): void {
    if (typeof hook !== "function") {
      throw new TypeError(
        `app.onStartup() takes a function (app) => cleanup?, got ${_describe(hook)}`,
      );
    }
    this.startupHooks.push(hook);
  }
}

/**
 * Composes one build's request stack from the frozen registrations: the
 * guard (when there is middleware), the user middleware (factories called
 * innermost first) and the router layer; composed once, so a request only
 * calls functions.
 *
 * @module
 */

import type { Build, Middleware } from "./build.ts";
import type { Handler } from "./context.ts";
import { type RouteDefinition, Router } from "./router.ts";
import { _catching, type _ErrorResponder } from "./_error_layer.ts";
import { type _Compiled, _routerLayer } from "./_router_layer.ts";
import { _describe } from "./_describe.ts";

/** What the build hands to `_composeStack`. */
export interface _StackParts {
  readonly middleware: readonly Middleware[];
  readonly routes: readonly RouteDefinition<Handler>[];
  readonly responder: _ErrorResponder;
  readonly build: Build;
  /** Throws when the build was overtaken (closed or abandoned), so no further factory runs. */
  readonly checkCurrent: () => void;
}

/**
 * Thrown when the `build` a factory was handed is called: the factory was
 * written as Hono's or Koa's `(c, next) => ...`, and called `next()`.
 */
export class _CalledAsNext extends Error {}

/**
 * Calls the middleware factories innermost first, awaiting each, then compiles
 * the router, and returns the guarded chain.
 */
export async function _composeStack(parts: _StackParts): Promise<Handler> {
  const compiled: _Compiled = { router: undefined };
  let next = _routerLayer(compiled, parts.responder);
  for (let index = parts.middleware.length - 1; index >= 0; index--) {
    const factory = parts.middleware[index] as Middleware;
    const name = `Middleware factory #${index + 1} (${factory.name || "anonymous"})`;
    let handler: unknown;
    try {
      handler = await factory(next, parts.build);
    } catch (error) {
      if (!(error instanceof _CalledAsNext)) throw error;
      throw new TypeError(
        `${name} called its second argument as if it were next(): it looks like Hono or Koa ` +
          `middleware, (c, next) => ..., but latch middleware is a factory that returns the ` +
          `handler: (next, build) => (request, ctx) => next(request, ctx)`,
      );
    }
    parts.checkCurrent();
    if (typeof handler !== "function") {
      throw new TypeError(
        `${name} returned ${_describe(handler)} instead of a handler: ` +
          `return (request, ctx) => next(request, ctx) from the factory`,
      );
    }
    next = handler as Handler;
  }
  compiled.router = new Router(parts.routes);
  // Without middleware the router layer already catches everything: no guard needed.
  return parts.middleware.length === 0 ? next : _catching(next, parts.responder, "a middleware");
}

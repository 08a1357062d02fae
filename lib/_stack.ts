/**
 * Composes one build's request stack from the frozen registrations: the
 * guard, the user middleware (factories called innermost first), the error
 * layer and the router, each composed once so a request only calls functions.
 *
 * @module
 */

import type { Build, Middleware } from "./build.ts";
import type { Context, Handler } from "./context.ts";
import { type RouteDefinition, Router } from "./router.ts";
import { HttpError } from "./http_error.ts";
import { _catching, type _ErrorResponder } from "./_error_layer.ts";
import { _describe } from "./_describe.ts";

const _NO_PARAMS: Record<string, string> = Object.freeze(Object.create(null));

/** An empty params object, for contexts the router has not matched yet. */
export function _noParams(): Record<string, string> {
  return _NO_PARAMS;
}

/** The method list that `OPTIONS` and 405 answer with. */
function _allowHeader(allow: readonly string[]): string {
  return allow.includes("OPTIONS") ? allow.join(", ") : [...allow, "OPTIONS"].join(", ");
}

/** The same response without a body, for `HEAD` served by a `GET` route. */
function _withoutBody(response: Response): Response {
  // Cancelling tells a streaming producer to stop; its rejection has no one to report to.
  response.body?.cancel().catch(() => {});
  return new Response(null, {
    status: response.status,
    statusText: response.statusText,
    headers: response.headers,
  });
}

/** The innermost layer: matches the route and calls its handler, answering 400, 404, 405 and `OPTIONS` itself. */
function _routerLayer(router: () => Router<Handler>): Handler {
  return (request, ctx) => {
    const method = request.method;
    const found = router().match(method, ctx.path);
    if (found.status === 200) {
      ctx.params = found.params;
      if (!found.headFromGet) return found.value(request, ctx);
      const result = found.value(request, ctx);
      return result instanceof Response ? _withoutBody(result) : Promise.resolve(result).then(
        (response) => response instanceof Response ? _withoutBody(response) : response,
      );
    }
    if (found.status === 405) {
      const allow = _allowHeader(found.allow);
      if (method === "OPTIONS") return new Response(null, { status: 204, headers: { allow } });
      throw new HttpError(405, `${method} is not allowed here; use ${allow}`, {
        headers: { allow },
      });
    }
    if (found.status === 400) {
      throw new HttpError(400, "The request path has a malformed percent-encoding");
    }
    throw new HttpError(404, `No route for ${ctx.path}`);
  };
}

/** What the build hands to `_composeStack`. */
export interface _StackParts {
  readonly middleware: readonly Middleware[];
  readonly routes: readonly RouteDefinition<Handler>[];
  readonly responder: _ErrorResponder;
  readonly build: Build;
}

/**
 * Calls the middleware factories innermost first, awaiting each, then compiles
 * the router, and returns the guarded chain.
 */
export async function _composeStack(parts: _StackParts): Promise<Handler> {
  // The router is compiled last, after every factory succeeded; the layer reads it per request.
  const compiled: { router?: Router<Handler> } = {};
  const routing = _routerLayer(() => compiled.router as Router<Handler>);
  let next = _catching(routing, parts.responder, "a route handler");
  for (let index = parts.middleware.length - 1; index >= 0; index--) {
    const factory = parts.middleware[index] as Middleware;
    const handler: unknown = await factory(next, parts.build);
    if (typeof handler !== "function") {
      throw new TypeError(
        `Middleware factory #${index + 1} (${factory.name || "anonymous"}) returned ${
          _describe(handler)
        } instead of a handler: return (request, ctx) => next(request, ctx) from the factory`,
      );
    }
    next = handler as Handler;
  }
  compiled.router = new Router(parts.routes);
  return _catching(next, parts.responder, "a middleware");
}

/** The context for a request entering an app mounted under a prefix `strip` characters long. */
export function _mountedContext(ctx: Context, app: Context["app"], strip: number): Context {
  return {
    params: _NO_PARAMS,
    state: ctx.state,
    app,
    path: ctx.path.slice(strip) || "/",
    env: ctx.env,
    executionContext: ctx.executionContext,
  };
}

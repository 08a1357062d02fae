/**
 * Composes one build's request stack from the frozen registrations: the
 * guard (when there is middleware), the user middleware (factories called
 * innermost first) and the router layer, which also answers the errors of
 * the handlers; composed once, so a request only calls functions.
 *
 * @module
 */

import type { Build, Middleware } from "./build.ts";
import type { Context, Handler } from "./context.ts";
import { type RouteDefinition, type RouteLookup, Router } from "./router.ts";
import { HttpError } from "./http_error.ts";
import { _catching, type _ErrorResponder, _isThenable } from "./_error_layer.ts";
import { _describe } from "./_describe.ts";
import { _withoutBody } from "./_http.ts";
import type { _RequestContext } from "./_request_context.ts";

/** The method list that `OPTIONS` and 405 answer with. */
function _allowHeader(allow: readonly string[]): string {
  return allow.includes("OPTIONS") ? allow.join(", ") : [...allow, "OPTIONS"].join(", ");
}

/** The compiled router, set once the factories have run; the router layer reads it per request. */
interface _Compiled {
  router: Router<Handler> | undefined;
}

/**
 * The innermost layer: matches the route and calls its handler, answering 400,
 * 404, 405 and `OPTIONS` itself, and turning whatever the handler throws or
 * wrongly returns into a response. One function, so a request through it pays
 * for one call and one try.
 */
function _routerLayer(compiled: _Compiled, responder: _ErrorResponder): Handler {
  return (request, ctx) => {
    let result: unknown;
    try {
      const method = request.method;
      const found = (compiled.router as Router<Handler>).match(method, ctx.path);
      if (found.status !== 200) return _unrouted(found, method, ctx, request, responder);
      // Every context is a _RequestContext, whose params the router layer alone sets.
      (ctx as _RequestContext).params = found.params;
      result = found.value(request, ctx);
      if (found.headFromGet) result = _withoutBodyOf(result);
      // Fast path: a sync Response needs none of resolve()'s checks. Inside the
      // try, because even `instanceof` throws for a hostile Proxy.
      if (result instanceof Response) return result;
    } catch (error) {
      return responder.respond(error, request, ctx);
    }
    return responder.resolve(result, request, ctx, "a route handler");
  };
}

/** Drops the body of a `GET` route's result for `HEAD`, sync or async. */
function _withoutBodyOf(result: unknown): unknown {
  if (result instanceof Response) return _withoutBody(result);
  if (_isThenable(result)) {
    return Promise.resolve(result).then((value) =>
      value instanceof Response ? _withoutBody(value) : value
    );
  }
  return result;
}

/** The answer when no route took the request: 204 for `OPTIONS`, else a 400, 404 or 405 error. */
function _unrouted(
  found: Exclude<RouteLookup<Handler>, { status: 200 }>,
  method: string,
  ctx: Context,
  request: Request,
  responder: _ErrorResponder,
): Response | Promise<Response> {
  if (found.status === 405) {
    const allow = _allowHeader(found.allow);
    if (method === "OPTIONS") return new Response(null, { status: 204, headers: { allow } });
    return responder.respond(
      new HttpError(405, `${method} is not allowed here; use ${allow}`, { headers: { allow } }),
      request,
      ctx,
    );
  }
  const error = found.status === 400
    ? new HttpError(400, "The request path has a malformed percent-encoding")
    : new HttpError(404, `No route for ${ctx.path}`);
  return responder.respond(error, request, ctx);
}

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
 * Calls the middleware factories innermost first, awaiting each, then compiles
 * the router, and returns the guarded chain.
 */
export async function _composeStack(parts: _StackParts): Promise<Handler> {
  const compiled: _Compiled = { router: undefined };
  let next = _routerLayer(compiled, parts.responder);
  for (let index = parts.middleware.length - 1; index >= 0; index--) {
    const factory = parts.middleware[index] as Middleware;
    const handler: unknown = await factory(next, parts.build);
    parts.checkCurrent();
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
  // Without middleware the router layer already catches everything: no guard needed.
  return parts.middleware.length === 0 ? next : _catching(next, parts.responder, "a middleware");
}

/**
 * The innermost layer of every stack: routes the request it is handed (the
 * one that entered, or whatever a middleware handed on instead) and calls the
 * route's handler, turning 400, 404, 405 and whatever the handler throws or
 * wrongly returns into a response through the app's error responder.
 *
 * @module
 */

import type { Context, Handler } from "./context.ts";
import type { RouteLookup, Router } from "./router.ts";
import type { _ErrorResponder } from "./_error_layer.ts";
import type { _RequestContext } from "./_request_context.ts";
import { HttpError } from "./http_error.ts";

/** The compiled router, set once the factories have run; the router layer reads it per request. */
export interface _Compiled {
  router: Router<Handler> | undefined;
}

/** The method list that `OPTIONS` and 405 answer with. */
function _allowHeader(allow: readonly string[]): string {
  return allow.includes("OPTIONS") ? allow.join(", ") : [...allow, "OPTIONS"].join(", ");
}

/**
 * The router layer. One function, so a request through it pays for one call
 * and one try.
 */
export function _routerLayer(compiled: _Compiled, responder: _ErrorResponder): Handler {
  return (request, ctx) => {
    let result: unknown;
    try {
      // Every context is a _RequestContext: routing follows the request this layer was handed.
      const context = ctx as _RequestContext;
      context.follow(request);
      const method = request.method;
      const found = (compiled.router as Router<Handler>).match(method, context.path);
      if (found.status !== 200) return _unrouted(found, method, ctx, request, responder);
      context.params = found.params;
      result = found.value(request, ctx);
      if (found.headFromGet) return _withoutBodyOf(result, request, ctx, responder);
      // Fast path: a sync Response needs none of resolve()'s checks. Inside the
      // try, because even `instanceof` throws for a hostile Proxy.
      if (result instanceof Response) return result;
    } catch (error) {
      return responder.respond(error, request, ctx);
    }
    return responder.resolve(result, request, ctx, "a route handler");
  };
}

/** A `GET` route's result answering `HEAD`: checked as any result, then without its body. */
function _withoutBodyOf(
  result: unknown,
  request: Request,
  ctx: Context,
  responder: _ErrorResponder,
): Response | Promise<Response> {
  const resolved = result instanceof Response
    ? result
    : responder.resolve(result, request, ctx, "a route handler");
  // An error answer is already bodiless: the responder answers HEAD so.
  if (resolved instanceof Response) return responder.withoutBody(resolved, request);
  return resolved.then((response) => responder.withoutBody(response, request));
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

/**
 * Header helpers shared by the built-in middleware: setting headers on a
 * response whose headers may be immutable, adding a `Vary` token once, and
 * applying a step to a handler's result without turning a sync response into
 * a promise.
 *
 * @module
 */

import { _isUpgrade } from "../_http.ts";
import { _isThenable } from "../_thenable.ts";

/**
 * `response` with `apply` run on its headers. When they are immutable (a
 * `Response.redirect()`, a `fetch()` response on Deno), `apply` runs on a copy
 * that shares the body, and the copy is returned. A WebSocket upgrade (a 101)
 * is returned as it is.
 *
 * The first mutation `apply` makes is what throws on immutable headers, so
 * nothing is half-applied when it falls back to the copy.
 */
export function _setHeaders(response: Response, apply: (headers: Headers) => void): Response {
  // A WebSocket upgrade is left alone: headers on it reach no one on Bun, and it cannot be copied.
  if (_isUpgrade(response)) return response;
  try {
    apply(response.headers);
    return response;
  } catch (error) {
    // Immutable headers throw a TypeError; anything else is a bug worth seeing.
    if (!(error instanceof TypeError)) throw error;
  }
  const copy = new Response(response.body, response);
  apply(copy.headers);
  return copy;
}

/** Adds `token` to `Vary` unless it is there already or `Vary` is `*`. */
export function _appendVary(headers: Headers, token: string): void {
  const vary = headers.get("vary");
  if (vary === null) {
    headers.set("vary", token);
    return;
  }
  const wanted = token.toLowerCase();
  for (const part of vary.split(",")) {
    const name = part.trim().toLowerCase();
    if (name === "*" || name === wanted) return;
  }
  headers.set("vary", `${vary}, ${token}`);
}

/**
 * Calls `next` and runs `apply` on the headers of what it answers, sync when
 * it answered sync. When `next` throws or rejects (a later middleware threw),
 * the error is answered here by `respond` (the app's `build.respond`, so its
 * `onError` handlers apply) and `apply` runs on that response: the headers are
 * on error responses too, and a shared error instance is never written to. An
 * answer that is not a `Response` goes on untouched, for the app to name its
 * culprit.
 */
export function _withHeaders<Ctx>(
  next: (request: Request, ctx: Ctx) => Response | Promise<Response>,
  request: Request,
  ctx: Ctx,
  apply: (headers: Headers) => void,
  respond: (error: unknown, request: Request, ctx: Ctx) => Response | Promise<Response>,
): Response | Promise<Response> {
  let response: Response | Promise<Response>;
  try {
    response = next(request, ctx);
  } catch (error) {
    response = respond(error, request, ctx);
  }
  if (response instanceof Response) return _setHeaders(response, apply);
  if (!_isThenable(response)) return response;
  return response.then(
    (resolved) => resolved instanceof Response ? _setHeaders(resolved, apply) : resolved,
    // respond() never rejects, and answers with a Response.
    async (error: unknown) => _setHeaders(await respond(error, request, ctx), apply),
  );
}

/**
 * `onResponse(request, result)` when `result` is a response, or a promise of
 * that once it resolves: a sync answer stays sync, and costs no closure when
 * `onResponse` was made once, at build time. Anything that is not a `Response`
 * (a middleware that forgot to return `next(...)`) is handed on untouched, so
 * that the app reports it with its hint instead of a `TypeError` from here.
 */
export function _then(
  result: Response | Promise<Response>,
  request: Request,
  onResponse: (request: Request, response: Response) => Response | Promise<Response>,
): Response | Promise<Response> {
  if (result instanceof Response) return onResponse(request, result);
  if (!_isThenable(result)) return result;
  return result.then((response) =>
    response instanceof Response ? onResponse(request, response) : response
  );
}

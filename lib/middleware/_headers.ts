/**
 * Header helpers shared by the built-in middleware: setting headers on a
 * response whose headers may be immutable, adding a `Vary` token once, and
 * applying a step to a handler's result without turning a sync response into
 * a promise.
 *
 * @module
 */

import { HttpError } from "../http_error.ts";

/**
 * `response` with `apply` run on its headers. When they are immutable (a
 * `Response.redirect()`, a `fetch()` response on Deno), `apply` runs on a copy
 * that shares the body, and the copy is returned.
 *
 * The first mutation `apply` makes is what throws on immutable headers, so
 * nothing is half-applied when it falls back to the copy.
 */
export function _setHeaders(response: Response, apply: (headers: Headers) => void): Response {
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
 * it answered sync. When `next` throws or rejects with an `HttpError`, `apply`
 * runs on the error's headers before it goes on, so the response the app
 * makes from it carries them too; other errors go on untouched.
 */
export function _withHeaders<Ctx>(
  next: (request: Request, ctx: Ctx) => Response | Promise<Response>,
  request: Request,
  ctx: Ctx,
  apply: (headers: Headers) => void,
): Response | Promise<Response> {
  const onError = (error: unknown): never => {
    if (error instanceof HttpError) apply(error.headers);
    throw error;
  };
  let response: Response | Promise<Response>;
  try {
    response = next(request, ctx);
  } catch (error) {
    return onError(error);
  }
  if (response instanceof Response) return _setHeaders(response, apply);
  return response.then((resolved) => _setHeaders(resolved, apply), onError);
}

/**
 * `onResponse(result)` when `result` is a response, or a promise of that once
 * it resolves: a sync answer stays sync.
 */
export function _then(
  result: Response | Promise<Response>,
  onResponse: (response: Response) => Response | Promise<Response>,
): Response | Promise<Response> {
  return result instanceof Response ? onResponse(result) : result.then(onResponse);
}

/** The tokens of a header's value (a method, a header name): what RFC 9110 allows in one. */
export const _TOKEN: RegExp = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/**
 * The one place where errors become responses: the lookup behind
 * `app.onError()`, the default problem responses, and the sync-first layer
 * that wraps a handler so that whatever it throws or returns, the caller gets
 * exactly one `Response`. Every status latch produces itself (400, 404, 405,
 * 501, 503 and the rest) is an `HttpError` answered here, so `onError`
 * applies to each.
 *
 * @module
 */

import type { Logger } from "./app_options.ts";
import type { Context, Handler } from "./context.ts";
import type { ErrorHandler } from "./error_handler.ts";
import type { _ErrorKey } from "./_registry.ts";
import { HttpError, type HttpErrorInit } from "./http_error.ts";
import { problemResponse } from "./problem.ts";
import { _describe, _safeString } from "./_describe.ts";
import { _isUpgrade, _pathOf, _withoutBody } from "./_http.ts";
import { _isThenable } from "./_thenable.ts";

/**
 * Reports to `logger` and swallows whatever it does wrong: a logger that
 * throws, or returns a promise that rejects, must not turn one response into
 * none or become an unhandled rejection. Without an error, the logger is
 * called with the message alone (so `console` prints no stray `undefined`).
 */
export function _log(logger: Logger, what: string, ...error: [unknown?]): void {
  try {
    const result: unknown = logger.error(`latch: ${what}`, ...error);
    if (_isThenable(result)) Promise.resolve(result).catch(() => {});
  } catch {
    // See above: nothing to report a broken logger to.
  }
}

/**
 * An answer latch gives by design rather than by failure (503 while starting
 * or once closed, 501 for a method it cannot forward): answered like any
 * `HttpError`, `onError` included, but not logged as one.
 */
export class _Answer extends HttpError {
  constructor(status: number, detail: string, init?: HttpErrorInit) {
    super(status, detail, { ...init, expose: true });
  }
}

/** Finds the error handler for an error and turns any error into a response, never throwing. */
export class _ErrorResponder {
  readonly #handlers: ReadonlyMap<_ErrorKey, ErrorHandler>;
  readonly #parent: () => _ErrorResponder | undefined;
  readonly #debug: boolean;
  readonly #logger: Logger;

  constructor(
    handlers: ReadonlyMap<_ErrorKey, ErrorHandler>,
    parent: () => _ErrorResponder | undefined,
    debug: boolean,
    logger: Logger,
  ) {
    this.#handlers = new Map(handlers);
    this.#parent = parent;
    this.#debug = debug;
    this.#logger = logger;
  }

  /**
   * The handler for `error`: by status for an `HttpError`, then by class, nearest first, then 500 for any other error; then the parent's (looked up
   * when needed, so a mounted app finds its parent's handlers whenever either was built).
   */
  find(error: unknown): ErrorHandler | undefined {
    const handlers = this.#handlers;
    // Most apps register no handler: skip straight to the parent's.
    if (handlers.size > 0) {
      if (error instanceof HttpError) {
        const byStatus = handlers.get(error.status);
        if (byStatus !== undefined) return byStatus;
      }
      if (typeof error === "object" && error !== null) {
        for (
          let prototype = Object.getPrototypeOf(error);
          prototype !== null && prototype !== Object.prototype;
          prototype = Object.getPrototypeOf(prototype)
        ) {
          let byClass: ErrorHandler | undefined;
          try {
            byClass = handlers.get(prototype.constructor);
          } catch {
            // A prototype whose `constructor` getter throws names no class: look further up.
          }
          if (byClass !== undefined) return byClass;
        }
      }
      if (!(error instanceof HttpError)) {
        const byStatus = handlers.get(500);
        if (byStatus !== undefined) return byStatus;
      }
    }
    return this.#parent()?.find(error);
  }

  /**
   * A response for `error`, from its handler or the default; never throws or
   * rejects. A `HEAD` request gets it without a body.
   */
  respond(error: unknown, request: Request, ctx: Context): Response | Promise<Response> {
    let response: Response | Promise<Response>;
    try {
      response = this.#respond(error, request, ctx);
    } catch (internal) {
      // find() walks user-made prototypes and fallback() reads user-made errors: either can throw.
      this.report(request, "could not answer an error, answered 500", internal);
      response = problemResponse(500);
    }
    if (request.method !== "HEAD") return response;
    return response instanceof Response
      ? this.withoutBody(response, request)
      : response.then((full) => this.withoutBody(full, request));
  }

  /** `response` without its body, for `HEAD`; never throws or rejects. */
  withoutBody(response: Response, request: Request): Response | Promise<Response> {
    const failed = (internal: unknown) => {
      // Only a hostile Response (a Proxy whose body getter throws), or a body that errors, gets here.
      this.report(request, "could not drop the body of a HEAD response, answered 500", internal);
      return new Response(null, { status: 500 });
    };
    try {
      const stripped = _withoutBody(response);
      return stripped instanceof Response ? stripped : stripped.catch(failed);
    } catch (internal) {
      return failed(internal);
    }
  }

  #respond(error: unknown, request: Request, ctx: Context): Response | Promise<Response> {
    const handler = this.find(error);
    if (handler === undefined) return this.fallback(error, request);
    const failed = (handlerError: unknown) => {
      this.report(request, "an error handler threw while handling an error", handlerError);
      return this.fallback(error, request);
    };
    let result: unknown;
    try {
      result = handler(error, request, ctx);
    } catch (handlerError) {
      return failed(handlerError);
    }
    // A handler that returns no Response is treated like one that threw: the error's own default answers.
    const answered = this.settle(
      result,
      request,
      "an error handler",
      failed,
      () => this.fallback(error, request),
    );
    // The headers an HttpError carries (Allow on a 405, Retry-After on a 503) are part of what
    // the status means: a handler's response keeps them unless it set its own.
    if (!(error instanceof HttpError) || _isEmpty(error.headers)) return answered;
    return answered instanceof Response
      ? _withHeaders(answered, error.headers)
      : answered.then((response) => _withHeaders(response, error.headers));
  }

  /** The default response for `error`: its own status for an `HttpError`, else a 500 that is logged. Never throws. */
  fallback(error: unknown, request: Request): Response {
    try {
      return this.#fallback(error, request);
    } catch (internal) {
      // Only a hostile error gets here: a getter on message, stack or headers that throws.
      this.report(request, "could not describe an error, answered 500", internal);
      return problemResponse(500);
    }
  }

  #fallback(error: unknown, request: Request): Response {
    const debug = this.#debug;
    const extensions = debug && error instanceof Error ? { stack: error.stack } : undefined;
    if (error instanceof HttpError) {
      if (error.status >= 500 && !(error instanceof _Answer)) {
        this.report(request, `answered ${error.status}`, error);
      }
      const detail = (error.expose || debug) && error.message !== "" ? error.message : undefined;
      return problemResponse(error.status, {
        headers: error.headers,
        ...(detail === undefined ? {} : { detail }),
        // The error's own members (a ValidationError's `errors`), then debug's stack.
        ...(error.extensions === undefined && extensions === undefined
          ? {}
          : { extensions: { ...error.extensions, ...extensions } }),
      });
    }
    this.report(request, "unhandled error, answered 500", error);
    if (!debug) return problemResponse(500);
    return problemResponse(500, {
      detail: error instanceof Error
        ? `${error.name}: ${error.message}`
        : `Thrown: ${_safeString(error)}`,
      ...(extensions === undefined ? {} : { extensions }),
    });
  }

  /** Logs `what` happened to `request`. */
  report(request: Request, what: string, ...error: [unknown?]): void {
    _log(this.#logger, `${request.method} ${_pathOf(request.url)}: ${what}`, ...error);
  }

  /**
   * Checks that `result` is (or resolves to) a `Response`; a rejection, or a
   * value whose very inspection throws (a hostile Proxy), goes to `failed`;
   * anything else is logged naming `culprit` and answered by `otherwise`
   * (a plain 500 unless given).
   */
  settle(
    result: unknown,
    request: Request,
    culprit: string,
    failed: (error: unknown) => Response | Promise<Response>,
    otherwise?: () => Response,
  ): Response | Promise<Response> {
    const check = (value: unknown): Response | Promise<Response> => {
      try {
        if (value instanceof Response) return value;
      } catch (error) {
        return failed(error);
      }
      return this.#notAResponse(value, request, culprit, otherwise);
    };
    try {
      // Fast path: a sync Response needs no promise.
      if (result instanceof Response) return result;
      if (!_isThenable(result)) return check(result);
    } catch (error) {
      return failed(error);
    }
    return Promise.resolve(result).then(check, failed);
  }

  /** `result` as a response: settled if it is a promise, checked, and answered by `respond` if it failed. */
  resolve(
    result: unknown,
    request: Request,
    ctx: Context,
    culprit: string,
  ): Response | Promise<Response> {
    return this.settle(result, request, culprit, (error) => this.respond(error, request, ctx));
  }

  #notAResponse(
    value: unknown,
    request: Request,
    culprit: string,
    otherwise: (() => Response) | undefined,
  ): Response {
    const hint = culprit === "a middleware"
      ? "did you forget to return next(request, ctx)?"
      : "return a Response, such as new Response(body) or Response.json(data)";
    this.report(request, `${culprit} returned ${_describe(value)} instead of a Response: ${hint}`);
    return otherwise === undefined ? problemResponse(500) : otherwise();
  }
}

function _isEmpty(headers: Headers): boolean {
  for (const _ of headers.keys()) return false;
  return true;
}

/**
 * `response` with each of `headers` it does not set itself. A copy, so that a
 * response the handler keeps and returns again (or whose headers are
 * immutable) is never written to.
 */
function _withHeaders(response: Response, headers: Headers): Response {
  // An upgrade cannot be copied (an error handler that upgrades keeps its answer).
  if (_isUpgrade(response)) return response;
  const missing = [...headers].filter(([name]) => !response.headers.has(name));
  if (missing.length === 0) return response;
  const copy = new Response(response.body, response);
  for (const [name, value] of missing) copy.headers.set(name, value);
  return copy;
}

/**
 * Wraps `inner` so that whatever it throws, rejects with or wrongly returns
 * becomes a response from `responder`. `culprit` names `inner` in the logs.
 * Sync stays sync: a promise is chained only when `inner` returned one.
 */
export function _catching(inner: Handler, responder: _ErrorResponder, culprit: string): Handler {
  return (request, ctx) => {
    let result: unknown;
    try {
      result = inner(request, ctx);
      // Fast path: the common sync Response skips the checks in resolve(). Inside
      // the try, because even `instanceof` throws for a hostile Proxy.
      if (result instanceof Response) return result;
    } catch (error) {
      return responder.respond(error, request, ctx);
    }
    return responder.resolve(result, request, ctx, culprit);
  };
}

/**
 * `timeout()`: answers `504` when the app takes longer than a limit, and
 * aborts an `AbortSignal` on `ctx.state.signal` so the handler can stop the
 * work nobody will receive.
 *
 * @module
 */

import type { Middleware } from "../build.ts";
import type { AppTypes } from "../context.ts";
import { HttpError } from "../http_error.ts";
import { _isThenable } from "../_thenable.ts";

/**
 * What {@linkcode timeout} puts on `ctx.state`: declare it in the app's types
 * to pass `ctx.state.signal` to `fetch`, a query, or your own loop.
 *
 * @example
 * ```ts
 * import { App } from "@latch/latch";
 * import { timeout, type TimeoutState } from "@latch/latch/middleware";
 *
 * const app = new App<{ state: TimeoutState }>().use(timeout(5000));
 * app.get("/upstream", (_request, ctx) => fetch("https://example.com/", { signal: ctx.state.signal }));
 * ```
 */
export interface TimeoutState {
  /**
   * Aborted when the time is up, with a `DOMException` named `TimeoutError`;
   * inside another `timeout()` (an app's around a mounted one, or two in one
   * chain), also when that one's time is up. It is not aborted when the
   * client goes away: that is `request.signal`.
   */
  signal: AbortSignal;
}

/** The longest delay `setTimeout` keeps: 2^31 - 1 ms, about 24.8 days. */
const MAX_DELAY = 2_147_483_647;

/**
 * Answers `504 Gateway Timeout` when what comes after it has not answered
 * within `milliseconds`: an `HttpError(504)` answered through the app's error
 * handling (`app.onError(504)`, else a problem body whose detail gives the
 * limit), and logged like every 5xx.
 *
 * When the time is up, `ctx.state.signal` is aborted so the handler can stop
 * its work, and the `504` is sent at once. Whatever the handler answers or
 * throws later is dropped (a late response's body is cancelled), with no
 * unhandled rejection. When the handler answers first, the timer is cleared.
 * A handler that rejects once aborted (as `fetch(url, { signal })` does) is
 * still reported to the app's logger as that route's error, though its
 * response goes nowhere: resolving instead keeps the log quiet.
 * The clock starts when the handler returns its promise (synchronous work
 * cannot be interrupted anyway) and stops at the response's headers, not at
 * the end of a streamed body.
 *
 * @param milliseconds How long to wait for a response, from 1 ms to 2^31 - 1 ms.
 * @returns The middleware.
 * @throws {RangeError} When `milliseconds` is not a whole number in that range.
 *
 * @example
 * ```ts
 * import { App } from "@latch/latch";
 * import { timeout, type TimeoutState } from "@latch/latch/middleware";
 * import assert from "node:assert/strict";
 *
 * const app = new App<{ state: TimeoutState }>().use(timeout(10));
 * app.get("/slow", (_request, ctx) =>
 *   new Promise<Response>((resolve) => {
 *     const work = setTimeout(() => resolve(new Response("done")), 1000);
 *     ctx.state.signal.addEventListener("abort", () => {
 *       clearTimeout(work); // stop the work: the 504 has been sent
 *       resolve(new Response("stopped")); // dropped
 *     });
 *   }));
 *
 * const response = await app.fetch(new Request("http://localhost/slow"));
 * assert.equal(response.status, 504);
 * assert.equal(response.headers.get("content-type"), "application/problem+json");
 * ```
 */
export function timeout<T extends AppTypes = AppTypes>(milliseconds: number): Middleware<T> {
  if (!Number.isInteger(milliseconds) || milliseconds < 1 || milliseconds > MAX_DELAY) {
    throw new RangeError(
      `timeout() takes a whole number of milliseconds from 1 to ${MAX_DELAY}, got ${
        String(milliseconds)
      }: pass it like timeout(5000)`,
    );
  }
  const detail = `The server did not answer within ${milliseconds} ms`;
  const message = `The handler took longer than ${milliseconds} ms`;

  return (next, build) => (request, ctx) => {
    const controller = new AbortController();
    // The app may declare any state; this key is the one TimeoutState documents.
    const state = ctx.state as Partial<TimeoutState>;
    const outer = state.signal;
    // Inside another timeout (an app-wide one, or a parent app's around a mount), the
    // handler must also stop when that one's time is up and its 504 is sent.
    state.signal = outer instanceof AbortSignal
      ? AbortSignal.any([outer, controller.signal])
      : controller.signal;
    const result = next(request, ctx);
    // Fast path: a sync answer came before any timer could fire, so none is set.
    if (result instanceof Response) return result;
    // Not a response: left for the app to answer, naming the middleware that forgot to return.
    if (!_isThenable(result)) return result;
    return new Promise<Response>((resolve, reject) => {
      let timedOut = false;
      const timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new DOMException(message, "TimeoutError"));
        // Through the app's error handling, so that app.onError(504) answers it.
        resolve(build.respond(new HttpError(504, detail, { expose: true }), request, ctx));
      }, milliseconds);
      // Both outcomes are handled here, so a late rejection is dropped, never unhandled.
      result.then((response) => {
        clearTimeout(timer);
        // Too late: nobody will read it; let its producer stop.
        if (!timedOut) resolve(response);
        else if (response instanceof Response) response.body?.cancel().catch(() => {});
      }, (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  };
}

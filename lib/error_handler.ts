/**
 * The types of `app.onError()`: what it is keyed by and the handler it takes.
 *
 * @module
 */

import type { Context } from "./context.ts";

/**
 * Answers an error thrown while handling a request.
 *
 * @typeParam E The error class it was registered for.
 *
 * @example Turn a domain error into 409
 * ```ts
 * import { App, problemResponse, type ErrorHandler } from "@latch/latch";
 *
 * class Conflict extends Error {}
 * const onConflict: ErrorHandler<Conflict> = (error) =>
 *   problemResponse(409, { detail: error.message });
 * new App().onError(Conflict, onConflict);
 * ```
 */
export type ErrorHandler<E = unknown> = (
  error: E,
  request: Request,
  ctx: Context,
) => Response | Promise<Response>;

/** An `Error` class (or subclass) that `app.onError()` can be keyed by. */
// deno-lint-ignore no-explicit-any -- constructors of any arity must fit; the instance type is what matters
export type ErrorClass<E extends Error = Error> = abstract new (...args: any[]) => E;

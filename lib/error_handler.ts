/**
 * The types of `app.onError()`: what it is keyed by and the handler it takes.
 *
 * @module
 */

import type { AppTypes, Context } from "./context.ts";

/**
 * Answers an error thrown while handling a request.
 *
 * @typeParam E The error class it was registered for.
 * @typeParam T What the app declared `ctx.state` and `ctx.env` to hold.
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
export type ErrorHandler<E = unknown, T extends AppTypes = AppTypes> = (
  error: E,
  request: Request,
  ctx: Context<Record<string, string>, T>,
) => Response | Promise<Response>;

/**
 * An `Error` class (or subclass) that `app.onError()` can be keyed by.
 *
 * @example
 * ```ts
 * import type { ErrorClass } from "@latch/latch";
 *
 * const keys: ErrorClass[] = [TypeError, RangeError];
 * ```
 */
// deno-lint-ignore no-explicit-any -- constructors of any arity must fit; the instance type is what matters
export type ErrorClass<E extends Error = Error> = abstract new (...args: any[]) => E;

/**
 * `_isThenable`: what the core and the middleware agree counts as a promise,
 * so that a sync result stays on the sync path everywhere.
 *
 * @module
 */

/** Whether `value` is a promise or has a `then` method. May throw for a hostile Proxy. */
export function _isThenable(value: unknown): value is PromiseLike<unknown> {
  return value instanceof Promise ||
    (typeof value === "object" && value !== null &&
      typeof (value as { then?: unknown }).then === "function");
}

/**
 * The app as a startup hook sees it when build attempts can be abandoned
 * (`buildTimeout` is set): the same app, but whatever it registers through
 * this view is refused once the hook's attempt was abandoned, so a hook that
 * resumes late cannot register into the next attempt.
 *
 * @module
 */

import type { _Attempt } from "./_lifecycle.ts";

/**
 * A view of `attempt`'s app: each method runs on the app itself with the
 * attempt named as its caller; registration, which always passes through the
 * core's `assertOpen`, refuses a caller that is no longer current.
 */
export function _hookView(attempt: _Attempt): object {
  const core = attempt.core;
  const app = core.app;
  const view: object = new Proxy(app, {
    get: (target, key) => {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== "function" || key === "constructor") return value;
      // Methods run on the app itself: they read its private fields, which the view has not.
      return (...args: unknown[]) => {
        const previous = core.caller;
        core.caller = attempt;
        try {
          const result: unknown = value.apply(target, args);
          return result === target ? view : result;
        } finally {
          core.caller = previous;
        }
      };
    },
  });
  return view;
}

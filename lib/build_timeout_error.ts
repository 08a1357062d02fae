/**
 * `BuildTimeoutError`: why `ready()` rejects when a build attempt ran over
 * `buildTimeout` and was abandoned.
 *
 * @module
 */

/**
 * A build attempt ran over the app's `buildTimeout` and was abandoned: what
 * `app.ready()` rejects with (and what is logged) when a startup hook or a
 * middleware factory never settled in time. The next request or `ready()`
 * starts a fresh attempt.
 *
 * @example Tell a hung build from a failed one
 * ```ts
 * import { App, BuildTimeoutError } from "@latch/latch";
 * import assert from "node:assert/strict";
 *
 * const app = new App({ buildTimeout: 10, logger: { error() {} } });
 * let release = () => {};
 * app.onStartup(() => new Promise<void>((resolve) => release = resolve));
 * await assert.rejects(app.ready(), BuildTimeoutError);
 * release();
 * await app.close();
 * ```
 */
export class BuildTimeoutError extends Error {
  /**
   * Makes the error.
   *
   * @param message What ran over and what to do.
   */
  constructor(message: string) {
    super(message);
    this.name = "BuildTimeoutError";
  }
}

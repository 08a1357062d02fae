/**
 * `BuildStats`: what an app tells about its builds. Types only.
 *
 * @module
 */

/**
 * What an app tells about its builds, for logs and benchmarks.
 *
 * @example
 * ```ts
 * import { App } from "@latch/latch";
 * import assert from "node:assert/strict";
 *
 * const app = new App().get("/", () => new Response("ok"));
 * await app.ready();
 * const { builds, lastBuildMs, routes } = app.stats;
 * assert.equal(builds, 1);
 * assert.equal(routes, 1);
 * assert.ok(lastBuildMs !== undefined);
 * ```
 */
export interface BuildStats {
  /** Builds started, failed ones included. */
  readonly builds: number;
  /** Builds that threw or rejected. */
  readonly failures: number;
  /** How long the last successful build took, in milliseconds; `undefined` before one. */
  readonly lastBuildMs: number | undefined;
  /** Middleware in the built stack. */
  readonly middleware: number;
  /** Routes in the built router; a mount counts as one. */
  readonly routes: number;
}

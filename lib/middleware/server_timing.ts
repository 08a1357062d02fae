/**
 * `serverTiming()`: a `Server-Timing` header with how long the app took to
 * answer, and, on the first response after a build, how long the build took,
 * for the browser's network panel.
 *
 * @module
 */

import type { Middleware } from "../build.ts";
import type { AppTypes } from "../context.ts";
import { _TOKEN } from "../_http.ts";
import { _withHeaders } from "./_headers.ts";

/** Options for {@linkcode serverTiming}. */
export interface ServerTimingOptions {
  /** The metric name for the time the app took to answer. Defaults to `app`. */
  name?: string | undefined;
  /**
   * Whether the first response after each build also gets `build;dur=…`, the
   * build's duration (`app.stats.lastBuildMs`). Defaults to `true`.
   */
  build?: boolean | undefined;
}

/**
 * Adds `Server-Timing: app;dur=1.2` (milliseconds, to 0.1 ms) to every
 * response, after any `Server-Timing` metrics the handler set itself, and to
 * an `HttpError` thrown by a middleware after it.
 *
 * The time runs from entering this middleware to the response's headers, so
 * add it first to time the whole stack. The first response served after a
 * build also gets `build;dur=…`, once. Timings tell clients how your server
 * behaves: leave this out, or add it only for your own origins, where that matters.
 *
 * @param options The metric name and whether to report the build.
 * @returns The middleware.
 * @throws {TypeError} When `name` is not a token such as `app` or `db-query`.
 *
 * @example
 * ```ts
 * import { App } from "@latch/latch";
 * import { serverTiming } from "@latch/latch/middleware";
 * import assert from "node:assert/strict";
 *
 * const app = new App().use(serverTiming()).get("/", () => new Response("ok"));
 *
 * const first = await app.fetch(new Request("http://localhost/"));
 * assert.match(first.headers.get("server-timing")!, /^app;dur=[\d.]+, build;dur=[\d.]+$/);
 * const second = await app.fetch(new Request("http://localhost/"));
 * assert.match(second.headers.get("server-timing")!, /^app;dur=[\d.]+$/);
 * ```
 */
export function serverTiming<T extends AppTypes = AppTypes>(
  options: ServerTimingOptions = {},
): Middleware<T> {
  const name = options.name ?? "app";
  if (typeof name !== "string" || !_TOKEN.test(name)) {
    throw new TypeError(
      `serverTiming() name must be a token like "app" or "db-query", got ${JSON.stringify(name)}`,
    );
  }
  const reportBuild = options.build ?? true;

  return (next, build) => {
    // This build's duration, until the first response takes it.
    let buildMetric: string | undefined;
    if (reportBuild) {
      build.onBuilt((stats) => {
        if (stats.lastBuildMs !== undefined) buildMetric = `build;dur=${_ms(stats.lastBuildMs)}`;
      });
    }
    return (request, ctx) => {
      const started = performance.now();
      let metrics: string | undefined;
      // Also on the answer to an error a later middleware throws.
      return _withHeaders(next, request, ctx, (headers) => {
        // Worked out once: on immutable headers this runs again, on a copy.
        if (metrics === undefined) {
          metrics = `${name};dur=${_ms(performance.now() - started)}`;
          if (buildMetric !== undefined) {
            metrics += `, ${buildMetric}`;
            buildMetric = undefined;
          }
        }
        headers.append("server-timing", metrics);
      }, build.respond);
    };
  };
}

/** Milliseconds to 0.1 ms, without trailing zeros. */
function _ms(milliseconds: number): number {
  return Math.round(milliseconds * 10) / 10;
}

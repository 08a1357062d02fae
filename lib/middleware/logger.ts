/**
 * `logger()`: one line per request (method, path, status, duration) and one
 * line per build (how long it took, how many middleware and routes), as text
 * or JSON lines, written to a sink you choose.
 *
 * @module
 */

import type { BuildStats } from "../app.ts";
import type { Middleware } from "../build.ts";
import type { AppTypes } from "../context.ts";
import { HttpError } from "../http_error.ts";
import { _isThenable } from "../_thenable.ts";

/** Options for {@linkcode logger}. */
export interface LoggerOptions {
  /**
   * `"text"` (`GET /notes/1 200 1.2ms`) or `"json"`, one JSON object per line
   * (`{"event":"request","method":"GET","path":"/notes/1","status":200,"ms":1.2}`).
   * Defaults to `"text"`.
   */
  format?: "text" | "json" | undefined;
  /**
   * Where each line goes, without a trailing newline. Defaults to
   * `console.log`. A sink that throws, or an async one that rejects, is
   * ignored: logging never fails a request nor leaves an unhandled rejection.
   */
  write?: ((line: string) => void) | undefined;
  /** Whether to write a line when a build succeeds. Defaults to `true`. */
  build?: boolean | undefined;
}

/**
 * Logs one line per request and one per build.
 *
 * A request's line is written when its response (its status and headers) is
 * ready, with the time from entering this middleware, so add it first to time
 * the whole stack. The path has no query string, which often carries tokens.
 * When a later middleware throws instead of answering, the error goes on to
 * the app, and the line has the status the app answers it with by default:
 * an `HttpError`'s own, else 500 (an `onError` handler may answer otherwise). The build line is written once the build has
 * succeeded, before the first request is served:
 * `latch: built in 3.1ms (2 middleware, 5 routes)`, or
 * `{"event":"build","ms":3.1,"middleware":2,"routes":5,"builds":1}`.
 *
 * Lines carry no timestamp: the log collector (journald, Docker, a Worker's
 * logs) adds one.
 *
 * @param options The format, the sink, and whether to log builds.
 * @returns The middleware.
 * @throws {TypeError} When `format` or `write` is not one of the accepted values.
 *
 * @example Collect JSON lines
 * ```ts
 * import { App } from "@latch/latch";
 * import { logger } from "@latch/latch/middleware";
 * import assert from "node:assert/strict";
 *
 * const lines: string[] = [];
 * const app = new App()
 *   .use(logger({ format: "json", write: (line) => lines.push(line) }))
 *   .get("/notes/:id", () => new Response("a note"));
 *
 * await app.fetch(new Request("http://localhost/notes/1?token=secret"));
 * assert.equal(lines.length, 2);
 * assert.equal(JSON.parse(lines[0]!).event, "build");
 * const { method, path, status } = JSON.parse(lines[1]!);
 * assert.deepEqual({ method, path, status }, { method: "GET", path: "/notes/1", status: 200 });
 * ```
 */
export function logger<T extends AppTypes = AppTypes>(options: LoggerOptions = {}): Middleware<T> {
  const format = options.format ?? "text";
  if (format !== "text" && format !== "json") {
    throw new TypeError(
      `logger() format must be "text" or "json", got ${JSON.stringify(format)}`,
    );
  }
  const sink = options.write ?? ((line: string) => console.log(line));
  if (typeof sink !== "function") {
    throw new TypeError(`logger() write must be a function (line) => void, like console.log`);
  }
  const write = (line: string) => {
    try {
      const result: unknown = sink(line);
      // An async sink's rejection has nobody to report to, and unhandled it can end the process.
      if (_isThenable(result)) Promise.resolve(result).catch(() => {});
    } catch {
      // Logging must never turn a response into an error, nor fail a build.
    }
  };
  const json = format === "json";
  const logBuild = options.build ?? true;

  return (next, build) => {
    if (logBuild) build.onBuilt((stats) => write(_buildLine(stats, json)));
    return (request, ctx) => {
      const started = performance.now();
      let result: Response | Promise<Response>;
      try {
        result = next(request, ctx);
      } catch (error) {
        write(_requestLine(request, _statusOf(error), started, json));
        throw error;
      }
      if (result instanceof Response) {
        write(_requestLine(request, result.status, started, json));
        return result;
      }
      // Not a response: the app answers it with a 500 that names the culprit.
      if (!_isThenable(result)) {
        write(_requestLine(request, 500, started, json));
        return result;
      }
      return result.then((response) => {
        const status = response instanceof Response ? response.status : 500;
        write(_requestLine(request, status, started, json));
        return response;
      }, (error: unknown) => {
        write(_requestLine(request, _statusOf(error), started, json));
        throw error;
      });
    };
  };
}

function _requestLine(request: Request, status: number, started: number, json: boolean): string {
  const ms = Math.round((performance.now() - started) * 10) / 10;
  const method = request.method;
  const path = _pathOf(request.url);
  return json
    ? JSON.stringify({ event: "request", method, path, status, ms })
    : `${method} ${path} ${status} ${ms}ms`;
}

/** The status the app answers `error` with by default: an `HttpError`'s own, else 500. */
function _statusOf(error: unknown): number {
  return error instanceof HttpError ? error.status : 500;
}

function _buildLine(stats: BuildStats, json: boolean): string {
  const ms = Math.round((stats.lastBuildMs ?? 0) * 10) / 10;
  const { middleware, routes, builds } = stats;
  return json
    ? JSON.stringify({ event: "build", ms, middleware, routes, builds })
    : `latch: built in ${ms}ms (${middleware} middleware, ${routes} routes)`;
}

/** The path of `url`, without query or fragment: `Request.url` is absolute, so it starts at the third "/". */
function _pathOf(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start === -1) return "/";
  let end = url.length;
  const query = url.indexOf("?", start);
  if (query !== -1) end = query;
  const fragment = url.indexOf("#", start);
  if (fragment !== -1 && fragment < end) end = fragment;
  return url.slice(start, end);
}

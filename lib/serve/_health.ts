/**
 * The readiness answer `serve()` gives in front of the app: `200` once the
 * app is built, `503` otherwise, with the state named. It reads the app's
 * public `built` and `stats` only, so asking never starts a build.
 *
 * @module
 */

import type { ServableApp } from "./serve_options.ts";

/** Where the server is in its life, as far as the health answer is concerned. */
export type _ServerPhase = "starting" | "serving" | "draining" | "closed";

/** What the health answer names. */
export type _HealthStatus =
  | "ready"
  | "cold"
  | "building"
  | "failed"
  | "draining"
  | "closed";

/**
 * The state to report. Every attempt that ended counts in `stats.failures`
 * or made the app built, so `builds === failures` means the last one failed
 * and no other has started.
 */
export function _healthStatus(
  app: ServableApp,
  phase: _ServerPhase,
): _HealthStatus {
  if (phase === "draining" || phase === "closed") return phase;
  if (app.closed) return "closed";
  if (app.built) return "ready";
  const { builds, failures } = app.stats;
  if (builds === 0) return "cold";
  return builds === failures ? "failed" : "building";
}

/** Answers a health request: GET or HEAD; any other method gets `405`. */
export function _healthResponse(
  request: Request,
  status: _HealthStatus,
): Response {
  const headers = { "cache-control": "no-store" };
  if (request.method !== "GET" && request.method !== "HEAD") {
    return new Response(null, {
      status: 405,
      headers: { ...headers, allow: "GET, HEAD" },
    });
  }
  const code = status === "ready" ? 200 : 503;
  if (request.method === "HEAD") {
    return new Response(null, { status: code, headers });
  }
  return Response.json({ status }, { status: code, headers });
}

/** Whether `url`'s path is exactly `path`, without parsing the URL. */
export function _hasPath(url: string, path: string): boolean {
  const start = url.indexOf("/", url.indexOf("://") + 3);
  if (start === -1 || !url.startsWith(path, start)) return false;
  const end = start + path.length;
  return end === url.length || url[end] === "?" || url[end] === "#";
}

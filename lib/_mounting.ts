/**
 * Mounts, as one build attempt builds them: a mounted app is built inside
 * its parent's build and torn down with the attempt that built it; a mounted
 * fetch handler is handed the request with the mount prefix stripped from
 * its path. Both answer their prefix and everything under it.
 *
 * @module
 */

import type { FetchHandler, Handler } from "./context.ts";
import type { RouteInfo } from "./route_options.ts";
import type { RouteDefinition } from "./router.ts";
import type { _Attempt, _Lifecycle } from "./_lifecycle.ts";
import type { _Mount } from "./_registry.ts";
import type { _RequestContext } from "./_request_context.ts";
import { _Answer } from "./_error_layer.ts";
import { _DerivedRequest, _stripSegments } from "./_http.ts";

/** Methods the Fetch standard forbids in `new Request()`. */
const _FORBIDDEN_METHODS: ReadonlySet<string> = new Set(["CONNECT", "TRACE", "TRACK"]);

/** What a mount adds to its parent's build: router entries, and what `build.routes` lists. */
export interface _Mounted {
  readonly routes: readonly RouteDefinition<Handler>[];
  readonly table: readonly RouteInfo[];
}

/** Builds `mount` for `attempt`: the mounted app first, if it is one. */
export async function _mountRoutes(
  attempt: _Attempt,
  mount: _Mount<_Lifecycle>,
): Promise<_Mounted> {
  const { prefix, segments, child } = mount;
  const base = prefix === "/" ? "" : prefix;
  let handler: Handler;
  let table: RouteInfo[];
  if (child !== undefined) {
    if (child.closing === undefined) {
      const premounted = attempt.snapshot?.get(attempt.core)?.mounts.includes(mount) ?? true;
      attempt.cleanups.add(() => _tearDownChild(attempt, child, premounted));
      const before = child.attempt;
      const built = child.ensureBuilt();
      if (child.attempt !== before && child.attempt !== undefined) {
        attempt.children.add(child.attempt);
      }
      try {
        await built;
      } catch (error) {
        // A child closed on its own while it was building answers 503, as if closed before.
        if (child.closing === undefined) throw error;
      }
    }
    // The child's chain is read per request, so a child closed on its own answers 503 here.
    handler = (request, ctx) =>
      (child.chain ?? child.closedChain)(
        request,
        (ctx as _RequestContext).mounted(child.app, request, segments),
      );
    table = child.routes.map((route) => ({ ...route, path: _joined(base, route.path) }));
  } else {
    handler = _forwarder(mount.forward as FetchHandler, segments);
    table = [
      { method: "*", path: prefix, options: undefined },
      { method: "*", path: `${base}/*`, options: undefined },
    ];
  }
  return {
    routes: [
      { method: "*", path: prefix, value: handler },
      { method: "*", path: `${base}/*`, value: handler },
    ],
    table,
  };
}

/** A mounted app's route path under the prefix `base` (empty for the root). */
function _joined(base: string, path: string): string {
  return base === "" ? path : path === "/" ? base : base + path;
}

/**
 * Hands a mounted fetch handler the request it was given (after any rewrite
 * by a middleware in front of it), with the prefix stripped from that
 * request's own path: one coherent URL.
 */
function _forwarder(forward: FetchHandler, segments: number): Handler {
  return (request, ctx) => {
    const url = new URL(request.url);
    // The router layer made ctx.path that of this very request.
    url.pathname = _stripSegments(ctx.path, segments);
    let forwarded: Request;
    try {
      forwarded = new _DerivedRequest(request, url);
    } catch (error) {
      // Deno's server lets CONNECT, TRACE and TRACK in, but its Request constructor refuses them.
      if (!_FORBIDDEN_METHODS.has(request.method.toUpperCase())) throw error;
      throw new _Answer(
        501,
        `${request.method} requests cannot be forwarded to a mounted fetch handler`,
      );
    }
    return forward(forwarded, ctx.env, ctx.executionContext);
  };
}

/**
 * Tears down a mounted app with the attempt that built it: reset for a retry
 * when the attempt failed, closed when the parent closed. When the attempt was
 * abandoned: one the parent no longer keeps (it closed, or a hook of the
 * attempt mounted it) is closed, and if still building, closed once that
 * build settles, not awaited; one the parent keeps is reset, unless it is
 * still building a build of its own, which the next attempt reuses.
 */
function _tearDownChild(
  attempt: _Attempt,
  child: _Lifecycle,
  premounted: boolean,
): Promise<void> | void {
  const parent = attempt.core;
  if (attempt.isCurrent()) return parent.phase === "closed" ? child.close() : child.reset();
  if (parent.phase === "closed" || !premounted) {
    if (!child.inFlight) return child.close();
    child.close().catch((error) =>
      parent.report("a mounted app of an abandoned attempt failed to close", error)
    );
    return;
  }
  if (!child.inFlight) return child.reset();
}

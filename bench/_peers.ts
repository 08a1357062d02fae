/**
 * The peer frameworks the benchmarks compare latch with (Hono, h3 v2,
 * itty-router), each built the way its documentation shows, doing the same
 * work as the latch case it stands next to: `n` middleware that either pass
 * the request through or set one response header after the inner handler
 * answered, then a route answering `new Response("ok")` (static) or the `id`
 * param (`/users/:id`). Dev dependencies only: `lib/` and `mod.ts` never import
 * them. Elysia runs on Bun only: its cases are built in `_elysia_peer.ts`, which
 * only Bun imports, and named here in {@linkcode BUN_ONLY_PEERS}.
 *
 * @module
 */

import { Hono } from "hono";
import { H3 } from "h3";
import { Router } from "itty-router";

/** What the middleware of a case do: pass the request through, or set a header after `next`. */
export type MiddlewareKind = "pass-through" | "post-process";

/** Which route a case requests: `GET /` (static) or `GET /users/42` (a param route). */
export type RouteKind = "static" | "param";

/** The shape of one app to build: how many middleware, of which kind, in front of which route. */
export interface AppShape {
  /** How many middleware. */
  readonly n: number;
  /** What each middleware does. */
  readonly kind: MiddlewareKind;
  /** The route the request goes to. */
  readonly route: RouteKind;
}

/** A request handler as every framework here exposes it once built. */
export type FetchFunction = (request: Request) => Response | Promise<Response>;

/** What the runner must know of a peer without loading it: its name, and which kinds it has cases for. */
export interface PeerInfo {
  /** The framework's name, as the results show it. */
  readonly name: string;
  /** The middleware kinds it has cases for; both when absent. */
  readonly kinds?: readonly MiddlewareKind[];
}

/** A peer framework: its name and how to build an app of a given shape. */
export interface Peer extends PeerInfo {
  /**
   * Builds the app and returns its request handler, ready to be timed.
   *
   * @param shape What to build.
   * @returns The handler; may be async.
   */
  readonly make: (shape: AppShape) => FetchFunction | Promise<FetchFunction>;
}

/** The header the `index`-th post-processing middleware sets. */
export function headerName(index: number): string {
  return `x-mw-${index}`;
}

/** Hono: `app.use((c, next) => next())`, the cheapest pass-through it allows. */
export const hono: Peer = {
  name: "hono",
  make({ n, kind, route }) {
    const app = new Hono();
    for (let index = 0; index < n; index++) {
      const header = headerName(index);
      if (kind === "pass-through") app.use((_c, next) => next());
      else {
        app.use(async (c, next) => {
          await next();
          c.res.headers.set(header, "1");
        });
      }
    }
    if (route === "static") app.get("/", () => new Response("ok"));
    else app.get("/users/:id", (c) => new Response(c.req.param("id")));
    return app.fetch;
  },
};

/** h3 v2: `app.use((event, next) => next())`; a post-processor sets the header on the returned response. */
export const h3: Peer = {
  name: "h3",
  make({ n, kind, route }) {
    const app = new H3();
    for (let index = 0; index < n; index++) {
      const header = headerName(index);
      if (kind === "pass-through") app.use((_event, next) => next());
      else {
        app.use(async (_event, next) => {
          const response = await next();
          (response as Response).headers.set(header, "1");
          return response;
        });
      }
    }
    if (route === "static") app.get("/", () => new Response("ok"));
    else app.get("/users/:id", (event) => new Response(event.context.params?.id));
    const fetch = app.fetch.bind(app);
    return (request) => fetch(request);
  },
};

/** itty-router v5 `Router`: `before` handlers that return nothing, `finally` handlers that set a header. */
export const itty: Peer = {
  name: "itty",
  make({ n, kind, route }) {
    const before = kind === "pass-through" ? Array.from({ length: n }, () => () => {}) : [];
    const after = kind === "post-process"
      ? Array.from({ length: n }, (_, index) => {
        const header = headerName(index);
        return (response: Response) => {
          response.headers.set(header, "1");
        };
      })
      : [];
    const router = Router({ before, finally: after });
    if (route === "static") router.get("/", () => new Response("ok"));
    else router.get("/users/:id", (request) => new Response(request.params.id));
    return (request) => router.fetch(request);
  },
};

/** The peers that run on Deno and on Bun alike. */
export const PEERS: readonly Peer[] = [hono, h3, itty];

/**
 * The peers that run on Bun only, built in `_elysia_peer.ts`: Elysia with
 * global `onBeforeHandle`/`onAfterHandle` hooks, and Elysia with `onRequest`
 * hooks (which run before routing, as middleware do, and cannot post-process).
 */
export const BUN_ONLY_PEERS = [
  { name: "elysia" },
  { name: "elysia (onRequest)", kinds: ["pass-through"] },
] as const satisfies readonly PeerInfo[];

/** Whether `peer` has cases for middleware of `kind`. */
export function hasKind(peer: PeerInfo, kind: MiddlewareKind): boolean {
  return peer.kinds === undefined || peer.kinds.includes(kind);
}

/**
 * Elysia as a benchmark peer, Bun only, in the two shapes named in
 * `BUN_ONLY_PEERS` (`_peers.ts`): `elysia`, with `n` global
 * `onBeforeHandle` hooks that return nothing (the pass-through) or `n`
 * `onAfterHandle` hooks that each set a response header; and
 * `elysia (onRequest)`, with `n` `onRequest` hooks that return nothing, which
 * run before routing as middleware do. Each app is compiled once with
 * `app.compile()` and timed through the compiled `app.fetch` (what
 * `app.handle` calls, minus its extra async wrapper); over HTTP it is served
 * by `app.listen()`, as Elysia's documentation shows.
 *
 * @module
 */

import { Elysia } from "elysia";
import {
  type AppShape,
  BUN_ONLY_PEERS,
  type FetchFunction,
  headerName,
  type Peer,
} from "./_peers.ts";

/** The Bun-only peers' names. */
type ElysiaName = (typeof BUN_ONLY_PEERS)[number]["name"];

/** What the benchmarks use of an Elysia app. */
export interface ElysiaApp {
  /** Compiles the handlers ahead of the first request. */
  compile(): unknown;
  /** The app's request handler. */
  readonly fetch: FetchFunction;
  /** Serves the app with `Bun.serve`. */
  listen(options: { hostname: string; port: number }): { server: { port?: number } | null };
}

/**
 * An Elysia app of the given shape, not compiled yet.
 *
 * @param shape How many hooks, which kind, which route.
 * @param hooks `onRequest` hooks (pass-through only) or the `onBeforeHandle`/`onAfterHandle` ones.
 * @returns The app.
 */
export function elysiaApp(
  { n, kind, route }: AppShape,
  hooks: "onRequest" | "handle" = "handle",
): ElysiaApp {
  if (hooks === "onRequest" && kind !== "pass-through") {
    throw new TypeError(`onRequest hooks cannot post-process a response; got kind "${kind}"`);
  }
  // Elysia's type grows with every hook and route; the hooks return the same instance.
  const app = new Elysia();
  for (let index = 0; index < n; index++) {
    const header = headerName(index);
    if (hooks === "onRequest") app.onRequest(() => {});
    else if (kind === "pass-through") app.onBeforeHandle({ as: "global" }, () => {});
    else {
      app.onAfterHandle({ as: "global" }, ({ set }) => {
        set.headers[header] = "1";
      });
    }
  }
  return route === "static"
    ? app.get("/", () => new Response("ok"))
    : app.get("/users/:id", ({ params }) => new Response(params.id));
}

const HOOKS: Record<ElysiaName, "onRequest" | "handle"> = {
  "elysia": "handle",
  "elysia (onRequest)": "onRequest",
};

/** The Bun-only peers, in the order of `BUN_ONLY_PEERS`, each built ahead of time like the others. */
export const ELYSIA_PEERS: readonly Peer[] = BUN_ONLY_PEERS.map((info) => ({
  ...info,
  make(shape: AppShape) {
    const app = elysiaApp(shape, HOOKS[info.name]);
    app.compile();
    const fetch = app.fetch;
    return (request: Request) => fetch(request);
  },
}));

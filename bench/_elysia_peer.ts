/**
 * Elysia as a benchmark peer, Bun only: `n` global `onBeforeHandle` hooks that
 * return nothing (the pass-through), or `n` `onAfterHandle` hooks that each set
 * a response header, compiled once with `app.compile()` and timed through the
 * compiled `app.fetch` (what `app.handle` calls, minus its extra async wrapper).
 *
 * @module
 */

import { Elysia } from "elysia";
import { headerName, type Peer } from "./_peers.ts";

/** Elysia, built ahead of time like the others. */
export const elysia: Peer = {
  name: "elysia",
  make({ n, kind, route }) {
    let app = new Elysia();
    for (let index = 0; index < n; index++) {
      const header = headerName(index);
      if (kind === "pass-through") app = app.onBeforeHandle({ as: "global" }, () => {});
      else {
        app = app.onAfterHandle({ as: "global" }, ({ set }) => {
          set.headers[header] = "1";
        });
      }
    }
    const routed = route === "static"
      ? app.get("/", () => new Response("ok"))
      : app.get("/users/:id", ({ params }) => new Response(params.id));
    routed.compile();
    const fetch = routed.fetch;
    return (request) => fetch(request);
  },
};

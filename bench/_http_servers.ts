/**
 * The servers of the HTTP benchmark, declared once: `run.ts` starts each in a
 * process of its own (`_http_server.ts <name>`) on the runtimes listed, checks
 * its answer to `GET /users/42`, and `_report_sections.ts` reports them in
 * this order, each as a ratio to the floor, {@linkcode HTTP_FLOOR}.
 *
 * @module
 */

import type { Runtime } from "./_bench_data.ts";

/** One server of the HTTP benchmark. */
export interface HttpServer {
  /** Its name, as `_http_server.ts` takes it and the results show it. */
  readonly name: string;
  /** The runtimes it runs on. */
  readonly runtimes: readonly Runtime[];
  /** What it answers to `GET /users/42`. */
  readonly body: string;
  /** What it is, for the report. */
  readonly description: string;
}

/** Every server, in the order the report shows them. */
export const HTTP_SERVERS = [
  {
    name: "reads",
    runtimes: ["deno", "bun"],
    body: "ok",
    description:
      'reads `request.url` and `request.method`, makes one `Map` lookup and answers `new Response("ok")`: the floor of any router',
  },
  {
    name: "bare",
    runtimes: ["deno", "bun"],
    body: "ok",
    description: 'answers `new Response("ok")` and reads nothing',
  },
  {
    name: "latch",
    runtimes: ["deno", "bun"],
    body: "42",
    description: "`app.fetch`, 10 pass-through middleware, the route `GET /users/:id`",
  },
  {
    name: "hono",
    runtimes: ["deno", "bun"],
    body: "42",
    description: "`app.fetch`, 10 `app.use((c, next) => next())`, `app.get('/users/:id')`",
  },
  {
    name: "h3",
    runtimes: ["deno", "bun"],
    body: "42",
    description: "h3 v2 `app.fetch`, 10 `app.use((event, next) => next())`",
  },
  {
    name: "elysia",
    runtimes: ["bun"],
    body: "42",
    description:
      "10 global `onBeforeHandle` hooks, served by `app.listen()` (which hands its routes to `Bun.serve`'s own router)",
  },
] as const satisfies readonly HttpServer[];

/** A server's name. */
export type HttpServerName = (typeof HTTP_SERVERS)[number]["name"];

/** The server every other is held against. */
export const HTTP_FLOOR: HttpServerName = "reads";

/**
 * The servers that run on `runtime`, in report order.
 *
 * @param runtime The runtime.
 * @returns The servers.
 */
export function httpServersOn(runtime: Runtime): readonly HttpServer[] {
  return HTTP_SERVERS.filter((server) => (server.runtimes as readonly Runtime[]).includes(runtime));
}

/**
 * A server for the HTTP benchmark, run by `run.ts` in a fresh Deno or Bun
 * process: one of `HTTP_SERVERS` (`_http_servers.ts`), the frameworks with 10
 * pass-through middleware in front of `GET /users/:id`, on 127.0.0.1 and a
 * port the system picks. It prints `{"port": …}` once listening, and stops on
 * SIGTERM or by itself after two minutes, so a forgotten server cannot linger.
 *
 *   deno run --allow-net --allow-env bench/_http_server.ts latch
 *   bun bench/_http_server.ts elysia
 *
 * @module
 */

import { type FetchFunction, h3, hono } from "./_peers.ts";
import { HTTP_SERVERS, type HttpServerName } from "./_http_servers.ts";
import { bareHandler, latchApp, LAZY_DEPTH, readsHandler } from "./_scenarios.ts";
import { exitWhenTold, serve, type Served } from "./_serve.ts";

const name = (globalThis as { process?: { argv: string[] } }).process?.argv[2] ?? "";
const shape = { n: LAZY_DEPTH, kind: "pass-through", route: "param" } as const;

/** How each server starts, by name: a `fetch` for `serve`, or its own listener. */
const START: Record<HttpServerName, () => Promise<Served>> = {
  reads: () => Promise.resolve(serve(readsHandler())),
  bare: () => Promise.resolve(serve(bareHandler())),
  latch: () => Promise.resolve(serve(latchApp(shape).fetch)),
  hono: async () => serve(await hono.make(shape) as FetchFunction),
  h3: async () => serve(await h3.make(shape) as FetchFunction),
  elysia: async () => {
    // Imported here: Elysia runs on Bun only.
    const { elysiaApp } = await import("./_elysia_peer.ts");
    exitWhenTold();
    const app = elysiaApp(shape).listen({ hostname: "127.0.0.1", port: 0 });
    const port = app.server?.port;
    if (port === undefined) throw new Error("Elysia's app.listen() gave no server");
    return { port };
  },
};

if (!HTTP_SERVERS.some((server) => server.name === name)) {
  throw new TypeError(
    `Expected one of ${HTTP_SERVERS.map((s) => `"${s.name}"`).join(", ")}, got "${name}"`,
  );
}
const server = await START[name as HttpServerName]();
console.log(JSON.stringify({ port: server.port }));

/**
 * A server for the HTTP benchmark, run by `run.ts` in a fresh Deno or Bun
 * process: `bare`, `latch` or `hono`, with 10 pass-through middleware (none
 * for `bare`) in front of `GET /users/:id`, on 127.0.0.1 and a port the system
 * picks. It prints `{"port": …}` once listening, and stops on SIGTERM or by
 * itself after two minutes, so a forgotten server cannot linger.
 *
 *   deno run --allow-net --allow-env bench/_http_server.ts latch
 *   bun bench/_http_server.ts hono
 *
 * @module
 */

import { type FetchFunction, hono } from "./_peers.ts";
import { latchApp, LAZY_DEPTH } from "./_scenarios.ts";
import { serve } from "./_serve.ts";

const framework = (globalThis as { process?: { argv: string[] } }).process?.argv[2] ?? "";
const shape = { n: LAZY_DEPTH, kind: "pass-through", route: "param" } as const;

let fetch: FetchFunction;
if (framework === "bare") fetch = (_request) => new Response("ok");
else if (framework === "latch") fetch = latchApp(shape).fetch;
else if (framework === "hono") fetch = await hono.make(shape);
else throw new TypeError(`Expected "bare", "latch" or "hono" as the argument, got "${framework}"`);

const server = serve(fetch);
console.log(JSON.stringify({ port: server.port }));

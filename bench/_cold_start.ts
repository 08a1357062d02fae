/**
 * The very first request, in a fresh Deno or Bun process that `run.ts`
 * spawns several times. It registers an app with N async factories and R param
 * routes, then, by `mode`:
 *
 * - `lazy`: times `app.fetch(first request)`, which builds and answers;
 * - `eager`: times `await app.ready()` and then that first request;
 * - `serve-lazy`: serves at once and lets the first request build;
 * - `serve-eager`: builds with `ready()` at import time, then serves.
 *
 * It prints one JSON line: the times, `performance.now()` since the process
 * started, the build count (`app.stats.builds`) and the factory calls, which
 * must both be 1; the `serve-` modes print it once listening, with the port,
 * and `run.ts` sends the first request and measures when it is answered.
 *
 *   deno run --allow-net --allow-env bench/_cold_start.ts lazy 10 10
 *
 * @module
 */

import { App } from "../mod.ts";
import { serve } from "./_serve.ts";

const [mode = "", n = "10", r = "10"] =
  (globalThis as { process?: { argv: string[] } }).process?.argv.slice(2) ?? [];
const startedMs = performance.now();

let factoryCalls = 0;
const app = new App();
for (let index = 0; index < Number(n); index++) {
  app.use(async (next) => {
    factoryCalls++;
    await null;
    return (request, ctx) => next(request, ctx);
  });
}
for (let index = 0; index < Number(r); index++) {
  app.get(`/r${index}/:id`, (_request, ctx) => new Response(ctx.params.id));
}

const url = "http://localhost/r0/42";
if (mode === "lazy" || mode === "eager") {
  const before = performance.now();
  if (mode === "eager") await app.ready();
  const built = performance.now();
  const response = await app.fetch(new Request(url));
  const body = await response.text();
  const answered = performance.now();
  console.log(JSON.stringify({
    status: response.status,
    body,
    buildMs: built - before,
    firstRequestMs: answered - before,
    sinceStartMs: answered,
    registerMs: before - startedMs,
    builds: app.stats.builds,
    factoryCalls: factoryCalls / Number(n),
  }));
} else if (mode === "serve-lazy" || mode === "serve-eager") {
  if (mode === "serve-eager") await app.ready();
  const { port } = serve(app.fetch, 30_000);
  // The parent sends the first request; a second line reports the build count
  // once the build is done, without adding anything to the request path.
  console.log(JSON.stringify({ port, listeningMs: performance.now() }));
  const timer = setInterval(() => {
    if (app.stats.builds === 0 || !app.built) return;
    clearInterval(timer);
    console.log(
      JSON.stringify({ builds: app.stats.builds, factoryCalls: factoryCalls / Number(n) }),
    );
  }, 1);
} else {
  throw new TypeError(
    `Expected "lazy", "eager", "serve-lazy" or "serve-eager" as the mode, got "${mode}"`,
  );
}

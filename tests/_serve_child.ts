/**
 * A server for the `serve()` tests that run it as a child process, on the
 * test's own runtime: an app served by `serve()` with a health path, that
 * prints where it listens, each signal it receives, when its cleanup runs,
 * and how `finished` settled, with the count of requests that reached the
 * app. Set by the environment:
 *
 * - `SERVE_WARM=1`: `warm: true`; `SERVE_FAIL=1`: its factory throws.
 * - `SERVE_DRAIN_MS`: `shutdown.drainMs`.
 * - `PORT`, `HOST`: read by `serve()` itself.
 *
 * Routes: `/` (`ok`), `/slow?ms=…` (headers and `waited ` at once, the rest after `ms`),
 * `/hang` (never answers).
 *
 * @module
 */

import process from "node:process";
import { App } from "../mod.ts";
import { serve } from "../lib/serve/mod.ts";

const env = process.env;
let reached = 0;
const app = new App();
app.use((next, build) => {
  if (env.SERVE_FAIL === "1") throw new Error("the database is down");
  build.defer(() => console.log("cleanup ran"));
  return (request, ctx) => {
    reached++;
    return next(request, ctx);
  };
});
app.get("/", () => new Response("ok"));
app.get("/slow", (request) => {
  const ms = Number(new URL(request.url).searchParams.get("ms") ?? 100);
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      // A first chunk at once: every runtime sends the headers with it.
      controller.enqueue(new TextEncoder().encode("waited "));
      await new Promise((resolve) => setTimeout(resolve, ms));
      controller.enqueue(new TextEncoder().encode(`${ms} ms`));
      controller.close();
    },
  });
  return new Response(body, { headers: { "content-type": "text/plain" } });
});
app.get("/hang", () => new Promise<Response>(() => {}));

const server = serve(app, {
  warm: env.SERVE_WARM === "1",
  health: "/healthz",
  shutdown: { drainMs: Number(env.SERVE_DRAIN_MS ?? 10_000) },
  onListen: ({ url, runtime }) => console.log(`listening on ${url}/ (${runtime})`),
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.on(signal, () => console.log(`${signal} received`));
}
try {
  await server.finished;
  console.log(`finished: ${reached} requests reached the app`);
} catch (error) {
  console.log(`finished rejected: ${(error as Error).message}`);
}

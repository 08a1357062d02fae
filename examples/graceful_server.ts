/**
 * A graceful shutdown with `serve()`, on Deno, Bun or Node.js: on SIGTERM (or
 * Ctrl-C) the server stops accepting connections, the requests already in
 * flight finish normally (for up to `drainMs`), then `app.close()` runs the
 * app's cleanups and `finished` resolves; a second signal exits at once. Set
 * `PORT=0` to let the system pick the port; the line it prints says which.
 *
 *     PORT=0 node_modules/.bin/deno run --allow-net --allow-env examples/graceful_server.ts
 *     PORT=0 node_modules/.bin/bun examples/graceful_server.ts
 *     curl -N 'http://127.0.0.1:<port>/slow?ms=2000' & kill -TERM <pid>
 *
 * @module
 */

import process from "node:process";
import { App } from "../mod.ts";
import { serve } from "../lib/serve/mod.ts";

/** An app with a slow route (`/slow?ms=…`, streamed: headers now, the body after `ms`) and a cleanup that says when it ran. */
export function createApp(): App {
  const app = new App();
  app.use(async (next, build) => {
    const pool = await Promise.resolve({ open: true }); // a database pool, say
    build.defer(() => {
      pool.open = false;
      console.log("cleanup: pool closed");
    });
    return next;
  });
  app.get("/", () => new Response("ok"));
  app.get("/slow", (request) => {
    const ms = Math.min(
      Number(new URL(request.url).searchParams.get("ms") ?? 100) || 0,
      10_000,
    );
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        await new Promise((resolve) => setTimeout(resolve, ms));
        controller.enqueue(new TextEncoder().encode(`done after ${ms} ms`));
        controller.close();
      },
    });
    return new Response(body, { headers: { "content-type": "text/plain" } });
  });
  return app;
}

if (import.meta.main) {
  let requests = 0;
  const app = createApp().use((next) => (request, ctx) => {
    requests++;
    return next(request, ctx);
  });
  const server = serve(app, {
    health: "/healthz",
    shutdown: { signals: ["SIGINT", "SIGTERM"], drainMs: 10_000 },
    onListen: ({ url }) => console.log(`listening on ${url}/`),
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => console.log(`${signal}: draining`));
  }
  await server.finished;
  console.log(
    `closed: all ${requests} requests that reached the app got their response`,
  );
}

/**
 * A graceful shutdown on Deno or Bun: on SIGTERM (or Ctrl-C) the server stops
 * accepting connections, the requests already in flight finish normally, then
 * `app.close()` runs the app's cleanups, and the process exits 0. Set `PORT=0`
 * to let the system pick the port; the line it prints says which.
 *
 *     PORT=0 node_modules/.bin/deno run --allow-net --allow-env examples/graceful_server.ts
 *     PORT=0 node_modules/.bin/bun examples/graceful_server.ts
 *     curl -N 'http://127.0.0.1:<port>/slow?ms=2000' & kill -TERM <pid>
 *
 * @module
 */

import process from "node:process";
import { App } from "../mod.ts";

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
    const ms = Math.min(Number(new URL(request.url).searchParams.get("ms") ?? 100) || 0, 10_000);
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

interface _BunLike {
  serve(options: { hostname: string; port: number; fetch: App["fetch"] }): {
    port: number;
    stop(closeActiveConnections?: boolean): Promise<void> | void;
  };
}

if (import.meta.main) {
  const app = createApp();
  const hostname = process.env.HOST ?? "127.0.0.1";
  const port = Number(process.env.PORT ?? 8000);
  let requests = 0;
  const fetch: App["fetch"] = (request, env, executionContext) => {
    requests++;
    return app.fetch(request, env, executionContext);
  };
  const bun = (globalThis as { Bun?: _BunLike }).Bun;
  let stop: () => Promise<void> | void;
  if (bun !== undefined) {
    const server = bun.serve({ hostname, port, fetch });
    console.log(`listening on http://${hostname}:${server.port}/`);
    // Without `true`, Bun stops listening and lets the requests in flight finish.
    stop = () => server.stop();
  } else {
    const server = Deno.serve({
      hostname,
      port,
      onListen: ({ port }) => console.log(`listening on http://${hostname}:${port}/`),
    }, fetch);
    // Stops listening at once and resolves when the responses in flight are sent.
    stop = () => server.shutdown();
  }

  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return; // a second signal while draining changes nothing
    shuttingDown = true;
    const stopped = stop();
    console.log(`${signal}: draining`);
    await stopped;
    console.log(`drained: all ${requests} requests that reached the app got their response`);
    let code = 0;
    try {
      await app.close();
    } catch (error) {
      console.error("a cleanup failed", error);
      code = 1;
    }
    console.log("closed");
    process.exit(code);
  };
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
  process.on("SIGINT", () => void shutdown("SIGINT"));
}

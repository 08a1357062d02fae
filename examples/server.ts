/**
 * Serves the example app on Deno or Bun, on 127.0.0.1 (set `HOST` and `PORT`
 * to change it), and closes it on Ctrl-C or SIGTERM so its cleanups run.
 *
 *     npm start                      # Deno
 *     node_modules/.bin/bun examples/server.ts
 *
 * @module
 */

import process from "node:process";
import { app } from "./app.ts";

const hostname = process.env.HOST ?? "127.0.0.1";
const port = Number(process.env.PORT ?? 8000);

interface _BunLike {
  serve(options: { hostname: string; port: number; fetch: typeof app.fetch }): {
    port: number;
    stop(): Promise<void> | void;
  };
}

const bun = (globalThis as { Bun?: _BunLike }).Bun;
let stop: () => Promise<void> | void;
if (bun !== undefined) {
  const server = bun.serve({ hostname, port, fetch: app.fetch });
  console.log(`latch example on Bun: http://${hostname}:${server.port}/`);
  stop = () => server.stop();
} else {
  const server = Deno.serve({
    hostname,
    port,
    onListen: ({ port }) => console.log(`latch example on Deno: http://${hostname}:${port}/`),
  }, app.fetch);
  stop = () => server.shutdown();
}

// Stop accepting and finish the requests in flight, then run the app's cleanups.
const shutdown = async () => {
  await stop();
  await app.close();
  process.exit(0);
};
process.once("SIGINT", shutdown);
process.once("SIGTERM", shutdown);

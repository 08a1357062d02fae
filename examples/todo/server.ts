/**
 * Serves the todo app on Deno or Bun, on 127.0.0.1:8000 (set `HOST` and
 * `PORT` to change it; `TODO_DB` or `DATA_DIR` to move the SQLite file from
 * `./data/todo.db`). On Ctrl-C or SIGTERM it stops the server, letting the
 * requests in flight finish, then closes the app, which closes the database.
 *
 *     deno run --allow-net --allow-env --allow-read --allow-write examples/todo/server.ts
 *     node_modules/.bin/bun examples/todo/server.ts
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
  console.log(`latch todo on Bun: listening on http://${hostname}:${server.port}/`);
  stop = () => server.stop();
} else {
  const server = Deno.serve({
    hostname,
    port,
    onListen: ({ port }) =>
      console.log(`latch todo on Deno: listening on http://${hostname}:${port}/`),
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

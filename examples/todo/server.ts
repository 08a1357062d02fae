/**
 * Serves the todo app with `serve()` on Deno, Bun or Node.js, on
 * 127.0.0.1:8000 (set `HOST` and `PORT` to change it; `TODO_DB` or `DATA_DIR`
 * to move the SQLite file from `./data/todo.db`). It opens the database before
 * the port opens (`warm`), answers `/healthz` for a load balancer, and on
 * Ctrl-C or SIGTERM stops accepting, lets the requests in flight finish, then
 * closes the app, which closes the database.
 *
 *     deno run --allow-net --allow-env --allow-read --allow-write examples/todo/server.ts
 *     node_modules/.bin/bun examples/todo/server.ts
 *
 * @module
 */

import { app } from "./app.ts";
import { serve } from "../../lib/serve/mod.ts";

serve(app, {
  warm: true,
  health: "/healthz",
  onListen: ({ url, runtime }) => console.log(`latch todo on ${runtime}: listening on ${url}/`),
});

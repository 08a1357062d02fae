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

import { app } from "./app.ts";
import { closeOnSignal, serve } from "../_serve.ts";

const served = await serve(app.fetch);
console.log(`latch todo on ${served.runtime}: listening on ${served.url}`);
closeOnSignal(served, app);

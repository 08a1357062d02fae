/**
 * Serves the example app on Deno, Bun or Node.js with `serve()`, on
 * 127.0.0.1:8000 (set `HOST` and `PORT` to change it), and on Ctrl-C or
 * SIGTERM drains the requests in flight and closes the app so its cleanups run.
 *
 *     node_modules/.bin/deno run --allow-net --allow-env examples/server.ts
 *     node_modules/.bin/bun examples/server.ts
 *
 * @module
 */

import { app } from "./app.ts";
import { serve } from "../lib/serve/mod.ts";

serve(app, {
  health: "/healthz",
  onListen: ({ url, runtime }) => console.log(`latch example on ${runtime}: listening on ${url}/`),
});

/**
 * Serves the example app on Deno or Bun, on 127.0.0.1 (set `HOST` and `PORT`
 * to change it), and closes it on Ctrl-C or SIGTERM so its cleanups run.
 *
 *     node_modules/.bin/deno run --allow-net --allow-env examples/server.ts
 *     node_modules/.bin/bun examples/server.ts
 *
 * @module
 */

import { app } from "./app.ts";
import { closeOnSignal, serve } from "./_serve.ts";

const served = await serve(app.fetch);
console.log(`latch example on ${served.runtime}: listening on ${served.url}`);
closeOnSignal(served, app);

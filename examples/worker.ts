/**
 * The todo app as a Cloudflare Worker (a module worker, for workerd or
 * `wrangler`): the same routes and the same once-per-isolate build, on the
 * in-memory store, since a Worker has neither `node:sqlite` nor a file to
 * keep. A real deployment would open D1 or KV from `ctx.env` the same way.
 *
 *     node_modules/.bin/bun build examples/worker.ts --target browser --format esm --outfile worker.js
 *
 * @module
 */

import { createTodoApp } from "./todo/app.ts";
import { openMemoryStore } from "./todo/store.ts";

/** The Worker: workerd calls its `fetch` with the request, `env` and the execution context. */
export default createTodoApp({ openStore: () => openMemoryStore() });

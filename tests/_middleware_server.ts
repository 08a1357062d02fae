/**
 * A server with every built-in middleware in front of a few routes, run as a
 * child process by `tests/middleware_warnings_test.ts`, which reads all it
 * prints: a runtime warning (such as Deno's about `request.signal`) shows up
 * there and nowhere else. It prints one line, `listening on <url>`, and on
 * SIGTERM drains, closes the app and exits 0.
 *
 * @module
 */

import { App } from "../mod.ts";
import {
  bodyLimit,
  compress,
  cors,
  etag,
  logger,
  requestId,
  secureHeaders,
  serverTiming,
  timeout,
} from "../lib/middleware/mod.ts";
import { serve } from "../lib/serve/mod.ts";

const app = new App()
  .use(
    // Its lines would mix with a warning; what it writes is not what the test looks for.
    logger({ write: () => {}, build: false }),
    requestId(),
    serverTiming(),
    cors(),
    secureHeaders(),
    timeout(10_000),
    bodyLimit(1024),
    compress(),
    etag(),
  )
  .get(
    "/note",
    () =>
      new Response("a note that compresses well. ".repeat(100), {
        headers: { "content-type": "text/plain" },
      }),
  )
  .get("/slow", async () => {
    await Promise.resolve();
    return new Response("slow");
  })
  .post("/echo", async (request) => new Response(await request.text()));

serve(app, { onListen: ({ url }) => console.log(`listening on ${url}/`) });

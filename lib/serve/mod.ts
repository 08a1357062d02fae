/**
 * `@latch/latch/serve`: serve an app on Deno, Bun or Node.js with one call,
 * and shut it down gracefully.
 *
 * `serve(app, options)` listens with the runtime's own server (`Deno.serve`,
 * `Bun.serve`, or srvx on Node.js: `npm install srvx`, an optional peer
 * dependency), on `HOST`/`PORT` or `127.0.0.1:8000`. It can build the app
 * before the port opens (`warm`), answer a readiness path in front of the app
 * (`health`), and on SIGINT or SIGTERM stop accepting, drain the requests in
 * flight, and close the app (`shutdown`).
 *
 * @example
 * ```ts
 * import { App } from "@latch/latch";
 * import { serve } from "@latch/latch/serve";
 *
 * const app = new App().get("/", () => new Response("hello"));
 * const server = serve(app, {
 *   port: 0, // the system picks; the default is PORT, else 8000
 *   health: "/healthz",
 *   onListen: ({ url, runtime }) => console.log(`listening on ${url}/ (${runtime})`),
 * });
 * console.log(await (await fetch(`${await server.url}/`)).text());
 * await server.shutdown(); // what SIGINT and SIGTERM do
 * ```
 *
 * @module
 */

export { serve } from "./serve.ts";
export type {
  ListenInfo,
  NodeBindings,
  ServableApp,
  ServeOptions,
  Server,
  ShutdownOptions,
  ShutdownSignal,
} from "./serve_options.ts";

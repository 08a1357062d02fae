/**
 * The types of `serve()`: its options, what `onListen` is told, and the
 * running server it returns. They import no implementation.
 *
 * @module
 */

/** A signal `serve()` can shut down on. */
export type ShutdownSignal =
  | "SIGINT"
  | "SIGTERM"
  | "SIGHUP"
  | "SIGQUIT"
  | "SIGUSR1"
  | "SIGUSR2";

/**
 * What `serve()` needs from an app: a latch `App` has all of it.
 *
 * @example
 * ```ts
 * import { App } from "@latch/latch";
 * import type { ServableApp } from "@latch/latch/serve";
 *
 * const app: ServableApp = new App().get("/", () => new Response("ok"));
 * ```
 */
export interface ServableApp {
  /** Answers a request; called with the runtime's second argument as `env`. */
  fetch(request: Request, env?: unknown): Response | Promise<Response>;
  /** Builds the app (for `warm`). */
  ready(): Promise<void>;
  /** Runs the app's cleanups, after the server has drained. */
  close(): Promise<void>;
  /** Whether it is built and serving (for the health answer). */
  readonly built: boolean;
  /** Whether it was closed (for the health answer), by `serve()` or by anyone else. */
  readonly closed: boolean;
  /** Its build counts, which tell a build in flight from a failed one (for the health answer). */
  readonly stats: { readonly builds: number; readonly failures: number };
  /**
   * Bun's `websocket` handlers (`app.websocket`), passed to `Bun.serve` when
   * present, so the app's WebSocket routes (`app.ws()`) upgrade on Bun too.
   */
  readonly websocket?: unknown;
}

/**
 * When and how `serve()` shuts down on its own.
 *
 * @example
 * ```ts
 * import type { ShutdownOptions } from "@latch/latch/serve";
 *
 * const shutdown: ShutdownOptions = { signals: ["SIGTERM"], drainMs: 30_000 };
 * ```
 */
export interface ShutdownOptions {
  /**
   * The signals that start a graceful shutdown; a second one while it runs
   * exits the process at once (with 128 + the signal's number, as a shell
   * does). Defaults to `["SIGINT", "SIGTERM"]`; `[]` listens for none.
   */
  signals?: readonly ShutdownSignal[];
  /**
   * How long the requests in flight may take to finish once the server
   * stopped accepting, in milliseconds; then their connections are cut (on
   * Deno, which cannot cut them, the server stops waiting for them and no
   * longer keeps the process alive). Defaults to 10 000.
   */
  drainMs?: number;
}

/**
 * What `onListen` is told once the server listens.
 *
 * @example
 * ```ts
 * import type { ListenInfo } from "@latch/latch/serve";
 *
 * const log = ({ url, runtime }: ListenInfo) => console.log(`listening on ${url}/ (${runtime})`);
 * ```
 */
export interface ListenInfo {
  /** Where it listens, without a trailing slash: `http://127.0.0.1:8000`. */
  readonly url: string;
  /** The address it listens on. */
  readonly hostname: string;
  /** The port it listens on: the one the system picked when asked for `0`. */
  readonly port: number;
  /** The runtime serving: `"deno"`, `"bun"` or `"node"`. */
  readonly runtime: "deno" | "bun" | "node";
}

/**
 * The options of `serve()`; all optional.
 *
 * @example
 * ```ts
 * import type { ServeOptions } from "@latch/latch/serve";
 *
 * const options: ServeOptions = {
 *   port: 8080,
 *   hostname: "0.0.0.0",
 *   warm: true,
 *   health: "/healthz",
 *   shutdown: { signals: ["SIGTERM"], drainMs: 5_000 },
 *   onListen: ({ url }) => console.log(`ready on ${url}/`),
 * };
 * ```
 */
export interface ServeOptions {
  /** The port; `0` lets the system pick. Defaults to `PORT`, else 8000. */
  port?: number;
  /** The address to listen on. Defaults to `HOST`, else `127.0.0.1` (loopback only). */
  hostname?: string;
  /**
   * Build the app (`app.ready()`) before listening, so the port opens only
   * once it can serve; a failed build rejects `finished` and nothing listens.
   * Defaults to `false`: the first request builds it.
   */
  warm?: boolean;
  /**
   * A path answered in front of the app, for a load balancer: `200` once the
   * app is built, `503` while it is cold, building, failed, draining or
   * closed, with `{"status": …}` naming which. Asking never starts a build.
   * Off by default.
   */
  health?: string;
  /** Shut down on signals (see {@linkcode ShutdownOptions}), or `false` to listen for none. */
  shutdown?: ShutdownOptions | false;
  /** Called once the server listens. Defaults to printing `Listening on <url>/`. */
  onListen?: (info: ListenInfo) => void;
}

/**
 * A running server, as `serve()` returns it.
 *
 * @example
 * ```ts
 * import { App } from "@latch/latch";
 * import { type Server, serve } from "@latch/latch/serve";
 *
 * const server: Server = serve(new App(), { port: 0, onListen() {} });
 * console.log(await server.url);
 * await server.shutdown();
 * ```
 */
export interface Server {
  /** Where it listens (`http://127.0.0.1:8000`), once it does; rejects as `finished` does if it never does. */
  readonly url: Promise<string>;
  /**
   * Resolves once the server has stopped, drained and closed the app.
   * Rejects with the build error of a failed `warm` build (nothing listened),
   * with the error that kept it from listening, or with `app.close()`'s error.
   */
  readonly finished: Promise<void>;
  /** Shuts down as a signal does: stop accepting, drain, `app.close()`. Returns `finished`. */
  shutdown(): Promise<void>;
}

/**
 * What an app gets as `ctx.env` on Node.js: Node's request and response
 * objects, under the names `@hono/node-server` uses.
 *
 * @example
 * ```ts
 * import { App } from "@latch/latch";
 * import type { NodeBindings } from "@latch/latch/serve";
 *
 * const app = new App<{ env: NodeBindings | undefined }>();
 * app.get("/", (_request, ctx) => new Response(ctx.env === undefined ? "not on Node" : "on Node"));
 * ```
 */
export interface NodeBindings {
  /** Node's `http.IncomingMessage`. */
  readonly incoming: unknown;
  /** Node's `http.ServerResponse`. */
  readonly outgoing: unknown;
}

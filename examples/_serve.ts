/**
 * What the example servers share: serve a fetch handler on Deno or Bun, and
 * shut down gracefully on a signal (stop accepting, let the requests in flight
 * finish, then close the app so its cleanups run).
 *
 * @module
 */

import process from "node:process";

/** A fetch handler; the runtime passes its own second argument (Deno's ServeHandlerInfo, Bun's Server). */
type _Fetch = (request: Request, env?: unknown) => Response | Promise<Response>;

interface _BunLike {
  serve(options: { hostname: string; port: number; fetch: _Fetch }): {
    port: number;
    stop(closeActiveConnections?: boolean): Promise<void> | void;
  };
}

/** A running server. */
export interface Served {
  /** `Deno` or `Bun`. */
  readonly runtime: string;
  /** Where it listens, such as `http://127.0.0.1:8000/`. */
  readonly url: string;
  /** Stops accepting connections; resolves once the responses in flight are sent. */
  stop(): Promise<void>;
}

/**
 * Serves `fetch` on `HOST` (default 127.0.0.1) and `PORT` (default 8000; `0`
 * lets the system pick) with the runtime's own server.
 */
export function serve(fetch: _Fetch): Promise<Served> {
  const hostname = process.env.HOST ?? "127.0.0.1";
  const port = Number(process.env.PORT ?? 8000);
  const bun = (globalThis as { Bun?: _BunLike }).Bun;
  if (bun !== undefined) {
    const server = bun.serve({ hostname, port, fetch });
    return Promise.resolve({
      runtime: "Bun",
      url: `http://${hostname}:${server.port}/`,
      // Without `true`, Bun stops listening and lets the requests in flight finish.
      stop: async () => await server.stop(),
    });
  }
  return new Promise((resolve) => {
    const server = Deno.serve({
      hostname,
      port,
      onListen: ({ port }) =>
        resolve({
          runtime: "Deno",
          url: `http://${hostname}:${port}/`,
          // Stops listening at once and resolves when the responses in flight are sent.
          stop: () => server.shutdown(),
        }),
    }, fetch);
  });
}

/**
 * On the first SIGINT or SIGTERM: stops `served` (draining), closes `app`,
 * and exits 0, or 1 if a cleanup threw. A second signal while draining
 * changes nothing. `say` is told each step.
 */
export function closeOnSignal(
  served: Served,
  app: { close(): Promise<void> },
  say: (line: string) => void = () => {},
): void {
  let shuttingDown = false;
  const shutdown = async (signal: string) => {
    if (shuttingDown) return;
    shuttingDown = true;
    const stopped = served.stop();
    say(`${signal}: draining`);
    await stopped;
    say("drained");
    let code = 0;
    try {
      await app.close();
    } catch (error) {
      console.error("a cleanup failed", error);
      code = 1;
    }
    say("closed");
    process.exit(code);
  };
  process.on("SIGINT", () => void shutdown("SIGINT"));
  process.on("SIGTERM", () => void shutdown("SIGTERM"));
}

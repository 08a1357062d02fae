/**
 * Serves a fetch handler on loopback, port 0, with the runtime the tests run
 * on: `Deno.serve` on Deno, `Bun.serve` on Bun. Tests are the only place
 * latch touches runtime APIs; `lib/` stays web-standard.
 *
 * @module
 */

/** A server on loopback and the way to stop it. */
export interface TestServer {
  readonly runtime: "deno" | "bun";
  readonly url: string;
  stop(): Promise<void>;
}

type ServeHandler = (request: Request, info?: unknown) => Response | Promise<Response>;

interface _BunLike {
  serve(options: { hostname: string; port: number; fetch: ServeHandler }): {
    port: number;
    stop(closeActiveConnections?: boolean): Promise<void> | void;
  };
}

/** The runtime the tests run on. */
export const runtime: "deno" | "bun" = "Bun" in globalThis ? "bun" : "deno";

/** Serves `fetch` on 127.0.0.1 at a port the system picks. */
export function serve(fetch: ServeHandler): TestServer {
  const bun = (globalThis as { Bun?: _BunLike }).Bun;
  if (bun !== undefined) {
    const server = bun.serve({ hostname: "127.0.0.1", port: 0, fetch });
    return {
      runtime: "bun",
      url: `http://127.0.0.1:${server.port}`,
      stop: async () => {
        await server.stop(true);
      },
    };
  }
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen() {} }, fetch);
  return {
    runtime: "deno",
    url: `http://127.0.0.1:${server.addr.port}`,
    stop: () => server.shutdown(),
  };
}

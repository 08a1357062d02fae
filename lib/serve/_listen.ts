/**
 * Listening on each runtime, behind one shape: `Deno.serve` on Deno,
 * `Bun.serve` on Bun, and srvx on Node.js (an optional peer dependency,
 * imported only there). Each gives a way to stop accepting while the
 * responses in flight finish, and a way to cut what is still open.
 *
 * @module
 */

import type { ListenInfo, NodeBindings } from "./serve_options.ts";

/** What the server calls per request: the runtime's own second argument becomes `env`. */
export type _Handler = (
  request: Request,
  env?: unknown,
) => Response | Promise<Response>;

/** A server that listens. */
export interface _Listener {
  readonly runtime: ListenInfo["runtime"];
  readonly hostname: string;
  readonly port: number;
  /** Stops accepting connections; resolves once the responses in flight are sent. */
  stop(): Promise<void>;
  /** Cuts the connections still open, so `stop()` resolves. */
  cut(): Promise<void>;
}

/** Where and how to listen. */
export interface _ListenOptions {
  readonly hostname: string;
  readonly port: number;
  /** Bun's `websocket` handlers, when the app has them. */
  readonly websocket: unknown;
}

interface _DenoLike {
  serve(
    options: { hostname: string; port: number; onListen(): void },
    handler: _Handler,
  ): { addr: { port: number }; shutdown(): Promise<void>; unref(): void };
}

interface _BunLike {
  serve(
    options: {
      hostname: string;
      port: number;
      fetch: _Handler;
      websocket?: unknown;
    },
  ): {
    port: number;
    stop(closeActiveConnections?: boolean): Promise<void> | void;
  };
}

/** Listens with the runtime's own server; rejects if it cannot (the port is taken, say). */
export function _listen(
  handler: _Handler,
  options: _ListenOptions,
): Promise<_Listener> {
  const bun = (globalThis as { Bun?: _BunLike }).Bun;
  if (bun !== undefined) {
    return Promise.resolve(_listenBun(bun, handler, options));
  }
  const deno = (globalThis as { Deno?: _DenoLike }).Deno;
  if (deno !== undefined) {
    return Promise.resolve().then(() => _listenDeno(deno, handler, options));
  }
  return _listenNode(handler, options);
}

function _listenDeno(
  deno: _DenoLike,
  handler: _Handler,
  options: _ListenOptions,
): _Listener {
  const { hostname, port } = options;
  const server = deno.serve({ hostname, port, onListen() {} }, handler);
  return {
    runtime: "deno",
    hostname,
    port: server.addr.port,
    // Stops listening at once and resolves when the responses in flight are sent.
    stop: () => server.shutdown(),
    // Deno 2 has no way to close a served connection early: stop waiting for them instead,
    // and let the process exit with them open.
    cut: () => Promise.resolve(server.unref()),
  };
}

function _listenBun(
  bun: _BunLike,
  handler: _Handler,
  options: _ListenOptions,
): _Listener {
  const { hostname, port, websocket } = options;
  const server = bun.serve({
    hostname,
    port,
    fetch: handler,
    ...(websocket === undefined ? {} : { websocket }),
  });
  return {
    runtime: "bun",
    hostname,
    port: server.port,
    // Without `true`, Bun stops listening and lets the requests in flight finish.
    stop: async () => await server.stop(),
    cut: async () => await server.stop(true),
  };
}

async function _listenNode(
  handler: _Handler,
  options: _ListenOptions,
): Promise<_Listener> {
  const { hostname, port } = options;
  const { serve } = await _importSrvx();
  const server = serve({
    hostname,
    port,
    fetch: (request) => {
      const node = request.runtime?.node;
      const bindings: NodeBindings | undefined = node === undefined
        ? undefined
        : { incoming: node.req, outgoing: node.res };
      return handler(request, bindings);
    },
    manual: true,
    silent: true,
    gracefulShutdown: false,
  });
  await server.serve();
  const http = server.node?.server;
  const address = http?.address();
  return {
    runtime: "node",
    hostname,
    port: typeof address === "object" && address !== null ? address.port : port,
    stop: () => {
      const closed = server.close();
      // Node closes the idle keep-alive connections once, when it stops listening; one whose
      // response is sent later stays open until its keep-alive timeout (5 s). Closing the idle
      // ones every 50 ms while draining ends the drain with the last response instead.
      const idle = setInterval(() => {
        if (http !== undefined && "closeIdleConnections" in http) {
          http.closeIdleConnections();
        }
      }, 50);
      return closed.finally(() => clearInterval(idle));
    },
    cut: () => server.close(true),
  };
}

async function _importSrvx(): Promise<typeof import("srvx/node")> {
  try {
    return await import("srvx/node");
  } catch (error) {
    if ((error as { code?: unknown })?.code === "ERR_MODULE_NOT_FOUND") {
      throw new Error(
        "serve() on Node.js needs srvx, an optional peer dependency of @latch/latch: run `npm install srvx`",
        { cause: error },
      );
    }
    throw error;
  }
}

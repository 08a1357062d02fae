/**
 * The Bun adapter: `server.upgrade(request, { data })` hands the socket to
 * `Bun.serve`'s `websocket` handlers, which is {@linkcode websocket} (what
 * `app.websocket` gives): they find the session in `ws.data` and drive it.
 * Bun sends the `101` itself and ignores what `fetch` returns once it has
 * upgraded; the route still answers with a `Response` whose `status` is
 * `101`, so that everything in front of it sees an upgrade, as on Deno and
 * workerd.
 *
 * @module
 */

import type { BunServerWebSocket, BunWebSocketHandlers } from "../websocket.ts";
import { HttpError } from "../http_error.ts";
import { _Session } from "./_session.ts";

/** What `Bun.serve` passes `fetch` second: the server, which upgrades. */
interface _BunServer {
  upgrade(request: Request, options: { data: unknown }): boolean;
}

/** A Bun `ServerWebSocket`, as far as latch writes to it. */
interface _BunSocket extends BunServerWebSocket {
  send(data: string | ArrayBuffer | ArrayBufferView): number;
  close(code?: number, reason?: string): void;
}

const SERVE_WITH =
  "serve with Bun.serve({ fetch: app.fetch, websocket: app.websocket }), or pass the server on as fetch's second argument";

/**
 * What a route answers once Bun has upgraded: Bun ignores it, and its
 * `status` says `101` to every middleware in front (Bun's `Response` refuses
 * to be made with a 101).
 */
class _Upgraded extends Response {
  constructor() {
    super(null);
    Object.defineProperties(this, {
      status: { value: 101 },
      statusText: { value: "Switching Protocols" },
      ok: { value: false },
    });
  }
}

/** Upgrades `request` through the Bun server `env`; `session` is found again in `ws.data`. */
export function _upgradeBun(env: unknown, request: Request, session: _Session): Response {
  const server = env as Partial<_BunServer> | null | undefined;
  if (typeof server?.upgrade !== "function") {
    throw new HttpError(
      500,
      `A WebSocket route on Bun needs the server Bun.serve passes to fetch, which ctx.env is not: ${SERVE_WITH}`,
      { expose: true },
    );
  }
  let upgraded: boolean;
  try {
    upgraded = server.upgrade(request, { data: session });
  } catch (error) {
    // Bun's own words: "To enable websocket support, set the "websocket" object in Bun.serve({})".
    if (!(error instanceof TypeError) || !/websocket/i.test(error.message)) throw error;
    throw new HttpError(
      500,
      `Bun.serve() was started without the websocket option, so it cannot upgrade: ${SERVE_WITH}`,
      { expose: true, cause: error },
    );
  }
  if (!upgraded) {
    throw new HttpError(
      500,
      "Bun could not upgrade this request: only a request Bun.serve received can be upgraded, once",
      { expose: true },
    );
  }
  return new _Upgraded();
}

/** The session an `app.ws()` route put in `ws.data`, else `undefined`. */
function _sessionOf(ws: BunServerWebSocket): _Session | undefined {
  const data = ws.data;
  return data instanceof _Session ? data : undefined;
}

/**
 * The `websocket` option of `Bun.serve` for every app: `app.websocket` is
 * this object. Frozen, because it is shared; to set Bun's socket options,
 * spread it: `websocket: { ...app.websocket, idleTimeout: 60 }`.
 *
 * @example
 * ```ts
 * import { App } from "@latch/latch";
 * import { websocket } from "@latch/latch/ws";
 * import assert from "node:assert/strict";
 *
 * const app = new App().ws("/echo", { message: (ws, data) => void ws.send(data) });
 * assert.equal(app.websocket, websocket);
 * // Bun.serve({ fetch: app.fetch, websocket: { ...websocket, idleTimeout: 60 } });
 * ```
 */
export const websocket: BunWebSocketHandlers = Object.freeze({
  open(ws: BunServerWebSocket): void {
    const session = _sessionOf(ws);
    const socket = ws as _BunSocket;
    if (session === undefined) {
      console.error(
        "latch: app.websocket was handed a socket that no app.ws() route upgraded: give " +
          "Bun.serve your own websocket handlers for your own server.upgrade() calls",
      );
      return socket.close(1011, "Internal Error");
    }
    session.opened({
      // Bun answers 0 for a frame it dropped, -1 for one queued behind backpressure.
      send: (data) => socket.send(data) !== 0,
      close: (code, reason) => socket.close(code, reason),
    });
  },
  message(ws: BunServerWebSocket, message: string | Uint8Array): void {
    _sessionOf(ws)?.received(
      typeof message === "string"
        ? message
        : new Uint8Array(message.buffer, message.byteOffset, message.byteLength),
    );
  },
  close(ws: BunServerWebSocket, code: number, reason: string): void {
    const session = _sessionOf(ws);
    // Bun calls this inside ws.close(): deferred, a handler that closes is not re-entered.
    if (session !== undefined) queueMicrotask(() => session.closed(code, reason));
  },
});

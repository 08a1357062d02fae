/**
 * What an `app.ws()` route does with each request: check the handshake
 * (`426` or `400` for one that is not a valid WebSocket upgrade), then
 * upgrade with whatever the runtime offers: `Deno.upgradeWebSocket` on Deno,
 * the Bun server's `upgrade()` on Bun, a `WebSocketPair` on workerd. Every
 * runtime answers with a `Response` whose `status` is `101`; a runtime that
 * offers none of these (Node.js) gets a `501` that says so.
 *
 * @module
 */

import type { Logger } from "../app_options.ts";
import type { Context } from "../context.ts";
import type { WebSocketHandlers } from "../websocket.ts";
import { HttpError } from "../http_error.ts";
import { _checkHandshake } from "./_handshake.ts";
import { _Session } from "./_session.ts";
import { _deno, _upgradeDeno } from "./_deno.ts";
import { _upgradeBun } from "./_bun.ts";
import { _upgradeWorkerd, _webSocketPair } from "./_workerd.ts";

/** The handlers `app.ws()` takes, each optional. */
const NAMES: ReadonlySet<string> = new Set(["open", "message", "close", "error"]);

/**
 * Answers a request to a WebSocket route: `request` is the one routed (its
 * headers are checked), `received` the one the server received (the one a
 * runtime can upgrade; the same unless a middleware handed on another).
 */
export type _WebSocketRoute = (request: Request, received: Request, ctx: Context) => Response;

/** Checks `handlers` now, so a mistake throws at the `app.ws()` that made it. */
function _checkHandlers(handlers: unknown, route: string): asserts handlers is WebSocketHandlers {
  if (typeof handlers !== "object" || handlers === null) {
    throw new TypeError(
      `app.ws() takes the handlers { open, message, close, error } for ${route}, got ${
        handlers === null ? "null" : typeof handlers
      }`,
    );
  }
  for (const [name, handler] of Object.entries(handlers)) {
    if (!NAMES.has(name)) {
      throw new TypeError(
        `app.ws() handlers are open, message, close and error, but ${route} has ${
          JSON.stringify(name)
        }: rename it or remove it`,
      );
    }
    if (handler !== undefined && typeof handler !== "function") {
      throw new TypeError(
        `The ${name} handler of ${route} must be a function, got ${
          handler === null ? "null" : typeof handler
        }`,
      );
    }
  }
}

/** Makes the handler of a WebSocket route; `route` names it in messages. */
export function _webSocketRoute(handlers: unknown, logger: Logger, route: string): _WebSocketRoute {
  _checkHandlers(handlers, route);
  return (request, received, ctx) => {
    _checkHandshake(request);
    const session = new _Session(handlers, ctx, logger, request);
    const deno = _deno();
    if (deno !== undefined) return _upgradeDeno(deno, received, session);
    if ("Bun" in globalThis) return _upgradeBun(ctx.env, received, session);
    const pair = _webSocketPair();
    if (pair !== undefined) return _upgradeWorkerd(pair, session);
    throw new HttpError(
      501,
      "WebSocket routes run on Deno, Bun and workerd: this runtime has neither " +
        "Deno.upgradeWebSocket, nor a Bun server, nor WebSocketPair (on Node.js, srvx does " +
        "not upgrade requests)",
      { expose: true },
    );
  };
}

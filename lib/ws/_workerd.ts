/**
 * The workerd (Cloudflare Workers) adapter: a `WebSocketPair`, whose server
 * end the session drives once `accept()`ed and whose client end goes back in
 * a `101` response, as `new Response(null, { status: 101, webSocket })`.
 *
 * @module
 */

import type { _Session } from "./_session.ts";
import { _listen, _standardNative, type _StandardSocket } from "./_standard_socket.ts";

/** workerd's server end of a pair: a standard socket that must be accepted. */
interface _WorkerdSocket extends _StandardSocket {
  accept(): void;
}

/** workerd's `WebSocketPair` constructor. */
export type _WebSocketPair = new () => { 0: _WorkerdSocket; 1: _WorkerdSocket };

/** `WebSocketPair` when the runtime has it (workerd), else `undefined`. */
export function _webSocketPair(): _WebSocketPair | undefined {
  const pair = (globalThis as { WebSocketPair?: unknown }).WebSocketPair;
  return typeof pair === "function" ? pair as _WebSocketPair : undefined;
}

/**
 * workerd's error for a socket written from another request's handler, with
 * what to do about it: a room must live in a Durable Object.
 */
function _crossRequestHint(error: unknown): unknown {
  // Not always an Error instance (it may be a DOMException): read its message as it comes.
  const message = (error as { message?: unknown } | null)?.message;
  if (typeof message !== "string" || !message.includes("different request")) return error;
  return new Error(
    "On workerd, a WebSocket can only be written to while handling the request that opened " +
      "it: to send to other connections (a room), serve the app.ws() route from a Durable " +
      "Object, whose fetch can be app.fetch",
    { cause: error },
  );
}

/** Opens a WebSocket on workerd, driving `session`; returns the `101` response with the client end. */
export function _upgradeWorkerd(WebSocketPair: _WebSocketPair, session: _Session): Response {
  const pair = new WebSocketPair();
  const client = pair[0];
  const server = pair[1];
  server.accept();
  _listen(server, session);
  // Accepted, the server end is open: messages sent now are delivered after the 101.
  session.opened(_standardNative(server, _crossRequestHint));
  // `webSocket` is workerd's own member of ResponseInit.
  return new Response(null, { status: 101, webSocket: client } as ResponseInit);
}

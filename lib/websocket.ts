/**
 * The shapes of `app.ws()`: the handlers a WebSocket route is given, the
 * connection they receive, and the object `app.websocket` hands to
 * `Bun.serve`. Types only: `App` and `@latch/latch/ws` both import them,
 * and this file imports nothing but types.
 *
 * @module
 */

import type { AppTypes, Context } from "./context.ts";

/**
 * One WebSocket connection, as a handler of `app.ws()` sees it: the same on
 * Deno, Bun and workerd.
 *
 * @example Echo, and close on a word
 * ```ts
 * import type { WebSocketConnection } from "@latch/latch";
 *
 * function echo(ws: WebSocketConnection, data: string | Uint8Array) {
 *   if (data === "bye") ws.close(1000, "Goodbye");
 *   else if (ws.readyState === WebSocket.OPEN) ws.send(data);
 * }
 * ```
 */
export interface WebSocketConnection {
  /**
   * `0` connecting, `1` open, `2` closing (a close was sent or is under
   * way), `3` closed: the values of `WebSocket.CONNECTING` … `WebSocket.CLOSED`.
   * Handlers only ever see an open connection or a later state.
   */
  readonly readyState: 0 | 1 | 2 | 3;
  /**
   * Sends one message: a string as a text frame, bytes as a binary frame.
   * Returns `false`, sending nothing, once the connection is closing or
   * closed (a peer that left cannot be written to), else `true`.
   * Throws a `TypeError` for anything else than a string, an `ArrayBuffer`
   * or a typed array or `DataView` (`JSON.stringify` an object first).
   */
  send(data: string | ArrayBuffer | ArrayBufferView): boolean;
  /**
   * Starts the closing handshake with `code` (default `1000`, a normal
   * closure) and `reason` (default empty). Later calls do nothing.
   * Throws a `RangeError` for a code RFC 6455 §7.4 does not allow in a close
   * frame (allowed: 1000–1003, 1007–1014, 3000–4999) or a reason over 123
   * bytes of UTF-8.
   */
  close(code?: number, reason?: string): void;
}

/**
 * What `app.ws(path, handlers)` calls for each connection, each with the
 * request's `ctx` (its `params`, the `state` your middleware filled, `env`).
 * Every handler is optional and may be `async`.
 *
 * A handler that throws or rejects closes the connection with `1011`
 * (internal error): `error` hears of it first when there is one, else the
 * app's `logger` reports it, once. Messages are handed over as they arrive,
 * without waiting for the promise of an earlier handler.
 *
 * @typeParam Params The route's params, worked out from its path.
 * @typeParam T What the app declared `ctx.state` and `ctx.env` to hold.
 *
 * @example A chat room
 * ```ts
 * import type { WebSocketConnection, WebSocketHandlers } from "@latch/latch";
 *
 * const room = new Set<WebSocketConnection>();
 * const chat: WebSocketHandlers<{ room: string }> = {
 *   open(ws) {
 *     room.add(ws);
 *   },
 *   message(_ws, data, ctx) {
 *     for (const peer of room) peer.send(`${ctx.params.room}: ${String(data)}`);
 *   },
 *   close(ws) {
 *     room.delete(ws);
 *   },
 * };
 * ```
 */
export interface WebSocketHandlers<
  Params = Record<string, string>,
  T extends AppTypes = AppTypes,
> {
  /** Called once the connection is open, before any `message`. */
  open?(ws: WebSocketConnection, ctx: Context<Params, T>): void | Promise<void>;
  /**
   * Called for each message: a text frame as a `string`, a binary frame as a
   * `Uint8Array`. Messages that arrive after this side started closing are
   * not delivered.
   */
  message?(
    ws: WebSocketConnection,
    data: string | Uint8Array,
    ctx: Context<Params, T>,
  ): void | Promise<void>;
  /**
   * Called once when the connection has closed, whichever side closed it,
   * with the code and reason of the side that closed first (`1006`, and an
   * empty reason, when the connection was lost without a closing handshake).
   */
  close?(
    ws: WebSocketConnection,
    code: number,
    reason: string,
    ctx: Context<Params, T>,
  ): void | Promise<void>;
  /**
   * Called with what another handler threw (before the connection closes
   * with `1011`), or with the error of a failing connection. Without it,
   * what a handler throws goes to the app's `logger`.
   */
  error?(ws: WebSocketConnection, error: unknown, ctx: Context<Params, T>): void | Promise<void>;
}

/**
 * The WebSocket side of a `Bun.serve` socket, as far as latch needs it:
 * `data` holds what latch handed `server.upgrade()`.
 *
 * @example
 * ```ts
 * import type { BunServerWebSocket } from "@latch/latch";
 *
 * const opened = (ws: BunServerWebSocket) => console.log("upgraded with", ws.data);
 * ```
 */
export interface BunServerWebSocket {
  /** What `server.upgrade(request, { data })` was given. */
  readonly data: unknown;
}

/**
 * The `websocket` option of `Bun.serve`, as `app.websocket` gives it: Bun
 * calls these for every socket an `app.ws()` route upgraded, and latch hands
 * each event to that route's handlers. The same object serves every app.
 *
 * @example
 * ```ts
 * import { App, type BunWebSocketHandlers } from "@latch/latch";
 * import assert from "node:assert/strict";
 *
 * const app = new App().ws("/echo", { message: (ws, data) => void ws.send(data) });
 * const websocket: BunWebSocketHandlers = app.websocket;
 * assert.equal(typeof websocket.message, "function");
 * // Bun.serve({ fetch: app.fetch, websocket: app.websocket });
 * ```
 */
export interface BunWebSocketHandlers {
  /** Bun calls it once a socket is upgraded. */
  open(ws: BunServerWebSocket): void;
  /** Bun calls it for each message: a `string`, or a `Buffer` for a binary frame. */
  message(ws: BunServerWebSocket, message: string | Uint8Array): void;
  /** Bun calls it once the socket has closed. */
  close(ws: BunServerWebSocket, code: number, reason: string): void;
}

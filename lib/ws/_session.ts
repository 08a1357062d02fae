/**
 * One WebSocket connection's life, the same on every runtime: the
 * `WebSocketConnection` the handlers are given, the state it is in, and the
 * handlers called as a runtime adapter reports the socket's events. A
 * handler that throws or rejects closes the connection with `1011` and is
 * reported once: to the route's `error` handler when it has one, else to the
 * app's logger.
 *
 * @module
 */

import type { Logger } from "../app_options.ts";
import type { Context } from "../context.ts";
import type { WebSocketConnection, WebSocketHandlers } from "../websocket.ts";

/** What a runtime adapter hands a session: the native socket's two writes. */
export interface _Native {
  /** Sends one frame; `false` when the runtime dropped it (the peer just left). */
  send(data: string | ArrayBuffer | ArrayBufferView): boolean;
  close(code: number, reason: string): void;
}

/** The names of the handlers, as the logs name them. */
type _HandlerName = keyof WebSocketHandlers;

/** A handler as the session calls it: the connection first, the context last. */
type _AnyHandler = (ws: WebSocketConnection, ...rest: unknown[]) => unknown;

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;

const LONE_SURROGATE = /\p{Cs}/u;

/** What `ws.close()` may send: RFC 6455 §7.4.1's codes for a close frame, and 3000–4999. */
function _isSendableCode(code: number): boolean {
  return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) ||
    (code >= 3000 && code <= 4999);
}

/** The connection of one upgraded request. */
export class _Session implements WebSocketConnection {
  #state: 0 | 1 | 2 | 3 = CONNECTING;
  #native: _Native | undefined;
  /** The close this side started: what `close` reports, as a runtime may not echo it back. */
  #closing: { readonly code: number; readonly reason: string } | undefined;
  readonly #handlers: WebSocketHandlers;
  readonly #ctx: Context;
  readonly #logger: Logger;
  /** `GET /chat/1`, built only when something is reported. */
  readonly #method: string;
  readonly #url: string;

  constructor(handlers: WebSocketHandlers, ctx: Context, logger: Logger, request: Request) {
    this.#handlers = handlers;
    this.#ctx = ctx;
    this.#logger = logger;
    this.#method = request.method;
    this.#url = request.url;
  }

  get readyState(): 0 | 1 | 2 | 3 {
    return this.#state;
  }

  send(data: string | ArrayBuffer | ArrayBufferView): boolean {
    if (typeof data !== "string" && !(data instanceof ArrayBuffer) && !ArrayBuffer.isView(data)) {
      throw new TypeError(
        `ws.send() takes a string, an ArrayBuffer or a typed array, got ${_kind(data)}: ` +
          `send JSON.stringify(value) for an object`,
      );
    }
    const native = this.#native;
    if (this.#state !== OPEN || native === undefined) return false;
    return native.send(data);
  }

  close(code: number = 1000, reason: string = ""): void {
    if (!Number.isInteger(code) || !_isSendableCode(code)) {
      throw new RangeError(
        `ws.close() takes a code RFC 6455 allows in a close frame, 1000-1003 or 1007-1014, ` +
          `or 3000-4999 for your own, got ${String(code)}: use 1000 for a normal closure`,
      );
    }
    // With the u flag a surrogate pair reads as one code point: \p{Cs} finds only a lone one.
    if (typeof reason !== "string" || LONE_SURROGATE.test(reason)) {
      throw new TypeError(
        `ws.close() takes a reason that is a well-formed string, got ${_kind(reason)}`,
      );
    }
    const bytes = new TextEncoder().encode(reason).byteLength;
    if (bytes > 123) {
      throw new RangeError(
        `ws.close() takes a reason of at most 123 bytes of UTF-8, got ${bytes}: shorten it`,
      );
    }
    this.#close(code, reason);
  }

  /** The runtime opened the socket: `native` writes to it. */
  opened(native: _Native): void {
    this.#native = native;
    const closing = this.#closing;
    // Closed before it opened: nothing hands the connection out before, but a close is never lost.
    if (closing !== undefined) return this.#nativeClose(closing.code, closing.reason);
    this.#state = OPEN;
    this.#call("open");
  }

  /** A message arrived: a string for a text frame, bytes for a binary one. */
  received(data: string | Uint8Array): void {
    // Once this side started closing, it wants no more: Deno and Bun stop delivering too.
    if (this.#state !== OPEN) return;
    this.#call("message", data);
  }

  /** The socket closed with the `code` and `reason` the runtime reports. */
  closed(code: number, reason: string): void {
    if (this.#state === CLOSED) return;
    this.#state = CLOSED;
    const closing = this.#closing;
    if (closing !== undefined) return this.#call("close", closing.code, closing.reason);
    // Anything but a code a close frame carries means the connection was lost without one; and
    // 1006 is never sent in a frame, so a reason with it is the runtime's own words (workerd's).
    const known = Number.isInteger(code) && code >= 1000 && code <= 4999 && code !== 1006;
    this.#call("close", known ? code : 1006, known ? reason : "");
  }

  /** The runtime reported an error on the socket; a close follows. */
  failed(error: unknown): void {
    if (this.#state === CLOSED || this.#handlers.error === undefined) return;
    this.#call("error", error);
  }

  /** Calls the handler `name` with this connection, `args` and the context; what it throws is handled. */
  #call(name: _HandlerName, ...args: unknown[]): void {
    const handler = this.#handlers[name] as _AnyHandler | undefined;
    if (handler === undefined) return;
    try {
      const result: unknown = handler.call(this.#handlers, this, ...args, this.#ctx);
      if (_isThenable(result)) {
        Promise.resolve(result).catch((error: unknown) => this.#threw(name, error));
      }
    } catch (error) {
      this.#threw(name, error);
    }
  }

  /** A handler threw: `error` hears of it, else the logger; the connection closes with 1011. */
  #threw(name: _HandlerName, error: unknown): void {
    const open = this.#state <= OPEN;
    if (name !== "error" && this.#handlers.error !== undefined) this.#call("error", error);
    else this.#report(`the ${name} handler threw${open ? ", closing with 1011" : ""}`, error);
    this.#close(1011, "Internal Error");
  }

  #close(code: number, reason: string): void {
    if (this.#state >= CLOSING) return;
    this.#state = CLOSING;
    this.#closing = { code, reason };
    this.#nativeClose(code, reason);
  }

  #nativeClose(code: number, reason: string): void {
    try {
      this.#native?.close(code, reason);
    } catch {
      // Already closed by the peer (workerd throws): the close event is on its way.
    }
  }

  /** Reports to the logger and swallows what it does wrong, as the app's own reports do. */
  #report(what: string, error: unknown): void {
    let path = this.#url;
    try {
      path = new URL(this.#url).pathname;
    } catch {
      // Request.url is always absolute; keep it whole if not.
    }
    try {
      const result: unknown = this.#logger.error(
        `latch: WebSocket ${this.#method} ${path}: ${what}`,
        error,
      );
      if (_isThenable(result)) Promise.resolve(result).catch(() => {});
    } catch {
      // A logger that throws has nobody to report to.
    }
  }
}

function _isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as { then?: unknown } | null | undefined)?.then === "function";
}

/** A value as a message names it. */
function _kind(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "object") return value.constructor?.name ?? "an object";
  return typeof value === "string" ? JSON.stringify(value) : `${typeof value} ${String(value)}`;
}

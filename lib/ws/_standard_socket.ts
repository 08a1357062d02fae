/**
 * What Deno's and workerd's server sockets share: the standard `WebSocket`
 * events. `_listen` hands them to a session, binary frames as `Uint8Array`.
 *
 * @module
 */

import type { _Native, _Session } from "./_session.ts";

/** The part of a standard `WebSocket` the adapters use. */
export interface _StandardSocket {
  binaryType: string;
  readonly readyState: number;
  send(data: string | ArrayBuffer | ArrayBufferView): void;
  close(code?: number, reason?: string): void;
  addEventListener(type: string, listener: (event: Event) => void): void;
}

/**
 * `socket` as a session writes to it. A send that throws because the peer
 * has just closed (the close event is still on its way) sends nothing and
 * says so; anything else it throws is the caller's to hear, through `hint`.
 */
export function _standardNative(
  socket: _StandardSocket,
  hint: (error: unknown) => unknown = (error) => error,
): _Native {
  return {
    send: (data) => {
      try {
        socket.send(data);
        return true;
      } catch (error) {
        let open = true;
        try {
          open = socket.readyState === 1;
        } catch {
          // workerd refuses even this read from another request's handler: keep its error.
        }
        if (!open) return false;
        throw hint(error);
      }
    },
    close: (code, reason) => socket.close(code, reason),
  };
}

/**
 * Hands `socket`'s events to `session`; `onOpen` runs when it opens (at
 * once on workerd, which opens on `accept()`).
 */
export function _listen(socket: _StandardSocket, session: _Session, onOpen?: () => void): void {
  socket.binaryType = "arraybuffer";
  if (onOpen !== undefined) socket.addEventListener("open", onOpen);
  socket.addEventListener("message", (event) => {
    const data = (event as MessageEvent).data as unknown;
    session.received(typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer));
  });
  socket.addEventListener("close", (event) => {
    const { code, reason } = event as CloseEvent;
    session.closed(code, reason);
  });
  socket.addEventListener("error", (event) => {
    const { error, message } = event as ErrorEvent;
    session.failed(error ?? new Error(message || "The WebSocket connection failed"));
  });
}

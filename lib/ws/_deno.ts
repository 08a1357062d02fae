/**
 * The Deno adapter: `Deno.upgradeWebSocket` turns the request `Deno.serve`
 * received into a standard `WebSocket` and the `101` response that completes
 * the handshake; the socket's events drive the session.
 *
 * @module
 */

import type { _Session } from "./_session.ts";
import { _listen, _standardNative, type _StandardSocket } from "./_standard_socket.ts";

/** The part of the `Deno` namespace this adapter uses. */
export interface _DenoLike {
  upgradeWebSocket(request: Request): { socket: _StandardSocket; response: Response };
}

/** The `Deno` namespace when it can upgrade, else `undefined`. */
export function _deno(): _DenoLike | undefined {
  const deno = (globalThis as { Deno?: Partial<_DenoLike> }).Deno;
  return typeof deno?.upgradeWebSocket === "function" ? deno as _DenoLike : undefined;
}

/** Upgrades `request` on Deno, driving `session`; returns Deno's `101` response. */
export function _upgradeDeno(deno: _DenoLike, request: Request, session: _Session): Response {
  const { socket, response } = deno.upgradeWebSocket(request);
  // Deno's server socket opens once the 101 is written.
  _listen(socket, session, () => session.opened(_standardNative(socket)));
  return response;
}

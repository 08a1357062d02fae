/**
 * The server's checks of a WebSocket opening handshake (RFC 6455 §4.2.1),
 * made before any runtime is asked to upgrade, so that every runtime answers
 * a bad handshake alike: `426 Upgrade Required` with `Upgrade: websocket`
 * for a request that is not an upgrade (RFC 9110 §15.5.22) or asks for
 * another version than 13, `400` for a malformed one.
 *
 * @module
 */

import { HttpError } from "../http_error.ts";

/** A `Sec-WebSocket-Key`: 16 bytes in base64 (RFC 6455 §4.1). */
const KEY = /^[+/0-9A-Za-z]{22}==$/;

/** What a 426 carries: the protocol to upgrade to, named again in `Connection` (RFC 9110 §7.8). */
const UPGRADE = { upgrade: "websocket", connection: "Upgrade" } as const;

/** Whether the comma-separated `header` holds `token`, compared without case. */
function _hasToken(header: string | null, token: string): boolean {
  if (header === null) return false;
  for (const part of header.split(",")) {
    if (part.trim().toLowerCase() === token) return true;
  }
  return false;
}

/** Throws the `HttpError` a request that is not a valid WebSocket handshake is answered with. */
export function _checkHandshake(request: Request): void {
  const headers = request.headers;
  if (request.method !== "GET" || !_hasToken(headers.get("upgrade"), "websocket")) {
    throw new HttpError(
      426,
      "This is a WebSocket endpoint: connect with a WebSocket client (a GET with Upgrade: websocket)",
      { headers: UPGRADE },
    );
  }
  if (headers.get("sec-websocket-version")?.trim() !== "13") {
    throw new HttpError(426, "This server speaks WebSocket version 13 (RFC 6455) only", {
      headers: { ...UPGRADE, "sec-websocket-version": "13" },
    });
  }
  if (!_hasToken(headers.get("connection"), "upgrade")) {
    throw new HttpError(400, "A WebSocket handshake needs Connection: Upgrade");
  }
  if (!KEY.test(headers.get("sec-websocket-key")?.trim() ?? "")) {
    throw new HttpError(
      400,
      "A WebSocket handshake needs a Sec-WebSocket-Key of 16 bytes in base64",
    );
  }
}

/**
 * WebSockets (RFC 6455) for `app.ws()` routes, on Deno, Bun and workerd:
 * the runtime adapters behind `app.ws()`, the `websocket` handlers that
 * `Bun.serve` needs (also `app.websocket`), and the types of a route's
 * handlers and of the connection they are given.
 *
 * A WebSocket route is a `GET` route: your middleware run before the
 * upgrade (one that answers `401` stops it; what it puts on `ctx.state`
 * reaches the handlers), and a request that is not an upgrade gets
 * `426 Upgrade Required` with `Upgrade: websocket`. Each runtime upgrades
 * its own way: `Deno.upgradeWebSocket` on Deno; on Bun the server's
 * `upgrade()`, which needs `Bun.serve({ fetch: app.fetch, websocket:
 * app.websocket })` (without the `websocket` option the route answers a
 * `500` that says so); a `WebSocketPair` on workerd. Node.js has none of
 * these in a fetch handler: a WebSocket route answers `501` there.
 *
 * Whatever the runtime, the route answers with a `Response` whose `status`
 * is `101`, and latch's own middleware and error handling pass it through
 * untouched.
 *
 * @example Echo on Deno or Bun
 * ```ts
 * import { App } from "@latch/latch";
 * import assert from "node:assert/strict";
 *
 * const app = new App().ws("/echo/:name", {
 *   open(ws, ctx) {
 *     ws.send(`Hello, ${ctx.params.name}`);
 *   },
 *   message(ws, data) {
 *     ws.send(data);
 *   },
 *   close(_ws, code, reason) {
 *     console.log("closed", code, reason);
 *   },
 * });
 *
 * // Deno.serve(app.fetch);
 * // Bun.serve({ fetch: app.fetch, websocket: app.websocket });
 * // export default app; (workerd)
 * const response = await app.request("/echo/ada");
 * assert.equal(response.status, 426);
 * assert.equal(response.headers.get("upgrade"), "websocket");
 * ```
 *
 * @module
 */

export { websocket } from "./_bun.ts";
export type {
  BunServerWebSocket,
  BunWebSocketHandlers,
  WebSocketConnection,
  WebSocketHandlers,
} from "../websocket.ts";

/**
 * The WebSocket test app as a module Worker, for tests/ws_workerd_test.ts.
 * On workerd a WebSocket can only be written to from the request that opened
 * it, so a room (one connection writing to the others) lives in a Durable
 * Object: requests under `/do/` go to the one `WsRooms` object, whose fetch
 * is another copy of the test app, mounted at `/do`. Everything else is
 * served by the Worker itself.
 *
 * @module
 */

import { App } from "../mod.ts";
import { createWsTestApp } from "./_ws_app.ts";

/** What workerd binds in `env`: the namespace of {@linkcode WsRooms}. */
interface Env {
  ROOMS: {
    idFromName(name: string): unknown;
    get(id: unknown): { fetch(request: Request): Promise<Response> };
  };
}

const rooms = new App().mount("/do", createWsTestApp());

/** The Durable Object that serves `/do/…`: its connections may write to one another. */
export class WsRooms {
  fetch(request: Request): Response | Promise<Response> {
    return rooms.fetch(request);
  }
}

const app = createWsTestApp();

/** workerd calls its `fetch`; app.ws() routes upgrade through a `WebSocketPair`. */
export default {
  fetch(
    request: Request,
    env: Env,
    executionContext: { waitUntil(promise: Promise<unknown>): void },
  ) {
    if (new URL(request.url).pathname.startsWith("/do/")) {
      return env.ROOMS.get(env.ROOMS.idFromName("rooms")).fetch(request);
    }
    return app.fetch(request, env, executionContext);
  },
};

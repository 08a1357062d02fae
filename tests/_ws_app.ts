/**
 * The app the WebSocket suites serve, on Deno, Bun and workerd alike (it is
 * bundled into a Worker too, so it uses nothing but latch): the same routes
 * twice, under `/plain` with no middleware but a rewrite and an auth check,
 * and under `/stack` behind every built-in middleware. What the handlers saw
 * (opens, messages, closes, errors) and what the app logged is answered by
 * `GET /events/:id`, so a suite reads it over HTTP on every runtime.
 *
 * @module
 */

import { App, HttpError, type WebSocketConnection } from "../mod.ts";
import {
  bodyLimit,
  compress,
  cors,
  etag,
  logger,
  requestId,
  secureHeaders,
  serverTiming,
  timeout,
} from "../lib/middleware/mod.ts";

/** What `GET /events/:id` answers for one test's id. */
export interface WsEvents {
  /** What the handlers of the connections named `id` saw, in order. */
  readonly events: unknown[];
  /** The app's logger reports that name `id`. */
  readonly logged: string[];
  /** The lines the `logger()` middleware wrote for `id` (under `/stack`). */
  readonly requests: string[];
}

/** The state the auth middleware fills. */
interface State {
  user: string;
}

/** Makes the test app: `/plain/…` and `/stack/…` routes, and `/events/:id`. */
export function createWsTestApp(): App {
  const events = new Map<string, unknown[]>();
  const logged: string[] = [];
  const requests: string[] = [];
  const record = (id: string, entry: unknown) => {
    const list = events.get(id) ?? [];
    events.set(id, list);
    list.push(entry);
  };
  const log = {
    error(message: string, error?: unknown) {
      logged.push(`${message} ${error instanceof Error ? error.message : String(error)}`);
    },
  };

  const stacked = new App<{ state: State }>({ logger: log }).use(
    cors(),
    logger({ write: (line) => requests.push(line), build: false }),
    timeout(10_000),
    compress({ threshold: 0 }),
    secureHeaders(),
    requestId(),
    serverTiming(),
    etag(),
    bodyLimit(1024),
  );
  const root = new App({ logger: log })
    .get("/events/:id", (_request, ctx) => {
      const id = ctx.params.id;
      const body: WsEvents = {
        events: events.get(id) ?? [],
        logged: logged.filter((line) => line.includes(id)),
        requests: requests.filter((line) => line.includes(id)),
      };
      return Response.json(body);
    })
    .mount("/plain", routes(new App<{ state: State }>({ logger: log }), record))
    .mount("/stack", routes(stacked, record));
  return root;
}

/** The WebSocket routes, with a rewrite and an auth check in front. */
function routes(app: App<{ state: State }>, record: (id: string, entry: unknown) => void) {
  const rooms = new Map<string, Set<WebSocketConnection>>();
  // A rewrite: /en/… is routed as /…, with a new Request (the server's own is the one upgraded).
  app.use((next) => (request, ctx) => {
    const url = new URL(request.url);
    const at = url.pathname.indexOf("/en/");
    if (at === -1) return next(request, ctx);
    url.pathname = url.pathname.slice(0, at) + url.pathname.slice(at + 3);
    return next(new Request(url, { method: request.method, headers: request.headers }), ctx);
  });
  app.use((next) => (request, ctx) => {
    const url = new URL(request.url);
    const query = url.searchParams;
    // The request's own path: ctx.path follows a rewrite only once the router has it.
    if (url.pathname.includes("/private/") && query.get("token") !== "secret") {
      throw new HttpError(401, "Send ?token=");
    }
    ctx.state.user = query.get("user") ?? "anonymous";
    return next(request, ctx);
  });

  const echo = {
    open(ws: WebSocketConnection, ctx: { params: { id: string }; state: State }) {
      record(ctx.params.id, { open: ctx.params.id, user: ctx.state.user, state: ws.readyState });
    },
    message(ws: WebSocketConnection, data: string | Uint8Array, ctx: { params: { id: string } }) {
      const kind = typeof data === "string" ? "string" : data.constructor.name;
      const size = typeof data === "string" ? data.length : data.byteLength;
      record(ctx.params.id, { message: kind, size });
      ws.send(data);
    },
    close(_ws: WebSocketConnection, code: number, reason: string, ctx: { params: { id: string } }) {
      record(ctx.params.id, { close: code, reason });
    },
  };
  app.ws("/echo/:id", echo);
  app.ws("/private/:id", echo);

  app.ws("/room/:id", {
    open(ws, ctx) {
      const room = rooms.get(ctx.params.id) ?? new Set();
      rooms.set(ctx.params.id, room.add(ws));
      ws.send(`joined ${room.size}`);
    },
    message(_ws, data, ctx) {
      for (const peer of rooms.get(ctx.params.id) ?? []) peer.send(data);
    },
    close(ws, _code, _reason, ctx) {
      rooms.get(ctx.params.id)?.delete(ws);
    },
  });

  app.ws("/close/:id", {
    message(ws, data, ctx) {
      const [code, ...words] = String(data).split(" ");
      ws.close(Number(code), words.join(" "));
      record(ctx.params.id, { afterClose: ws.readyState, sent: ws.send("too late") });
    },
    close(_ws, code, reason, ctx) {
      record(ctx.params.id, { close: code, reason });
    },
  });

  app.ws("/throw/:id", {
    open(_ws, ctx) {
      if (ctx.params.id.startsWith("open")) throw new Error(`open failed ${ctx.params.id}`);
    },
    message(ws, data, ctx) {
      if (data === "sync") throw new Error(`message failed ${ctx.params.id}`);
      if (data === "async") return Promise.reject(new Error(`message rejected ${ctx.params.id}`));
      ws.send(data);
    },
    close(_ws, code, reason, ctx) {
      record(ctx.params.id, { close: code, reason });
    },
  });

  app.ws("/handled/:id", {
    message(_ws, data, ctx) {
      throw new Error(`handled ${ctx.params.id} ${String(data)}`);
    },
    error(ws, error, ctx) {
      record(ctx.params.id, { error: error instanceof Error ? error.message : String(error) });
      ws.send("sorry");
    },
    close(_ws, code, reason, ctx) {
      record(ctx.params.id, { close: code, reason });
    },
  });

  app.ws("/misuse/:id", {
    open(ws, ctx) {
      const attempts: Record<string, () => unknown> = {
        code1005: () => ws.close(1005),
        code999: () => ws.close(999),
        code5000: () => ws.close(5000),
        longReason: () => ws.close(4000, "é".repeat(62)),
        loneSurrogate: () => ws.close(4000, "\uD800"),
        object: () => ws.send({ hello: "world" } as unknown as string),
      };
      const thrown: Record<string, string> = {};
      for (const [name, attempt] of Object.entries(attempts)) {
        try {
          attempt();
          thrown[name] = "nothing";
        } catch (error) {
          thrown[name] = (error as Error).name;
        }
      }
      record(ctx.params.id, { thrown, state: ws.readyState });
      ws.send("still open");
    },
  });
  return app;
}

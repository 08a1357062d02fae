/**
 * The chat example: the four web-toolkit modules in one small app. Run it
 * with `deno run -A examples/chat/server.ts` or `bun examples/chat/server.ts`
 * (it listens on `PORT` and `HOST`), then open the URL it prints.
 *
 *     POST /login          name=ada (a form) → a signed `user` cookie
 *     GET  /presence       server-sent events: who is online, as a JSON list
 *     GET  /chat/:room     a WebSocket; each message goes to the whole room
 *     GET  /*              the page and its files, from `examples/chat/public/`
 *
 * The WebSocket and the presence stream need the cookie: without a valid one
 * they answer `401` before any upgrade. Set `CHAT_SECRET` to sign cookies
 * with a secret of your own.
 *
 * @module
 */

import { env } from "node:process";
import { App, HttpError, type WebSocketConnection } from "../../mod.ts";
import { getSignedCookie, setSignedCookie } from "../../lib/cookie.ts";
import { serve } from "../../lib/serve/mod.ts";
import { sse, type SseStream } from "../../lib/sse.ts";
import { serveStatic } from "../../lib/static/mod.ts";

const secret = env.CHAT_SECRET ?? crypto.randomUUID();

/** The app's requests carry the signed-in user, once `signedIn` has checked the cookie. */
const app = new App<{ state: { user: string } }>();

/** Who is online (a user may have several sockets open), and the streams to tell. */
const online = new Map<string, number>();
const watchers = new Set<SseStream>();
const rooms = new Map<string, Set<WebSocketConnection>>();

function announce(stream?: SseStream) {
  const event = { event: "presence", data: [...online.keys()].sort() };
  for (const watcher of stream ? [stream] : watchers) void watcher.send(event);
}

/** The signed-in user, or a `401` without a valid cookie. */
const signedIn = async (request: Request): Promise<string> => {
  const user = await getSignedCookie(request.headers, "user", secret);
  if (user === undefined) throw new HttpError(401, "POST /login with a name first");
  return user;
};

app.post("/login", async (request) => {
  const name = String((await request.formData()).get("name") ?? "").trim();
  if (!/^[\w-]{1,32}$/.test(name)) {
    throw new HttpError(400, "name must be 1 to 32 letters, digits, '-' or '_'");
  }
  const response = Response.json({ name });
  const cookie = {
    name: "user",
    value: name,
    path: "/",
    httpOnly: true,
    sameSite: "Strict" as const,
  };
  await setSignedCookie(response.headers, cookie, secret);
  return response;
});

app.get("/presence", async (request) => {
  await signedIn(request);
  return sse(request, async (stream) => {
    watchers.add(stream);
    announce(stream);
    await stream.closed;
    watchers.delete(stream);
  });
});

// Middleware run before the upgrade: without a valid cookie, a 401 and no WebSocket.
app.use((next) => async (request, ctx) => {
  if (new URL(request.url).pathname.startsWith("/chat/")) ctx.state.user = await signedIn(request);
  return next(request, ctx);
});

app.ws("/chat/:room", {
  open(ws, ctx) {
    const room = rooms.get(ctx.params.room) ?? new Set();
    rooms.set(ctx.params.room, room.add(ws));
    online.set(ctx.state.user, (online.get(ctx.state.user) ?? 0) + 1);
    announce();
  },
  message(_ws, data, ctx) {
    const text = `${ctx.state.user}: ${typeof data === "string" ? data : "(binary)"}`;
    for (const peer of rooms.get(ctx.params.room) ?? []) peer.send(text);
  },
  close(ws, _code, _reason, ctx) {
    rooms.get(ctx.params.room)?.delete(ws);
    const sockets = (online.get(ctx.state.user) ?? 1) - 1;
    if (sockets === 0) online.delete(ctx.state.user);
    else online.set(ctx.state.user, sockets);
    announce();
  },
});

app.mount("/", serveStatic({ root: new URL("./public", import.meta.url).pathname }));

// `serve()` passes `app.websocket` to Bun.serve itself; Deno needs only `app.fetch`.
serve(app, {
  onListen: ({ url, runtime }) => console.log(`latch chat on ${runtime}: listening on ${url}/`),
});

/**
 * The example app: a small notes API whose store is opened once, by an async
 * middleware factory, on the first request. Served by `examples/server.ts`,
 * or as it is by `deno serve examples/app.ts` and `bun run examples/app.ts`.
 *
 * @module
 */

import { App, HttpError } from "../mod.ts";

/** A store that takes a while to open, like a database pool. */
export interface NoteStore {
  list(): { id: string; text: string }[];
  get(id: string): string | undefined;
  add(text: string): string;
  close(): void;
}

/** Opens an in-memory store after an async step, as a real driver would. */
export async function openStore(): Promise<NoteStore> {
  await new Promise((resolve) => setTimeout(resolve, 20));
  const notes = new Map<string, string>([["1", "Build once, on the first request."]]);
  let next = 2;
  return {
    list: () => [...notes].map(([id, text]) => ({ id, text })),
    get: (id) => notes.get(id),
    add: (text) => {
      const id = String(next++);
      notes.set(id, text);
      return id;
    },
    close: () => notes.clear(),
  };
}

/** Makes the app; `open` opens its store (tests pass one that counts). */
export function createApp(
  open: () => Promise<NoteStore> = openStore,
): App<{ state: { store: NoteStore } }> {
  const app = new App<{ state: { store: NoteStore } }>({ debug: false });

  app.onStartup(() => {
    const started = Date.now();
    return () => console.log(`latch example: closed after ${Date.now() - started} ms`);
  });

  app.use((next) => async (request, ctx) => {
    const started = performance.now();
    const response = await next(request, ctx);
    // A copy, since some responses (Response.redirect(), fetch()'s) have immutable headers.
    const timed = new Response(response.body, response);
    timed.headers.set("server-timing", `app;dur=${(performance.now() - started).toFixed(2)}`);
    return timed;
  });

  // The case latch exists for: async set-up, once per build, closed by app.close().
  app.use(async (next, build) => {
    const store = await open();
    build.defer(() => store.close());
    return (request, ctx) => {
      ctx.state.store = store;
      return next(request, ctx);
    };
  });

  app.get("/", () =>
    Response.json({
      name: "latch example",
      routes: ["GET /notes", "GET /notes/:id", "POST /notes"],
    }));

  app.get("/notes", (_request, ctx) => Response.json(ctx.state.store.list()));

  app.get("/notes/:id", (_request, ctx) => {
    const text = ctx.state.store.get(ctx.params.id);
    if (text === undefined) throw new HttpError(404, `No note ${ctx.params.id}`);
    return Response.json({ id: ctx.params.id, text });
  });

  app.post("/notes", async (request, ctx) => {
    const body = await request.json().catch(() => undefined) as { text?: unknown } | undefined;
    if (typeof body?.text !== "string" || body.text === "") {
      throw new HttpError(400, 'Send JSON like {"text": "…"}');
    }
    const id = ctx.state.store.add(body.text);
    return Response.json({ id, text: body.text }, {
      status: 201,
      headers: { location: `/notes/${id}` },
    });
  });

  return app;
}

/** The app that `examples/server.ts`, `deno serve` and `bun run` serve. */
export const app: App<{ state: { store: NoteStore } }> = createApp();

export default app;

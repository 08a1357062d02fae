/**
 * The todo example: a small JSON API whose SQLite store is opened once, by an
 * async middleware factory, on the first request, and closed by `app.close()`.
 * Served by `examples/todo/server.ts` on Deno or Bun, or as it is (through the
 * default export) by `bun run examples/todo/app.ts` and
 * `deno serve --allow-env --allow-read --allow-write --host 127.0.0.1 examples/todo/app.ts`
 * (add `--parallel` for a worker per CPU, each building once). The Worker
 * variant is `examples/worker.ts`.
 *
 *     GET    /todos       every todo
 *     POST   /todos       {"title": "…", "done"?: false} → 201 + Location
 *                          (a title is one line of text, stored exactly as sent:
 *                          control characters are refused with 400)
 *     GET    /todos/:id   one todo, or 404
 *     PATCH  /todos/:id   {"title"?: "…", "done"?: true}
 *     DELETE /todos/:id   204, or 404
 *     GET    /health      which isolate answered and how often it built (once)
 *
 * @module
 */

import { env } from "node:process";
import { App, HttpError } from "../../mod.ts";
import { bodyLimit } from "../../lib/middleware/mod.ts";
import { openSqliteStore, type TodoChanges, todoDatabasePath, type TodoStore } from "./store.ts";

/** What the todo app's requests carry: the store, put there by its middleware. */
export type TodoAppTypes = { state: { store: TodoStore } };

/** Options for {@linkcode createTodoApp}. */
export interface TodoAppOptions {
  /** Opens the store, once per build. Defaults to SQLite at `database`. */
  openStore?: () => Promise<TodoStore>;
  /** The SQLite file when `openStore` is not given. Defaults to `TODO_DB`, `DATA_DIR/todo.db` or `./data/todo.db`. */
  database?: string;
}

/** The largest request body accepted, in bytes. */
export const MAX_BODY_BYTES = 16 * 1024;

/** The longest title accepted, in UTF-16 code units. */
export const MAX_TITLE_LENGTH = 200;

/**
 * What a title may not hold: control characters (C0, DEL and C1, tab and line
 * breaks included: a title is one line) and unpaired surrogates. Refused with
 * a 400 because they cannot be kept as sent: Deno's `node:sqlite` cuts a
 * string at U+0000, and SQLite stores a lone surrogate as U+FFFD.
 */
const UNSTORABLE = /\p{Cc}|\p{Cs}/u;

/** An id for this isolate (process or worker), made when first asked: a Worker may not make random numbers at start. */
let isolate: string | undefined;

/**
 * Makes the todo app.
 *
 * @param options How to open the store.
 * @returns The app; `app.close()` closes the store.
 */
export function createTodoApp(options: TodoAppOptions = {}): App<TodoAppTypes> {
  const open = options.openStore ??
    (() => openSqliteStore(options.database ?? todoDatabasePath(env)));
  const app = new App<TodoAppTypes>();
  let storeOpens = 0;

  // A todo is small: a larger body is refused with 413 before it is read whole.
  app.use(bodyLimit(MAX_BODY_BYTES));

  // The case latch exists for: async set-up, once per build, closed by app.close().
  app.use(async (next, build) => {
    const store = await open();
    storeOpens++;
    build.defer(() => store.close());
    return (request, ctx) => {
      ctx.state.store = store;
      return next(request, ctx);
    };
  });

  app.get("/", () =>
    Response.json({
      name: "latch todo example",
      routes: [
        "GET /todos",
        "POST /todos",
        "GET /todos/:id",
        "PATCH /todos/:id",
        "DELETE /todos/:id",
      ],
    }));

  app.get("/health", (_request, ctx) =>
    Response.json({
      status: "ok",
      isolate: isolate ??= crypto.randomUUID(),
      builds: ctx.app.stats.builds,
      storeOpens,
    }));

  app.get("/todos", (_request, ctx) => Response.json(ctx.state.store.list()));

  app.post("/todos", async (request, ctx) => {
    const fields = _readChanges(await _readObject(request), "create");
    const todo = ctx.state.store.create(fields.title as string, fields.done ?? false);
    return Response.json(todo, { status: 201, headers: { location: `/todos/${todo.id}` } });
  });

  app.get("/todos/:id", (_request, ctx) => {
    const id = _todoId(ctx.params.id);
    return Response.json(ctx.state.store.get(id) ?? _notFound(ctx.params.id));
  });

  app.patch("/todos/:id", async (request, ctx) => {
    const id = _todoId(ctx.params.id);
    const changes = _readChanges(await _readObject(request), "update");
    return Response.json(ctx.state.store.update(id, changes) ?? _notFound(ctx.params.id));
  });

  app.delete("/todos/:id", (_request, ctx) => {
    if (!ctx.state.store.delete(_todoId(ctx.params.id))) _notFound(ctx.params.id);
    return new Response(null, { status: 204 });
  });

  return app;
}

function _notFound(id: string): never {
  throw new HttpError(404, `No todo ${JSON.stringify(id)}`);
}

/** The id in a path, as a positive integer; anything else names no todo. */
function _todoId(param: string): number {
  if (!/^[1-9][0-9]{0,14}$/.test(param)) _notFound(param);
  return Number(param);
}

/** The request body as a JSON object, or a 400 that says what was wrong. */
async function _readObject(request: Request): Promise<Record<string, unknown>> {
  const text = await request.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, 'The body is not JSON: send an object like {"title": "Buy milk"}');
  }
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'The body must be a JSON object like {"title": "Buy milk"}');
  }
  return body as Record<string, unknown>;
}

/** Checks every field, and answers 400 naming each wrong one: nothing is written unless all are right. */
function _readChanges(body: Record<string, unknown>, action: "create" | "update"): TodoChanges {
  const problems: string[] = [];
  const changes: TodoChanges = {};
  for (const [name, value] of Object.entries(body)) {
    if (name === "title") {
      if (typeof value !== "string" || value.trim() === "" || value.length > MAX_TITLE_LENGTH) {
        problems.push(
          `"title" must be a non-empty string of at most ${MAX_TITLE_LENGTH} characters`,
        );
      } else if (UNSTORABLE.test(value)) {
        problems.push(
          `"title" must not contain control characters (U+0000 to U+001F, U+007F to U+009F, ` +
            `tab and line breaks included) or unpaired surrogates`,
        );
      } else changes.title = value;
    } else if (name === "done") {
      if (typeof value !== "boolean") problems.push(`"done" must be true or false`);
      else changes.done = value;
    } else {
      problems.push(`unknown field ${JSON.stringify(name)}: a todo has only "title" and "done"`);
    }
  }
  if (action === "create" && !("title" in body)) problems.push(`"title" is required`);
  if (action === "update" && Object.keys(body).length === 0) {
    problems.push(`send "title" or "done" to change`);
  }
  if (problems.length > 0) throw new HttpError(400, `Invalid todo: ${problems.join("; ")}`);
  return changes;
}

/** The app that `examples/todo/server.ts` serves, on SQLite at `TODO_DB`, `DATA_DIR` or `./data`. */
export const app: App<TodoAppTypes> = createTodoApp();

/**
 * What `deno serve` and `bun run` serve. `bun run` reads `hostname` and `port`
 * from it (by default Bun would listen on every interface); `deno serve` takes
 * them from `--host` and `--port` instead.
 */
export default {
  fetch: app.fetch,
  hostname: env.HOST ?? "127.0.0.1",
  port: Number(env.PORT ?? 8000),
};

/**
 * The todo example: a small JSON API whose SQLite store is opened once, by an
 * async middleware factory, on the first request, and closed by `app.close()`.
 * Its routes validate their bodies with zod schemas, which also describe them
 * in the OpenAPI document it serves. Served by `examples/todo/server.ts` on
 * Deno or Bun, or as it is (through the default export) by
 * `bun run examples/todo/app.ts` and
 * `deno serve --allow-env --allow-read --allow-write --host 127.0.0.1 examples/todo/app.ts`
 * (add `--parallel` for a worker per CPU, each building once). The Worker
 * variant is `examples/worker.ts`.
 *
 *     GET    /todos         every todo
 *     POST   /todos         {"title": "…", "done"?: false} → 201 + Location
 *                            (a title is one line of text, stored exactly as sent:
 *                            control characters are refused with 400)
 *     GET    /todos/:id     one todo, or 404
 *     PATCH  /todos/:id     {"title"?: "…", "done"?: true}
 *     DELETE /todos/:id     204, or 404
 *     GET    /health        which isolate answered and how often it built (once)
 *     GET    /openapi.json  the OpenAPI 3.1 document, made once per build
 *     GET    /docs          a page that renders it
 *
 * Send bodies as JSON with `Content-Type: application/json`: a body without a
 * Content-Type, or with one latch does not parse (such as `text/plain`), is a
 * 415. A body that is not JSON, or a wrong field, is a 400 whose problem body
 * names every wrong field.
 *
 * @module
 */

import { env } from "node:process";
import { z } from "zod";
import { App, HttpError, problemResponse, ValidationError } from "../../mod.ts";
import { openapi } from "../../lib/openapi/mod.ts";
import { openSqliteStore, todoDatabasePath, type TodoStore } from "./store.ts";

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
 * breaks included: a title is one line) and unpaired surrogates. Refused
 * because they cannot be kept as sent: Deno's `node:sqlite` cuts a string at
 * U+0000, and SQLite stores a lone surrogate as U+FFFD.
 */
const UNSTORABLE = /\p{Cc}|\p{Cs}/u;

const TITLE_RULE = `"title" must be a non-empty string of at most ${MAX_TITLE_LENGTH} characters`;

/** A title is checked, never trimmed, so it is stored exactly as sent; each message names the field. */
const Title = z
  .string({ error: (issue) => issue.input === undefined ? `"title" is required` : TITLE_RULE })
  .max(MAX_TITLE_LENGTH, TITLE_RULE)
  .regex(/\S/, TITLE_RULE)
  .refine(
    (title) => !UNSTORABLE.test(title),
    `"title" must not contain control characters (U+0000 to U+001F, U+007F to U+009F, ` +
      `tab and line breaks included) or unpaired surrogates`,
  )
  .describe("One line of text, kept as sent: no control characters or unpaired surrogates");

const Done = z.boolean({ error: `"done" must be true or false` });

/** The message for a body wrong as a whole: not an object, or with fields a todo does not have. */
function _bodyError(issue: z.core.$ZodRawIssue): string {
  if (issue.code !== "unrecognized_keys") {
    return 'The body must be a JSON object like {"title": "Buy milk"}';
  }
  const names = issue.keys.map((key) => JSON.stringify(key)).join(", ");
  return `unknown ${issue.keys.length === 1 ? "field" : "fields"} ${names}: ` +
    `a todo has only "title" and "done"`;
}

const NewTodo = z.strictObject({ title: Title, done: Done.default(false) }, { error: _bodyError });

const Changes = z
  .strictObject({ title: Title.optional(), done: Done.optional() }, { error: _bodyError })
  .refine((changes) => Object.keys(changes).length > 0, `send "title" or "done" to change`);

const Todo = z.object({ id: z.number().int().positive(), title: z.string(), done: z.boolean() });

const NOT_FOUND = { description: "No todo has that id" };

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

  app.use(openapi({
    info: { title: "latch todo example", version: "1.0.0" },
    path: "/openapi.json",
    docs: "/docs",
  }));

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

  // A body that fails its schema is a 400 naming every wrong field (latch's own answer is a 422).
  app.onError(ValidationError, (error) =>
    problemResponse(400, {
      detail: `Invalid todo: ${error.issues.map((issue) => issue.message).join("; ")}`,
      extensions: { errors: error.issues },
    }));

  app.get("/", { summary: "What this API is and its routes" }, () =>
    Response.json({
      name: "latch todo example",
      routes: [
        "GET /todos",
        "POST /todos",
        "GET /todos/:id",
        "PATCH /todos/:id",
        "DELETE /todos/:id",
        "GET /openapi.json",
        "GET /docs",
      ],
    }));

  app.get(
    "/health",
    { summary: "Which isolate answered, how often it built" },
    (_request, ctx) =>
      Response.json({
        status: "ok",
        isolate: isolate ??= crypto.randomUUID(),
        builds: ctx.app.stats.builds,
        storeOpens,
      }),
  );

  app.get("/todos", {
    summary: "List every todo",
    tags: ["todos"],
    responses: { 200: z.array(Todo) },
  }, (_request, ctx) => Response.json(ctx.state.store.list()));

  // A todo is small: a larger body is refused with 413 before it is read whole.
  app.post("/todos", {
    body: NewTodo,
    bodyLimit: MAX_BODY_BYTES,
    summary: "Create a todo",
    tags: ["todos"],
    responses: { 201: Todo },
  }, (_request, ctx) => {
    const todo = ctx.state.store.create(ctx.valid.body.title, ctx.valid.body.done);
    return Response.json(todo, { status: 201, headers: { location: `/todos/${todo.id}` } });
  });

  app.get("/todos/:id", {
    summary: "Read a todo",
    tags: ["todos"],
    responses: { 200: Todo, 404: NOT_FOUND },
  }, (_request, ctx) => {
    const id = _todoId(ctx.params.id);
    return Response.json(ctx.state.store.get(id) ?? _notFound(ctx.params.id));
  });

  app.patch("/todos/:id", {
    body: Changes,
    bodyLimit: MAX_BODY_BYTES,
    summary: "Change a todo's title or done",
    tags: ["todos"],
    responses: { 200: Todo, 404: NOT_FOUND },
  }, (_request, ctx) => {
    const id = _todoId(ctx.params.id);
    return Response.json(ctx.state.store.update(id, ctx.valid.body) ?? _notFound(ctx.params.id));
  });

  app.delete("/todos/:id", {
    summary: "Delete a todo",
    tags: ["todos"],
    responses: { 204: { description: "Deleted" }, 404: NOT_FOUND },
  }, (_request, ctx) => {
    if (!ctx.state.store.delete(_todoId(ctx.params.id))) _notFound(ctx.params.id);
    return new Response(null, { status: 204 });
  });

  return app;
}

function _notFound(id: string): never {
  throw new HttpError(404, `No todo ${JSON.stringify(id)}`);
}

/**
 * The id in a path, as a positive integer; anything else names no todo, so
 * it is a 404 like an id that is not there (a params schema would make it a 422).
 */
function _todoId(param: string): number {
  if (!/^[1-9][0-9]{0,14}$/.test(param)) _notFound(param);
  return Number(param);
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

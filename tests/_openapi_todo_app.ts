/**
 * A todo API declared with zod schemas, as the todo example will be: the app
 * whose OpenAPI document openapi_test.ts compares with the checked-in
 * `openapi_todo_expected.json` and validates against the OpenAPI 3.1 schema.
 * Its routes cover what the document must show: params, a query with a
 * default and a coercion, a header, JSON bodies, declared responses, a
 * route without options, an `all()` route and a mounted app.
 *
 * @module
 */

import { z } from "zod";
import { App } from "../mod.ts";
import { openapi } from "../lib/openapi/mod.ts";

const Todo = z.object({
  id: z.number().int(),
  title: z.string(),
  done: z.boolean(),
});
const NewTodo = z.object({
  title: z.string().min(1).max(200).describe("What to do"),
  done: z.boolean().default(false),
});

/** Makes the app; `log` receives the notes of its OpenAPI build. */
export function todoApi(log: (message: string) => void = () => {}): App {
  const todos: z.infer<typeof Todo>[] = [];
  const admin = new App().get("/stats", {
    summary: "Count the todos",
    tags: ["admin"],
    responses: { 200: z.object({ count: z.number().int() }) },
  }, () => Response.json({ count: todos.length }));

  return new App()
    .use(openapi({
      info: { title: "Todos", version: "1.0.0", description: "A list of things to do" },
      path: "/openapi.json",
      docs: "/docs",
      tags: [{ name: "todos", description: "The todo list" }],
      log,
    }))
    .get("/todos", {
      query: z.object({
        done: z.enum(["true", "false"]).optional(),
        limit: z.coerce.number().int().min(1).max(100).default(20),
      }),
      summary: "List todos",
      tags: ["todos"],
      operationId: "listTodos",
      responses: { 200: z.array(Todo) },
    }, (_request, ctx) => Response.json(todos.slice(0, ctx.valid.query.limit)))
    .post("/todos", {
      headers: z.object({ "x-request-id": z.string().optional() }),
      body: NewTodo,
      summary: "Create a todo",
      tags: ["todos"],
      operationId: "createTodo",
      responses: { 201: Todo },
    }, (_request, ctx) => {
      const todo = { id: todos.length + 1, ...ctx.valid.body };
      todos.push(todo);
      return Response.json(todo, { status: 201 });
    })
    .patch("/todos/:id", {
      params: z.object({ id: z.coerce.number().int().positive() }),
      body: NewTodo.partial(),
      summary: "Change a todo",
      tags: ["todos"],
      operationId: "updateTodo",
      responses: { 200: Todo, 404: { description: "No such todo" } },
    }, (_request, ctx) => {
      const todo = todos.find((each) => each.id === ctx.valid.params.id);
      if (todo === undefined) return new Response(null, { status: 404 });
      Object.assign(todo, ctx.valid.body);
      return Response.json(todo);
    })
    .delete("/todos/:id", {
      summary: "Delete a todo",
      tags: ["todos"],
      deprecated: true,
      responses: { 204: { description: "Deleted" } },
    }, () => new Response(null, { status: 204 }))
    .get("/health", () => new Response("ok"))
    .all("/echo/*", (request) => new Response(request.method))
    .mount("/admin", admin);
}

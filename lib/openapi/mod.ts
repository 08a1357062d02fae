/**
 * `@latch/latch/openapi`: the app's OpenAPI 3.1 document, generated once at
 * build time from the routes' options and schemas, whatever Standard Schema
 * library they come from, and a page that renders it.
 *
 * Routes declare schemas and documentation in their options
 * (`app.post(path, { body, responses, summary }, handler)`); the same
 * schemas validate requests and describe them here, through Standard JSON
 * Schema (zod 4 and arktype 2 implement it; wrap a valibot schema with
 * `toStandardJsonSchema()` from `@valibot/to-json-schema`). Built on the
 * core's public API only (`build.routes`).
 *
 * @example
 * ```ts
 * import { App } from "@latch/latch";
 * import { openapi } from "@latch/latch/openapi";
 * import { z } from "zod";
 * import assert from "node:assert/strict";
 *
 * const app = new App()
 *   .use(openapi({ info: { title: "Todos", version: "1.0.0" }, path: "/openapi.json", docs: "/docs" }))
 *   .get("/todos/:id", {
 *     params: z.object({ id: z.coerce.number().int() }),
 *     tags: ["todos"],
 *     responses: { 200: z.object({ id: z.number(), title: z.string() }) },
 *   }, (_request, ctx) => Response.json({ id: ctx.valid.params.id, title: "Buy milk" }));
 *
 * const document = await (await app.request("/openapi.json")).json();
 * assert.deepEqual(document.paths["/todos/{id}"].get.parameters[0].name, "id");
 * ```
 *
 * @module
 */

export {
  openapi,
  type OpenApiDocument,
  openapiDocument,
  type OpenApiInfo,
  type OpenApiOptions,
} from "./openapi.ts";

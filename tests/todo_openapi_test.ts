// The todo example's OpenAPI document: made from the zod schemas its routes
// validate with, compared with the checked-in todo_openapi_expected.json and
// checked against the OpenAPI 3.1 schema; and the /docs page that renders it.
//
// When the routes change on purpose, write the new document over the
// expected one and read the diff before committing it:
//   deno eval 'import { createTodoApp } from "./examples/todo/app.ts"; import { openMemoryStore } from "./examples/todo/store.ts"; const app = createTodoApp({ openStore: () => openMemoryStore() }); console.log(JSON.stringify(await (await app.request("/openapi.json")).json(), null, 2)); await app.close();' > tests/todo_openapi_expected.json
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import { createTodoApp } from "../examples/todo/app.ts";
import { openMemoryStore } from "../examples/todo/store.ts";
import { runtime } from "./_serve.ts";

type Json = Record<string, unknown>;

/** The todo app on an in-memory store: the document does not depend on the store. */
function todoApp() {
  return createTodoApp({ openStore: () => openMemoryStore() });
}

/** Every `$ref` in `document`, and whether it resolves inside it. */
function refsOf(document: Json): { ref: string; resolves: boolean }[] {
  const resolve = (pointer: string) =>
    pointer.slice(2).split("/").reduce<unknown>(
      (node, key) => (node as Json | undefined)?.[key.replaceAll("~1", "/").replaceAll("~0", "~")],
      document,
    );
  const refs: { ref: string; resolves: boolean }[] = [];
  const walk = (node: unknown): void => {
    if (typeof node !== "object" || node === null) return;
    const ref = (node as Json).$ref;
    if (typeof ref === "string") {
      refs.push({ ref, resolves: ref.startsWith("#/") && resolve(ref) !== undefined });
    }
    Object.values(node).forEach(walk);
  };
  walk(document);
  return refs;
}

test(`The todo app on ${runtime} serves the checked-in OpenAPI document, and it is valid OpenAPI 3.1`, async () => {
  const app = todoApp();
  try {
    const response = await app.request("/openapi.json");
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "application/json; charset=utf-8");
    const document = await response.json() as Json;
    const expected = JSON.parse(
      readFileSync(new URL("./todo_openapi_expected.json", import.meta.url), "utf8"),
    );
    assert.deepEqual(document, expected);

    const validator = new Validator();
    const verdict = await validator.validate(structuredClone(document));
    assert.deepEqual(verdict.errors ?? [], [], "the document matches the OpenAPI 3.1 schema");
    assert.equal(verdict.valid, true);
    assert.equal(validator.version, "3.1");
    const refs = refsOf(document);
    assert.ok(refs.length > 0);
    assert.deepEqual(refs.filter((each) => !each.resolves), [], "every $ref resolves");
  } finally {
    await app.close();
  }
});

test(`The todo app's document on ${runtime} lists every route, with the schemas the routes validate with`, async () => {
  const app = todoApp();
  try {
    const document = await (await app.request("/openapi.json")).json();
    const operations = Object.entries(document.paths as Record<string, Json>)
      .flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`));
    assert.deepEqual(operations, [
      "get /",
      "get /health",
      "get /todos",
      "post /todos",
      "get /todos/{id}",
      "patch /todos/{id}",
      "delete /todos/{id}",
    ]);
    const create = document.paths["/todos"].post;
    const body = create.requestBody.content["application/json"].schema;
    assert.deepEqual(body.required, ["title"]);
    assert.equal(body.additionalProperties, false, "an unknown field is refused, and says so");
    assert.equal(body.properties.title.maxLength, 200);
    assert.equal(body.properties.done.default, false);
    // What latch answers for a validated body is declared: the 400 and 413 the todo tests check.
    assert.deepEqual(Object.keys(create.responses), ["201", "400", "413", "415", "422"]);
    const update = document.paths["/todos/{id}"].patch;
    assert.equal(update.requestBody.content["application/json"].schema.required, undefined);
    assert.deepEqual(update.parameters, [
      { name: "id", in: "path", required: true, schema: { type: "string" } },
    ]);
    assert.equal(
      document.paths["/todos/{id}"].delete.responses["404"].description,
      "No todo has that id",
    );
  } finally {
    await app.close();
  }
});

test(`The todo app on ${runtime} serves a /docs page that loads the document next to it`, async () => {
  const app = todoApp();
  try {
    const page = await app.request("/docs");
    assert.equal(page.status, 200);
    assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
    const html = await page.text();
    assert.match(html, /<title>latch todo example<\/title>/);
    assert.match(html, /@scalar\/api-reference/);
    assert.ok(html.includes(`{"url":"./openapi.json"}`), "the page finds the document");
    // The document and the page are made once per build, as are the store's opens.
    const health = await (await app.request("/health")).json();
    assert.equal(health.builds, 1);
    assert.equal(health.storeOpens, 1);
  } finally {
    await app.close();
  }
});

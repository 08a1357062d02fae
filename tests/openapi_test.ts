// @latch/latch/openapi: the document made once at build time from the
// routes' schemas (zod, valibot and arktype alike), checked against a
// checked-in expected document and the OpenAPI 3.1 schema, served with an
// ETag, and the docs page.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import { z } from "zod";
import * as v from "valibot";
import { type as ark } from "arktype";
import { App, type StandardSchemaV1 } from "../mod.ts";
import { openapi, openapiDocument } from "../lib/openapi/mod.ts";
import { KITS } from "./_validation_kits.ts";
import { todoApi } from "./_openapi_todo_app.ts";
import { recordingLogger } from "./_helpers.ts";

type Json = Record<string, unknown>;

/** The OpenAPI 3.1 schema's verdict on `document`, and that every `$ref` in it resolves. */
async function assertValidOpenApi(document: Json): Promise<void> {
  const validator = new Validator();
  const result = await validator.validate(structuredClone(document));
  assert.deepEqual(result.errors ?? [], [], "the document matches the OpenAPI 3.1 schema");
  assert.equal(result.valid, true);
  assert.equal(validator.version, "3.1");
  const resolve = (pointer: string) =>
    pointer.slice(2).split("/").reduce<unknown>(
      (node, key) => (node as Json | undefined)?.[key.replaceAll("~1", "/").replaceAll("~0", "~")],
      document,
    );
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (typeof node !== "object" || node === null) return;
    const ref = (node as Json).$ref;
    if (typeof ref === "string") {
      assert.ok(ref.startsWith("#/"), `${ref} points inside the document`);
      assert.notEqual(resolve(ref), undefined, `${ref} resolves`);
    }
    Object.values(node).forEach(walk);
  };
  walk(document);
}

async function documentOf(app: App, path = "/openapi.json"): Promise<Json> {
  const response = await app.request(path);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "application/json; charset=utf-8");
  return await response.json() as Json;
}

/** The operation at `path` and `method` of `document`. */
function operation(document: Json, path: string, method: string): Json {
  const item = (document.paths as Record<string, Record<string, Json>>)[path];
  assert.ok(item?.[method] !== undefined, `${method.toUpperCase()} ${path} is documented`);
  return item[method];
}

test("the todo API's document equals the checked-in expected document and is valid OpenAPI 3.1", async () => {
  const notes: string[] = [];
  const document = await documentOf(todoApi((note) => notes.push(note)));
  const expected = JSON.parse(
    readFileSync(new URL("./openapi_todo_expected.json", import.meta.url), "utf8"),
  );
  assert.deepEqual(document, expected);
  await assertValidOpenApi(document);
  assert.deepEqual(notes, []);
});

for (const kit of KITS) {
  test(`${kit.name}: params, query, headers, body and responses are documented from the schemas`, async () => {
    const notes: string[] = [];
    const app = new App()
      .use(openapi({ info: { title: kit.name, version: "1" }, log: (note) => notes.push(note) }))
      .post("/todos/:list", {
        params: kit.listParams,
        query: kit.dryQuery,
        headers: kit.tenantHeaders,
        body: kit.todoBody,
        summary: "Create a todo",
        tags: ["todos"],
        responses: { 201: kit.todoResponse },
      }, () => new Response(null, { status: 201 }));
    const document = await documentOf(app);
    await assertValidOpenApi(document);
    assert.deepEqual(notes, []);
    const create = operation(document, "/todos/{list}", "post");
    assert.equal(create.summary, "Create a todo");
    assert.deepEqual(create.tags, ["todos"]);
    const parameters = create.parameters as Json[];
    assert.deepEqual(
      parameters.map(({ name, in: where, required }) => ({ name, in: where, required })),
      [
        { name: "list", in: "path", required: true },
        { name: "dry", in: "query", required: undefined },
        { name: "x-tenant", in: "header", required: true },
      ],
    );
    assert.equal((parameters[0]?.schema as Json).type, "string");
    assert.ok("pattern" in (parameters[0]?.schema as Json), "the regex is documented");
    const body = (create.requestBody as Json).content as Record<string, { schema: Json }>;
    assert.deepEqual(Object.keys(body), ["application/json"]);
    const properties = body["application/json"]?.schema.properties as Json;
    assert.deepEqual(Object.keys(properties).sort(), ["done", "title"]);
    assert.deepEqual(body["application/json"]?.schema.required, ["title"]);
    const responses = create.responses as Record<string, Json>;
    assert.deepEqual(Object.keys(responses), ["201", "400", "413", "415", "422"]);
    const created =
      (responses["201"]?.content as Record<string, { schema: Json }>)["application/json"];
    assert.deepEqual(Object.keys(created?.schema.properties as Json).sort(), [
      "done",
      "id",
      "title",
    ]);
    assert.deepEqual(responses["422"], { $ref: "#/components/responses/ValidationFailed" });
  });
}

test("the document is made once per build; requests get the same bytes with an ETag, and 304 when it matches", async () => {
  let conversions = 0;
  const schema = z.object({ q: z.string() });
  const counted: StandardSchemaV1 = {
    "~standard": {
      ...schema["~standard"],
      jsonSchema: {
        input: (options: { target: string }) => {
          conversions++;
          return schema["~standard"].jsonSchema.input(options);
        },
        output: (options: { target: string }) => schema["~standard"].jsonSchema.output(options),
      },
    } as StandardSchemaV1["~standard"],
  };
  const app = new App()
    .use(openapi({ info: { title: "Once", version: "1" } }))
    .get("/search", { query: counted }, () => new Response("ok"));
  const first = await app.request("/openapi.json");
  const etag = first.headers.get("etag");
  assert.match(etag ?? "", /^"[0-9a-f]{32}"$/);
  const text = await first.text();
  for (let index = 0; index < 5; index++) {
    const again = await app.request("/openapi.json");
    assert.equal(again.headers.get("etag"), etag);
    assert.equal(await again.text(), text);
  }
  assert.equal(conversions, 1);
  for (const ifNoneMatch of [etag as string, `W/${etag}`, `"other", ${etag}`, "*"]) {
    const cached = await app.request("/openapi.json", {
      headers: { "if-none-match": ifNoneMatch },
    });
    assert.equal(cached.status, 304, ifNoneMatch);
    assert.equal(cached.headers.get("etag"), etag);
    assert.equal(await cached.text(), "");
  }
  const stale = await app.request("/openapi.json", { headers: { "if-none-match": '"other"' } });
  assert.equal(stale.status, 200);
  const head = await app.request("/openapi.json", { method: "HEAD" });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get("content-length"), String(new TextEncoder().encode(text).length));
  assert.equal(await head.text(), "");
  // Other methods go on to the routes, which have none there.
  assert.equal((await app.request("/openapi.json", { method: "POST" })).status, 404);
  assert.equal(conversions, 1);
});

test("a schema without JSON Schema is documented as {} with a note in the log, never a failure", async () => {
  const notes: string[] = [];
  const handRolled: StandardSchemaV1<unknown, { q: string }> = {
    "~standard": {
      version: 1,
      vendor: "hand",
      validate: (value) => ({ value: value as { q: string } }),
    },
  };
  const app = new App()
    .use(openapi({ info: { title: "Notes", version: "1" }, log: (note) => notes.push(note) }))
    .post("/plain-valibot", { body: v.object({ title: v.string() }) }, () => new Response("ok"))
    .get("/hand", { query: handRolled }, () => new Response("ok"))
    .get("/transform", {
      responses: { 200: z.object({ n: z.string().transform(Number) }) },
    }, () => new Response("ok"));
  const document = await documentOf(app);
  await assertValidOpenApi(document);
  const body = operation(document, "/plain-valibot", "post").requestBody as Json;
  assert.deepEqual(body.content, { "application/json": { schema: {} } });
  assert.equal(operation(document, "/hand", "get").parameters, undefined);
  const transformed =
    (operation(document, "/transform", "get").responses as Record<string, Json>)["200"];
  assert.deepEqual(transformed?.content, { "application/json": { schema: {} } });
  assert.equal(notes.length, 3);
  assert.match(
    notes[0] ?? "",
    /^latch openapi: the body schema of POST \/plain-valibot \(valibot\).*toStandardJsonSchema/,
  );
  assert.match(notes[1] ?? "", /the query schema of GET \/hand \(hand\) has no JSON Schema/);
  assert.match(
    notes[2] ?? "",
    /the 200 response schema of GET \/transform could not be turned into JSON Schema/,
  );
  // The app serves its routes all the same.
  assert.equal((await app.request("/hand?q=x")).status, 200);
});

test("every route appears: without options with a default response, all() under each method, mounted apps under their prefix", async () => {
  const api = new App().get("/users/:id", { summary: "A user" }, () => new Response("ok"));
  const app = new App()
    .use(openapi({ info: { title: "All", version: "1" } }))
    .get("/", () => new Response("home"))
    .all("/any", () => new Response("any"))
    .put("/any", { summary: "The specific one wins" }, () => new Response("put"))
    .mount("/api", api)
    .mount("/legacy", (request) => new Response(request.url));
  const document = await documentOf(app);
  await assertValidOpenApi(document);
  assert.deepEqual(Object.keys(document.paths as Json), [
    "/",
    "/any",
    "/api/users/{id}",
    "/legacy",
    "/legacy/{*}",
  ]);
  assert.deepEqual(operation(document, "/", "get").responses, {
    default: { description: "Response" },
  });
  assert.deepEqual(Object.keys((document.paths as Json)["/any"] as Json).sort(), [
    "delete",
    "get",
    "patch",
    "post",
    "put",
  ]);
  assert.equal(operation(document, "/any", "put").summary, "The specific one wins");
  assert.equal(operation(document, "/api/users/{id}", "get").summary, "A user");
  assert.equal(document.components, undefined, "no problem components without validated routes");
});

test("the docs page is static HTML loading @scalar/api-reference from its CDN, pointing at the document relative to itself", async () => {
  const api = new App()
    .use(openapi({ info: { title: "Mounted <API>", version: "1" }, docs: "/docs" }))
    .get("/ping", () => new Response("pong"));
  const app = new App().mount("/api", api);
  const page = await app.request("/api/docs");
  assert.equal(page.status, 200);
  assert.equal(page.headers.get("content-type"), "text/html; charset=utf-8");
  const html = await page.text();
  assert.match(html, /^<!doctype html>/);
  assert.ok(
    html.includes('<script src="https://cdn.jsdelivr.net/npm/@scalar/api-reference@1"></script>'),
  );
  assert.ok(html.includes('{"url":"./openapi.json"}'), html);
  assert.ok(html.includes("<title>Mounted &#60;API&#62;</title>"), "the title is escaped");
  const etag = page.headers.get("etag") as string;
  assert.equal(
    (await app.request("/api/docs", { headers: { "if-none-match": etag } })).status,
    304,
  );
  const document = await documentOf(app, "/api/openapi.json");
  assert.deepEqual(Object.keys(document.paths as Json), ["/ping"]);
  const nested = new App().use(
    openapi({ info: { title: "x", version: "1" }, path: "/spec/openapi.json", docs: "/a/b/docs" }),
  );
  assert.ok(
    (await (await nested.request("/a/b/docs")).text()).includes(
      '{"url":"../../spec/openapi.json"}',
    ),
  );
});

test("$defs and self-references of a library's JSON Schema move to components, and every $ref resolves", async () => {
  const Tag = z.object({ name: z.string() }).meta({ id: "Tag" });
  const Category = z.object({
    name: z.string(),
    get children() {
      return z.array(Category);
    },
  });
  const Node = ark({ name: "string", children: "this[]" });
  const app = new App()
    .use(openapi({ info: { title: "Refs", version: "1" } }))
    .post("/tags", { body: z.object({ tags: z.array(Tag), main: Tag }) }, () => new Response("ok"))
    .put("/tags", { body: z.object({ tag: Tag }) }, () => new Response("ok"))
    .post("/categories", { body: Category }, () => new Response("ok"))
    .post("/nodes", { body: Node }, () => new Response("ok"))
    .put(
      "/nodes",
      { body: ark({ other: "string", children: "this[]" }) },
      () => new Response("ok"),
    );
  const document = await documentOf(app);
  await assertValidOpenApi(document);
  const schemas = (document.components as Json).schemas as Json;
  assert.deepEqual(schemas.Tag, {
    type: "object",
    properties: { name: { type: "string" } },
    required: ["name"],
  });
  assert.ok(!("Tag2" in schemas), "the same Tag is one component");
  const category = (operation(document, "/categories", "post").requestBody as Json).content as Json;
  const ref = ((category["application/json"] as Json).schema as Json).$ref as string;
  assert.match(ref, /^#\/components\/schemas\/Schema\d*$/);
  assert.ok(!JSON.stringify(document).includes('"#/$defs'), "no ref is left pointing at $defs");
  assert.ok(
    !JSON.stringify(document).includes('"$ref":"#"'),
    "no ref is left pointing at the root",
  );
});

test("openapi() refuses options it cannot use, and two routes with one operationId fail the build naming both", async () => {
  assert.throws(() => openapi({} as never), /needs info with a title and a version/);
  assert.throws(
    () => openapi({ info: { title: "x", version: "1" }, path: "openapi.json" }),
    /must be a path starting with "\/"/,
  );
  assert.throws(
    () => openapi({ info: { title: "x", version: "1" }, docs: "/openapi.json" }),
    /different paths/,
  );
  const app = new App({ logger: recordingLogger() })
    .use(openapi({ info: { title: "x", version: "1" } }))
    .get("/a", { operationId: "same" }, () => new Response("a"))
    .post("/b", { operationId: "same" }, () => new Response("b"));
  await assert.rejects(app.ready(), (error: Error) => {
    assert.ok(error instanceof TypeError);
    assert.match(error.message, /"same" is used by GET \/a and POST \/b/);
    return true;
  });
});

test("openapiDocument() makes the same document from a route list, for a script", () => {
  const { document, notes } = openapiDocument(
    [{ method: "GET", path: "/users/:id", options: { summary: "A user" } }],
    { info: { title: "Script", version: "2" }, servers: [{ url: "https://api.example.com" }] },
  );
  assert.deepEqual(notes, []);
  assert.deepEqual(document.servers, [{ url: "https://api.example.com" }]);
  assert.equal(operation(document, "/users/{id}", "get").summary, "A user");
});

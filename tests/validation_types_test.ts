// Type-level tests of route options: `deno check tests/` fails if an
// expectation below stops holding (each `@ts-expect-error` must be an error).
// Each is also a runtime test so that both runners count it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import * as v from "valibot";
import { type as ark } from "arktype";
import type { StandardSchemaV1 as SpecSchema } from "@standard-schema/spec";
import {
  App,
  type RouteOptions,
  type StandardSchemaV1,
  type ValidatedHandler,
  type ValidInput,
} from "../mod.ts";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;
function expectType<T extends true>(value: T): T {
  return value;
}

const ok = () => new Response("ok");

test("ctx.valid is typed by zod schemas: output types, defaults applied, transforms run", () => {
  new App().post("/todos/:list", {
    params: z.object({ list: z.string().regex(/^[a-z]+$/) }),
    query: z.object({ dry: z.enum(["0", "1"]).optional(), n: z.string().transform(Number) }),
    headers: z.object({ "x-tenant": z.string() }),
    body: z.object({ title: z.string().min(1), done: z.boolean().default(false) }),
  }, (_request, ctx) => {
    expectType<Equal<typeof ctx.valid.body, { title: string; done: boolean }>>(true);
    expectType<Equal<typeof ctx.valid.query.dry, "0" | "1" | undefined>>(true);
    expectType<Equal<typeof ctx.valid.query.n, number>>(true);
    expectType<Equal<typeof ctx.valid.params.list, string>>(true);
    expectType<Equal<typeof ctx.valid.headers["x-tenant"], string>>(true);
    // @ts-expect-error: the body schema has no `nope`
    ctx.valid.body.nope;
    // @ts-expect-error: `title` is a string, not a number
    const title: number = ctx.valid.body.title;
    // @ts-expect-error: `done` is a boolean after its default
    const done: string = ctx.valid.body.done;
    return Response.json({ title, done });
  });
  assert.ok(true);
});

test("ctx.valid is typed by valibot schemas", () => {
  new App().put("/items/:id", {
    params: v.object({ id: v.pipe(v.string(), v.transform(Number)) }),
    body: v.object({ name: v.string(), tags: v.optional(v.array(v.string()), []) }),
  }, (_request, ctx) => {
    expectType<Equal<typeof ctx.valid.params.id, number>>(true);
    expectType<Equal<typeof ctx.valid.body, { name: string; tags: string[] }>>(true);
    // @ts-expect-error: the body schema has no `nope`
    ctx.valid.body.nope;
    // @ts-expect-error: `name` is a string, not a number
    const name: number = ctx.valid.body.name;
    return new Response(String(name));
  });
  assert.ok(true);
});

test("ctx.valid is typed by arktype schemas", () => {
  new App().patch("/items/:id", {
    query: ark({ "page?": "string.integer.parse" }),
    body: ark({ name: "string", count: "number" }),
  }, (_request, ctx) => {
    expectType<Equal<typeof ctx.valid.query.page, number | undefined>>(true);
    expectType<Equal<typeof ctx.valid.body, { name: string; count: number }>>(true);
    // @ts-expect-error: the body schema has no `nope`
    ctx.valid.body.nope;
    // @ts-expect-error: `count` is a number, not a string
    const count: string = ctx.valid.body.count;
    return new Response(count);
  });
  assert.ok(true);
});

test("ctx.valid has no key for a part without a schema, and no ctx.valid without schemas", () => {
  new App()
    .get("/search", { query: z.object({ q: z.string() }) }, (_request, ctx) => {
      expectType<Equal<keyof typeof ctx.valid, "query">>(true);
      // @ts-expect-error: the route validates no body
      ctx.valid.body;
      return new Response(ctx.valid.query.q);
    })
    .get("/docs-only", { summary: "Documented, not validated" }, (_request, ctx) => {
      // @ts-expect-error: without a schema there is nothing validated
      ctx.valid;
      return ok();
    })
    .get("/plain", (_request, ctx) => {
      // @ts-expect-error: a route without options has no ctx.valid
      ctx.valid;
      return ok();
    });
  assert.ok(true);
});

test("ctx.params stays typed from the path, with and without options", () => {
  new App()
    .get("/orgs/:org/files/*", { query: z.object({ q: z.string() }) }, (_request, ctx) => {
      expectType<Equal<typeof ctx.params, { org: string; "*": string }>>(true);
      // @ts-expect-error: the path has no :nope
      ctx.params.nope;
      return ok();
    })
    .on(["PUT", "PATCH"], "/items/:id", { body: z.object({ n: z.number() }) }, (_request, ctx) => {
      expectType<Equal<typeof ctx.params, { id: string }>>(true);
      expectType<Equal<typeof ctx.valid.body.n, number>>(true);
      return ok();
    })
    .all("/any/:x", { headers: z.object({ a: z.string() }) }, (_request, ctx) => {
      expectType<Equal<typeof ctx.params.x, string>>(true);
      return new Response(ctx.valid.headers.a);
    })
    .delete("/d/:y", { params: z.object({ y: z.coerce.number() }) }, (_request, ctx) => {
      expectType<Equal<typeof ctx.params.y, string>>(true);
      expectType<Equal<typeof ctx.valid.params.y, number>>(true);
      return ok();
    })
    .options("/o", { summary: "o" }, ok);
  assert.ok(true);
});

test("ctx.state keeps the app's declared type on a route with options", () => {
  new App<{ state: { user: string } }>().post(
    "/me",
    { body: z.object({ name: z.string() }) },
    (_request, ctx) => {
      expectType<Equal<typeof ctx.state.user, string>>(true);
      return new Response(`${ctx.state.user} ${ctx.valid.body.name}`);
    },
  );
  assert.ok(true);
});

test("ValidatedHandler and ValidInput type a handler written apart from its route", async () => {
  const options = { body: z.object({ title: z.string() }) } satisfies RouteOptions;
  expectType<Equal<ValidInput<typeof options>, { readonly body: { title: string } }>>(true);
  const create: ValidatedHandler<Record<never, string>, typeof options> = (_request, ctx) =>
    new Response(ctx.valid.body.title);
  const app = new App().post("/todos", options, create);
  const response = await app.request("/todos", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title: "typed" }),
  });
  assert.equal(await response.text(), "typed");
});

test("latch's StandardSchemaV1 and @standard-schema/spec's are assignable both ways", () => {
  const ours: StandardSchemaV1<unknown, string> = z.string();
  const spec: SpecSchema<unknown, string> = ours;
  const back: StandardSchemaV1<unknown, string> = spec;
  expectType<Equal<StandardSchemaV1.InferOutput<typeof back>, string>>(true);
  // @ts-expect-error: a schema of numbers is not a schema of strings
  const wrong: StandardSchemaV1<unknown, string> = z.number();
  assert.ok(wrong);
});

test("route options reject a non-schema and a misspelled documentation field at compile time", () => {
  assert.throws(() => {
    // @ts-expect-error: `body` takes a Standard Schema, not a plain object
    new App().post("/x", { body: { title: "string" } }, ok);
  }, TypeError);
  assert.throws(() => {
    // @ts-expect-error: `tags` is a list of strings
    new App().post("/x", { tags: "todos" }, ok);
  }, TypeError);
});

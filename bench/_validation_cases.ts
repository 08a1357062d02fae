/**
 * The validation benchmark's cases, shared by `validation_bench.ts`
 * (Deno.bench) and `validation_bench_bun.ts` (mitata on Bun, where Elysia
 * joins): a `POST /todos` with a 3-field JSON body through latch with a zod
 * body schema, through Hono with `zValidator("json", …)` from
 * `@hono/zod-validator`, and (Bun) through Elysia with `t.Object`, each next
 * to the same app without validation (the handler parses the JSON itself),
 * so that the difference is what validating costs in each. The schema's own
 * `validate` on the parsed object is the baseline that difference is held
 * against. Every case makes its Request inside the timing (a body is read
 * once) and is called once and checked before anything is timed. One more
 * latch case sends the body without `Content-Length`, as a streamed upload
 * does, which latch counts as it reads.
 *
 * @module
 */

import { z } from "zod";
import { Hono } from "hono";
import { zValidator } from "@hono/zod-validator";
import { App } from "../mod.ts";

/** One timed case. */
export interface ValidationCase {
  /** The group it belongs to. */
  readonly group: string;
  /** Its name, unique within the group. */
  readonly name: string;
  /** Whether the others in its group are compared with it. */
  readonly baseline?: boolean;
  /** The timed body. */
  readonly fn: () => unknown;
}

/** The group of whole requests. */
export const REQUEST_GROUP = "POST /todos, 3-field JSON body";
/** The group of the schema alone. */
export const SCHEMA_GROUP = "the zod schema alone";

/** The body every request sends, and what every app answers with it. */
const TODO = { title: "Buy milk", done: false, priority: 3 };
const BODY = JSON.stringify(TODO);

/** The 3-field schema every validating case uses. */
export const todoSchema = z.object({
  title: z.string().min(1).max(200),
  done: z.boolean(),
  priority: z.number().int().min(1).max(5),
});

/**
 * A fresh request (a body is read once, so each call makes its own), with
 * the `Content-Length` that every HTTP client sends with a body of known
 * size and that `Deno.serve` and `Bun.serve` hand on; `chunked` leaves it
 * out, as a streamed upload does.
 */
export function todoRequest(chunked = false): Request {
  return new Request("http://localhost/todos", {
    method: "POST",
    headers: chunked
      ? { "content-type": "application/json" }
      : { "content-type": "application/json", "content-length": String(BODY.length) },
    body: BODY,
  });
}

/** A fetch function and its name in the results. */
export interface Contender {
  readonly name: string;
  readonly fetch: (request: Request) => Response | Promise<Response>;
}

/** latch with the body schema, and latch without one. */
export async function latchContenders(): Promise<Contender[]> {
  const validated = new App().post(
    "/todos",
    { body: todoSchema },
    (_request, ctx) => Response.json(ctx.valid.body, { status: 201 }),
  );
  const plain = new App().post(
    "/todos",
    async (request) => Response.json(await request.json(), { status: 201 }),
  );
  await validated.ready();
  await plain.ready();
  return [
    { name: "latch, no schema (request.json())", fetch: plain.fetch },
    { name: "latch, zod body schema", fetch: validated.fetch },
  ];
}

/** Hono with `zValidator("json", schema)`, and Hono without it. */
export function honoContenders(): Contender[] {
  const validated = new Hono().post(
    "/todos",
    zValidator("json", todoSchema),
    (c) => c.json(c.req.valid("json"), 201),
  );
  const plain = new Hono().post("/todos", async (c) => c.json(await c.req.json(), 201));
  return [
    { name: "hono, no validator (c.req.json())", fetch: plain.fetch },
    { name: "hono, zValidator json zod", fetch: validated.fetch },
  ];
}

/** Checks that `contender` answers 201 with the todo, so none is timed answering an error. */
async function check(contender: Contender): Promise<void> {
  const response = await contender.fetch(todoRequest());
  const body = await response.text();
  if (response.status !== 201 || JSON.stringify(JSON.parse(body)) !== BODY) {
    throw new Error(`${contender.name} answered ${response.status} ${body}, not 201 ${BODY}`);
  }
}

/**
 * Every case: the schema alone, then each contender's request.
 *
 * @param extra More contenders (Elysia on Bun).
 * @returns The checked cases.
 */
export async function validationCases(extra: readonly Contender[] = []): Promise<ValidationCase[]> {
  const contenders = [...await latchContenders(), ...honoContenders(), ...extra];
  for (const contender of contenders) await check(contender);
  const validate = todoSchema["~standard"].validate;
  const parsed = JSON.parse(BODY);
  if (validate(parsed) instanceof Promise) {
    throw new Error("the schema must validate synchronously");
  }
  return [
    {
      group: SCHEMA_GROUP,
      name: "zod ~standard.validate(object)",
      baseline: true,
      fn: () => validate(parsed),
    },
    {
      group: SCHEMA_GROUP,
      name: "JSON.parse + zod validate",
      fn: () => validate(JSON.parse(BODY)),
    },
    ...contenders.map((contender, index) => ({
      group: REQUEST_GROUP,
      name: contender.name,
      ...(index === 0 ? { baseline: true } : {}),
      fn: () => contender.fetch(todoRequest()),
    })),
    {
      // Without Content-Length latch counts the body as it streams in: the slower path.
      group: REQUEST_GROUP,
      name: "latch, zod body schema, no Content-Length",
      fn: () => (contenders[1] as Contender).fetch(todoRequest(true)),
    },
  ];
}

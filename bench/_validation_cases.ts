/**
 * The validation benchmark's cases, shared by `validation_bench.ts`
 * (Deno.bench) and `validation_bench_bun.ts` (mitata on Bun, where Elysia
 * joins): a `POST /todos` with a 3-field JSON body through latch with a zod
 * body schema, through Hono with `zValidator("json", …)` from
 * `@hono/zod-validator`, and (Bun) through Elysia with `t.Object`, each next
 * to the same app without validation (the handler parses the JSON itself),
 * so that the difference is what validating costs in each. The baseline of
 * the requests is a hand-written handler that does only what validating a
 * body takes: `await request.json()`, the schema's `~standard.validate`, and
 * the answer (201 with the value, 422 with the issues); the schema's own
 * `validate` on a parsed object is timed alone in a group of its own. Every
 * case makes its Request inside the timing (a body is read once) and is
 * called once and checked before anything is timed. One more latch case sends
 * the body without `Content-Length`, as a streamed upload does, which latch
 * counts as it reads.
 *
 * `run.ts` runs each framework of {@linkcode VALIDATION_FRAMEWORKS} in a
 * process of its own (`LATCH_BENCH_FRAMEWORK`), next to the hand-written
 * baseline, as it does the per-request benchmark, so that no framework's code
 * changes the JIT feedback another is measured on.
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

/** The frameworks with validating contenders, by runtime (Elysia runs on Bun only). */
export const VALIDATION_FRAMEWORKS = {
  deno: ["latch", "hono"],
  bun: ["latch", "hono", "elysia"],
} as const;

/** A framework of {@linkcode VALIDATION_FRAMEWORKS}, or the hand-written baseline. */
export type ValidationFramework = "hand-written" | (typeof VALIDATION_FRAMEWORKS)["bun"][number];

/** The name of the requests' baseline case. */
export const HAND_WRITTEN = "hand-written: await request.json(), then ~standard.validate";

/** A fetch function, its framework and its name in the results. */
export interface Contender {
  /** Which framework answers (each runs in a process of its own). */
  readonly framework: ValidationFramework;
  /** Its name in the results, starting with the framework's. */
  readonly name: string;
  /** Answers one request. */
  readonly fetch: (request: Request) => Response | Promise<Response>;
}

/**
 * The baseline: what validating a JSON body takes when written by hand,
 * without a framework: read it, validate it (awaiting only a schema that
 * answers with a promise), answer 201 with the value or 422 with the issues.
 */
export function handWrittenContender(): Contender {
  const validate = todoSchema["~standard"].validate;
  return {
    framework: "hand-written",
    name: HAND_WRITTEN,
    fetch: async (request) => {
      const outcome = validate(await request.json());
      const result = outcome instanceof Promise ? await outcome : outcome;
      return result.issues === undefined
        ? Response.json(result.value, { status: 201 })
        : Response.json({ issues: result.issues }, { status: 422 });
    },
  };
}

/** The name of latch's validating case, which the report's target reads. */
export const LATCH_VALIDATED = "latch, zod body schema";

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
    { framework: "latch", name: "latch, no schema (request.json())", fetch: plain.fetch },
    { framework: "latch", name: LATCH_VALIDATED, fetch: validated.fetch },
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
    { framework: "hono", name: "hono, no validator (c.req.json())", fetch: plain.fetch },
    { framework: "hono", name: "hono, zValidator json zod", fetch: validated.fetch },
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
 * Every case: the schema alone, then the hand-written baseline and each
 * contender's request.
 *
 * @param extra More contenders (Elysia on Bun).
 * @param framework Only this framework's contenders (the baseline always runs); all when absent.
 * @returns The checked cases.
 */
export async function validationCases(
  extra: readonly Contender[] = [],
  framework: string | undefined = undefined,
): Promise<ValidationCase[]> {
  const all = [handWrittenContender(), ...await latchContenders(), ...honoContenders(), ...extra];
  const contenders = all.filter((contender) =>
    framework === undefined || contender.framework === framework ||
    contender.framework === "hand-written"
  );
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
    ...contenders.filter((contender) => contender.name === LATCH_VALIDATED).map((contender) => ({
      // Without Content-Length latch counts the body as it streams in: the slower path.
      group: REQUEST_GROUP,
      name: `${LATCH_VALIDATED}, no Content-Length`,
      fn: () => contender.fetch(todoRequest(true)),
    })),
  ];
}

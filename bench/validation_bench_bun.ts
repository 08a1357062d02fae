/**
 * mitata on Bun: the validation cases of `_validation_cases.ts` (the same
 * ones `validation_bench.ts` gives Deno.bench), with Elysia's `t.Object`
 * schema and Elysia without one among the contenders. Run it with:
 *
 *   bun bench/validation_bench_bun.ts
 *   LATCH_BENCH_SMOKE=1 bun bench/validation_bench_bun.ts   # a few samples: checks it runs, no result
 *
 * @module
 */

import { Elysia, t } from "elysia";
import { runMitata } from "./_mitata.ts";
import { type Contender, validationCases } from "./_validation_cases.ts";

/** Elysia with `t.Object` on the body, and Elysia without a schema; compiled ahead like the others. */
function elysiaContenders(): Contender[] {
  const validated = new Elysia().post("/todos", ({ body, set }) => {
    set.status = 201;
    return body;
  }, {
    body: t.Object({
      title: t.String({ minLength: 1, maxLength: 200 }),
      done: t.Boolean(),
      priority: t.Integer({ minimum: 1, maximum: 5 }),
    }),
  });
  const plain = new Elysia().post("/todos", ({ body, set }) => {
    set.status = 201;
    return body;
  });
  validated.compile();
  plain.compile();
  return [
    { framework: "elysia", name: "elysia, no schema", fetch: (request) => plain.fetch(request) },
    {
      framework: "elysia",
      name: "elysia, t.Object body",
      fetch: (request) => validated.fetch(request),
    },
  ];
}

const env = (globalThis as { process: { env: Record<string, string | undefined> } }).process.env;
// run.ts runs one framework per process (see VALIDATION_FRAMEWORKS); alone, this runs all.
const cases = await validationCases(elysiaContenders(), env.LATCH_BENCH_FRAMEWORK);
await runMitata(cases.map(({ group, name, fn }) => ({ group, name, fn })));

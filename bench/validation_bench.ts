/**
 * Deno.bench: what validating a JSON body costs per request, in latch (a zod
 * body schema) and in Hono (`zValidator`), each next to the same app without
 * validation, with the zod schema's own `validate` as the baseline (cases in
 * `_validation_cases.ts`; `validation_bench_bun.ts` adds Elysia on Bun).
 * Run it with:
 *
 *   deno bench --allow-env bench/validation_bench.ts
 *   LATCH_BENCH_SMOKE=1 deno bench --allow-env bench/validation_bench.ts   # checks it runs, no result
 *
 * @module
 */

import { validationCases } from "./_validation_cases.ts";

const smoke = Deno.env.get("LATCH_BENCH_SMOKE") === "1";

// run.ts runs one framework per process (see VALIDATION_FRAMEWORKS); alone, this runs all.
const cases = await validationCases([], Deno.env.get("LATCH_BENCH_FRAMEWORK"));
for (const { name, group, baseline, fn } of cases) {
  Deno.bench({
    name,
    group,
    baseline: baseline === true,
    // Every request case answers with a promise: awaited, so its time includes it settling.
    fn: async () => {
      await fn();
    },
    ...(smoke ? { n: 1, warmup: 1 } : {}),
  });
}

/**
 * Deno.bench: a built latch app's `fetch` with 10 pass-through middleware on
 * a static route, against a bare `(request) => new Response("ok")`. Target:
 * within 1.5x of bare. Run it with:
 *
 *   deno bench --allow-env bench/fetch_bench.ts
 *
 * The scenarios are shared with the Bun runner, `fetch_bench_bun.ts`.
 *
 * @module
 */

import { answersSynchronously, setupScenarios } from "./_scenarios.ts";

const scenarios = await setupScenarios();

for (const { name, group, baseline, fn } of scenarios) {
  // Deno.bench awaits only `async` functions: a case that answers with a
  // promise is wrapped so its time includes the promise settling. A sync case
  // is passed as is (Deno.bench ignores what it returns), with no extra call.
  const timed: () => void | Promise<void> = answersSynchronously(fn)
    ? fn as () => void
    : async () => {
      await fn();
    };
  Deno.bench({ name, group, baseline: baseline === true, fn: timed });
}

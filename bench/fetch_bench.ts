/**
 * Deno.bench: the per-request scenarios of `_scenarios.ts` (the same ones
 * `fetch_bench_bun.ts` gives mitata on Bun): a built app's `fetch` with N
 * middleware, against the bare handler, the hand-written chain, Hono, h3 and
 * itty-router. Run it with:
 *
 *   deno bench --allow-env bench/fetch_bench.ts
 *   LATCH_BENCH_SMOKE=1 deno bench --allow-env bench/fetch_bench.ts   # checks it runs, no result
 *
 * @module
 */

import { PEERS } from "./_peers.ts";
import { answersSynchronously, LAZY_DEPTH, READS, setupScenarios } from "./_scenarios.ts";

const smoke = Deno.env.get("LATCH_BENCH_SMOKE") === "1";
// run.ts runs one group and framework per process (see ScenarioFilter); alone, this runs all.
const scenarios = await setupScenarios(PEERS, {
  group: Deno.env.get("LATCH_BENCH_GROUP"),
  framework: Deno.env.get("LATCH_BENCH_FRAMEWORK"),
});
// Smoke mode has checked every case's answer above; it times only each group's
// baseline, the "reads" floor and latch's cases at N = 10, because Deno.bench
// spends ~0.3 s on any case slower than a microsecond, whatever `n` says.
const timed = smoke
  ? scenarios.filter(({ n, baseline, framework }) =>
    baseline === true || framework === READS || (framework.startsWith("latch") && n === LAZY_DEPTH)
  )
  : scenarios;

for (const { name, group, baseline, fn } of timed) {
  // Deno.bench awaits only `async` functions: a case that answers with a
  // promise is wrapped so its time includes the promise settling. A sync case
  // is passed as is (Deno.bench ignores what it returns), with no extra call.
  const body: () => void | Promise<void> = answersSynchronously(fn)
    ? fn as () => void
    : async () => {
      await fn();
    };
  Deno.bench({
    name,
    group,
    baseline: baseline === true,
    fn: body,
    ...(smoke ? { n: 1, warmup: 1 } : {}),
  });
}

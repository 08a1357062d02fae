/**
 * mitata on Bun: the same scenarios as `fetch_bench.ts`, a built latch app's
 * `fetch` with 10 pass-through middleware on a static route, against a bare
 * `(request) => new Response("ok")`. Target: within 1.5x of bare. Run it with:
 *
 *   bun bench/fetch_bench_bun.ts
 *   LATCH_BENCH_SMOKE=1 bun bench/fetch_bench_bun.ts   # a few samples, a quick check it runs
 *
 * It also runs under Deno (`deno run --allow-env --allow-sys bench/fetch_bench_bun.ts`).
 *
 * @module
 */

import { bench, do_not_optimize, group, measure, run, summary } from "mitata";
import { setupScenarios } from "./_scenarios.ts";

const scenarios = await setupScenarios();
const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
const smoke = env?.LATCH_BENCH_SMOKE === "1";

if (smoke) {
  // mitata's run() has no iteration option, so the smoke mode calls its
  // measure() with a tiny time budget: a check that every case runs, not a result.
  for (const { name, fn } of scenarios) {
    const stats = await measure(() => do_not_optimize(fn()), {
      min_samples: 2,
      max_samples: 4,
      min_cpu_time: 1e6,
    });
    console.log(`${name}: ${stats.avg.toFixed(1)} ns/iter (smoke, not a result)`);
  }
} else {
  const group_ = scenarios[0]?.group ?? "fetch";
  group(group_, () => {
    summary(() => {
      for (const { name, baseline, fn } of scenarios) {
        // do_not_optimize keeps the Response alive so no engine can drop the call; same for every case.
        const b = bench(name, () => do_not_optimize(fn()));
        if (baseline === true) b.baseline(true);
      }
    });
  });
  await run();
}

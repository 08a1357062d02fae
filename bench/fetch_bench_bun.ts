/**
 * mitata on Bun: the same scenarios as `fetch_bench.ts`, a built latch app's
 * `fetch` with 10 pass-through middleware on a static route, against a bare
 * `(request) => new Response("ok")`. Target: within 1.5x of bare. Run it with:
 *
 *   bun bench/fetch_bench_bun.ts
 *   LATCH_BENCH_SMOKE=1 bun bench/fetch_bench_bun.ts   # a few samples: checks it runs, no result
 *
 * Each case's own closure is handed to mitata, which compiles a separate
 * timing loop per benchmark, so no call site is shared between cases (a
 * shared wrapper such as `() => fn()` would be polymorphic and slow every
 * case alike). The returned Response is not read, as in the Deno runner.
 *
 * @module
 */

import { bench, group, measure, run, summary } from "mitata";
import { setupScenarios } from "./_scenarios.ts";

const scenarios = await setupScenarios();
const env = (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env;
const smoke = env?.LATCH_BENCH_SMOKE === "1";

if (smoke) {
  // run() takes no iteration or time options, so the smoke mode calls
  // mitata's measure() with a tiny budget instead.
  for (const { name, fn } of scenarios) {
    const stats = await measure(fn, { min_samples: 2, max_samples: 4, min_cpu_time: 1e6 });
    console.log(`${name}: ${stats.avg.toFixed(1)} ns/iter (smoke run, not a result)`);
  }
} else {
  group(scenarios[0]?.group ?? "fetch", () => {
    summary(() => {
      for (const { name, baseline, fn } of scenarios) {
        const b = bench(name, fn);
        if (baseline === true) b.baseline(true);
      }
    });
  });
  const { benchmarks } = await run();
  // mitata's table shows avg and p75; the medians and ratios to the baseline, for the record.
  const runs = benchmarks.flatMap((trial) => trial.runs);
  const base = runs.find((r) => r.name === scenarios.find((s) => s.baseline === true)?.name)?.stats;
  console.log("\nmedian (p50) and ratio to the baseline, by avg and by p50:");
  for (const { name, stats } of runs) {
    if (stats === undefined || base === undefined) continue;
    console.log(
      `  ${name.padEnd(36)} avg ${stats.avg.toFixed(1).padStart(7)} ns  p50 ${
        stats.p50.toFixed(1).padStart(7)
      } ns  ${(stats.avg / base.avg).toFixed(2)}x avg  ${(stats.p50 / base.p50).toFixed(2)}x p50`,
    );
  }
}

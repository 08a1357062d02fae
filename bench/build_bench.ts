/**
 * Deno.bench: the build scenarios of `_build_scenarios.ts` (the same ones
 * `build_bench_bun.ts` gives mitata on Bun): `await app.ready()` on a fresh
 * app with N middleware and R routes, and a burst of K concurrent first
 * requests that must build once. Run it with:
 *
 *   deno bench --allow-env bench/build_bench.ts
 *   LATCH_BENCH_SMOKE=1 deno bench --allow-env bench/build_bench.ts   # checks it runs, no result
 *
 * @module
 */

import { BURST_GROUP, BURST_SIZES, prepareBurst, setupBuildScenarios } from "./_build_scenarios.ts";

const smoke = Deno.env.get("LATCH_BENCH_SMOKE") === "1";
const budget = smoke ? { n: 1, warmup: 1 } : {};

for (const { name, group, make } of await setupBuildScenarios()) {
  Deno.bench({
    name,
    group,
    ...budget,
    async fn(b) {
      const app = make();
      b.start();
      await app.ready();
      b.end();
    },
  });
}

for (const k of BURST_SIZES) {
  Deno.bench({
    name: `K=${k}`,
    group: BURST_GROUP,
    ...budget,
    async fn(b) {
      const burst = prepareBurst(k);
      b.start();
      const responses = await burst.send();
      b.end();
      burst.check(responses);
    },
  });
}

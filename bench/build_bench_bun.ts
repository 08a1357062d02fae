/**
 * mitata on Bun: the build scenarios of `_build_scenarios.ts` (the same ones
 * `build_bench.ts` gives Deno.bench): `await app.ready()` on a fresh app with
 * N middleware and R routes, and a burst of K concurrent first requests that
 * must build once. Run it with:
 *
 *   bun bench/build_bench_bun.ts
 *   LATCH_BENCH_SMOKE=1 bun bench/build_bench_bun.ts   # a few samples: checks it runs, no result
 *
 * @module
 */

import type { App } from "../mod.ts";
import {
  type Burst,
  BURST_GROUP,
  BURST_SIZES,
  prepareBurst,
  setupBuildScenarios,
} from "./_build_scenarios.ts";
import { type MitataCase, runMitata, withSetup } from "./_mitata.ts";

const cases: MitataCase<never>[] = [];
for (const { name, group, make } of await setupBuildScenarios()) {
  const item: MitataCase<App> = { name, group, setup: make, fn: (app) => app.ready() };
  cases.push(withSetup(item));
}
for (const k of BURST_SIZES) {
  const item: MitataCase<Burst> = {
    name: `K=${k}`,
    group: BURST_GROUP,
    setup: () => prepareBurst(k),
    fn: async (burst) => burst.check(await burst.send()),
  };
  cases.push(withSetup(item));
}
await runMitata(cases);

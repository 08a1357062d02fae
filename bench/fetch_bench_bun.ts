/**
 * mitata on Bun: the per-request scenarios of `_scenarios.ts` (the same ones
 * `fetch_bench.ts` gives Deno.bench), with Elysia (two ways) among the peers. Run it with:
 *
 *   bun bench/fetch_bench_bun.ts
 *   LATCH_BENCH_SMOKE=1 bun bench/fetch_bench_bun.ts   # a few samples: checks it runs, no result
 *
 * The returned Response is not read, as in the Deno runner.
 *
 * @module
 */

import { runMitata } from "./_mitata.ts";
import { PEERS } from "./_peers.ts";
import { ELYSIA_PEERS } from "./_elysia_peer.ts";
import { setupScenarios } from "./_scenarios.ts";

const env = (globalThis as { process: { env: Record<string, string | undefined> } }).process.env;
// run.ts runs one group and framework per process (see ScenarioFilter); alone, this runs all.
const scenarios = await setupScenarios([...PEERS, ...ELYSIA_PEERS], {
  group: env.LATCH_BENCH_GROUP,
  framework: env.LATCH_BENCH_FRAMEWORK,
});
await runMitata(scenarios.map(({ group, name, fn }) => ({ group, name, fn })));

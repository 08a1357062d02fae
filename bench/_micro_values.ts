/**
 * Reading the micro-benchmark results of `BenchData` per round: a case's
 * value in each round, and its ratio to (or difference from) a baseline
 * measured in the same process. `run.ts` runs each framework in a process of
 * its own next to its own copy of the group's baseline, stored as
 * `<baseline> @ <framework>`; results of a smoke run (one process for
 * everything) have only the plain baseline, which is then used.
 *
 * @module
 */

import { type BenchData, caseKey, type Runtime } from "./_bench_data.ts";

/**
 * The per-round values of one case, rounds without it left out.
 *
 * @param data The run.
 * @param runtime Whose results.
 * @param group The case's group.
 * @param name The case's name.
 * @returns Nanoseconds per iteration, one per round.
 */
export function caseValues(
  data: BenchData,
  runtime: Runtime,
  group: string,
  name: string,
): number[] {
  return data.micro[runtime]
    .map((round) => round[caseKey(group, name)])
    .filter((value): value is number => value !== undefined);
}

/**
 * The per-round comparisons of a case with the baseline of the process it ran in.
 *
 * @param data The run.
 * @param runtime Whose results.
 * @param group The case's group.
 * @param name The case's name.
 * @param baseline The baseline's name.
 * @param framework The process the case ran in (what follows `@` in the baseline's key).
 * @param compare What to take of the two: `value / base`, `value - base`…
 * @returns One number per round that has both.
 */
export function againstProcessBaseline(
  data: BenchData,
  runtime: Runtime,
  group: string,
  name: string,
  baseline: string,
  framework: string,
  compare: (value: number, base: number) => number,
): number[] {
  const result: number[] = [];
  for (const round of data.micro[runtime]) {
    const value = round[caseKey(group, name)];
    const base = round[caseKey(group, `${baseline} @ ${framework}`)] ??
      round[caseKey(group, baseline)];
    if (value !== undefined && base !== undefined) result.push(compare(value, base));
  }
  return result;
}

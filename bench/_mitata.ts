/**
 * The Bun side of the benchmarks: times cases with mitata's `measure`, prints
 * a table, and, when `LATCH_BENCH_JSON` names a file, writes the results there
 * for `run.ts`. `LATCH_BENCH_SMOKE=1` takes a handful of samples per case: it
 * checks that every case runs, and its numbers mean nothing.
 *
 * @module
 */

import { measure } from "mitata";
import { writeFile } from "node:fs/promises";

/** One case to time: either `fn` alone, or `fn(setup())` with `setup` run untimed before each call. */
export interface MitataCase<T = unknown> {
  /** The group it belongs to. */
  readonly group: string;
  /** Its name, unique within the group. */
  readonly name: string;
  /** Makes the argument of one timed call, outside the timing (a fresh app, say). */
  readonly setup?: () => T | Promise<T>;
  /** The timed body. */
  readonly fn: (argument: T) => unknown;
}

/**
 * A case with a typed `setup`, as `runMitata` takes it: `fn`'s argument is
 * whatever `setup` made, which the list of cases cannot express per case.
 *
 * @param item The case.
 * @returns The same case.
 */
export function withSetup<T>(item: MitataCase<T>): MitataCase<never> {
  return item as unknown as MitataCase<never>;
}

/** What one case measured, in nanoseconds per iteration. */
export interface BenchRecord {
  /** The case's group. */
  readonly group: string;
  /** The case's name. */
  readonly name: string;
  /** The median time per iteration (mitata's p50). */
  readonly ns: number;
  /** The mean time per iteration. */
  readonly avg: number;
  /** The 25th percentile. */
  readonly p25: number;
  /** The 75th percentile. */
  readonly p75: number;
}

/** The file `run.ts` reads a runner's results from, if any. */
export function jsonOutputPath(): string | undefined {
  return env().LATCH_BENCH_JSON || undefined;
}

/** Whether `LATCH_BENCH_SMOKE=1`: a few samples per case, to check that it runs. */
export function smokeMode(): boolean {
  return env().LATCH_BENCH_SMOKE === "1";
}

function env(): Record<string, string | undefined> {
  return (globalThis as { process?: { env: Record<string, string | undefined> } }).process?.env ??
    {};
}

/**
 * Times every case, one after another, and reports the results.
 *
 * @param cases The cases, in the order they run.
 * @returns The results, in the same order.
 */
export async function runMitata(cases: readonly MitataCase<never>[]): Promise<BenchRecord[]> {
  const smoke = smokeMode();
  // A full run takes mitata's defaults but a shorter budget per case, so the
  // whole suite runs in minutes; each case still takes hundreds of samples.
  const options = smoke
    ? { min_samples: 2, max_samples: 4, min_cpu_time: 1e6 }
    : { min_cpu_time: 300e6 };
  const records: BenchRecord[] = [];
  let group = "";
  for (const item of cases) {
    if (item.group !== group) {
      group = item.group;
      console.log(`\n${group}`);
    }
    const { setup, fn } = item as unknown as MitataCase<unknown>;
    // Each case hands mitata its own closure: mitata compiles a loop per
    // measure() call, so no call site is shared between cases.
    // A case with a setup is timed call by call (no batching): mitata would
    // otherwise make thousands of fresh apps up front for each batch.
    const stats = setup === undefined
      ? await measure(fn as () => unknown, options)
      : await measure(function* () {
        yield { [0]: setup, bench: fn };
      }, { ...options, batch_threshold: 0 });
    records.push({
      group: item.group,
      name: item.name,
      ns: stats.p50,
      avg: stats.avg,
      p25: stats.p25,
      p75: stats.p75,
    });
    console.log(
      `  ${item.name.padEnd(44)} p50 ${format(stats.p50).padStart(10)}  avg ${
        format(stats.avg).padStart(10)
      }${smoke ? "  (smoke run, not a result)" : ""}`,
    );
  }
  const path = jsonOutputPath();
  if (path !== undefined) {
    await writeFile(path, JSON.stringify({ runtime: `Bun/${bunVersion()}`, records }));
  }
  return records;
}

function bunVersion(): string {
  return (globalThis as { Bun?: { version: string } }).Bun?.version ?? "unknown";
}

/** A duration in nanoseconds, in the unit that reads best. */
export function format(ns: number): string {
  if (ns >= 1e6) return `${(ns / 1e6).toFixed(2)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toFixed(2)} µs`;
  return `${ns.toFixed(1)} ns`;
}

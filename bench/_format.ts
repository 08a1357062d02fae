/**
 * Formatting for the benchmark report: durations, ratios, ranges, Markdown
 * tables, and the runtimes' names.
 *
 * @module
 */

import type { Runtime } from "./_bench_data.ts";

/** The runtimes, in the order the report shows them. */
export const RUNTIMES: readonly Runtime[] = ["deno", "bun"];

/** How the report names each runtime. */
export const RUNTIME_NAMES: Record<Runtime, string> = { deno: "Deno", bun: "Bun" };

/** A duration given in nanoseconds, in the unit that reads best. */
export function time(ns: number): string {
  if (!Number.isFinite(ns)) return "—";
  if (ns >= 1e6) return `${(ns / 1e6).toPrecision(3)} ms`;
  if (ns >= 1e3) return `${(ns / 1e3).toPrecision(3)} µs`;
  return `${ns.toPrecision(3)} ns`;
}

/** A duration for an axis tick: "50 µs", not "50.0 µs"; "0", not "0.00 ns". */
export function tickTime(ns: number): string {
  return ns === 0 ? "0" : time(ns).replace(/\.0+ /, " ");
}

/** A ratio, as "1.23×". */
export function ratio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(2)}×` : "—";
}

/** " (low–high)" of `values`, formatted; empty for fewer than two. */
export function range(values: readonly number[], format: (value: number) => string): string {
  if (values.length < 2) return "";
  const low = format(Math.min(...values));
  const high = format(Math.max(...values));
  // "52.8–62.9 ns" rather than "52.8 ns–62.9 ns" when both ends share a unit.
  const unit = / \S+$/.exec(high)?.[0];
  return unit !== undefined && low.endsWith(unit)
    ? ` (${low.slice(0, -unit.length)}–${high})`
    : ` (${low}–${high})`;
}

/** A Markdown table: the first column left-aligned, the others right-aligned. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const lines = [
    `| ${header.join(" | ")} |`,
    `| ${header.map((_, index) => (index === 0 ? "---" : "--:")).join(" | ")} |`,
    ...rows.map((row) => `| ${row.join(" | ")} |`),
  ];
  return lines.join("\n");
}

/**
 * The report's section on the fresh-request groups: every iteration makes a
 * new `Request`, as a server does, where the other per-request groups reuse
 * one. Making it costs the same in every case of a group, so the figure to
 * read is what a case adds over bare, in nanoseconds, next to what it adds
 * over bare with a reused request.
 *
 * @module
 */

import type { BenchData, Runtime } from "./_bench_data.ts";
import { range, ratio, RUNTIME_NAMES, RUNTIMES, table, time } from "./_format.ts";
import { againstProcessBaseline, caseValues } from "./_micro_values.ts";
import { median } from "./_stats.ts";
import { FRESH_DEPTH, FRESH_POOL, freshGroupOf, groupOf, nameOf, READS } from "./_scenarios.ts";

/** The frameworks of the fresh-request groups, in the order the report shows them. */
const FRESH_FRAMEWORKS = [
  "bare",
  READS,
  "hand-written chain",
  "latch",
  "hono",
  "h3",
  "elysia",
  "elysia (onRequest)",
  "itty",
];

/** A case's name in a fresh-request group: the two floors have no middleware. */
function freshName(framework: string): string {
  return nameOf(framework, framework === "bare" || framework === READS ? 0 : FRESH_DEPTH);
}

/** The bare baseline's name. */
const BARE = nameOf("bare", 0);

/** Per round: a case minus the bare case of its own process, ns. */
function overBare(
  data: BenchData,
  runtime: Runtime,
  group: string,
  framework: string,
): number[] {
  return againstProcessBaseline(
    data,
    runtime,
    group,
    freshName(framework),
    BARE,
    framework,
    (value, base) => value - base,
  );
}

/** `median (low–high)` of values, or "—". */
export function spread(values: readonly number[], format: (value: number) => string): string {
  return values.length === 0 ? "—" : `${format(median(values))}${range(values, format)}`;
}

/** `1.23× (1.20–1.30)` of ratios, or "—". */
export function ratioSpread(values: readonly number[]): string {
  return values.length === 0
    ? "—"
    : `${ratio(median(values))}${range(values, (x) => x.toFixed(2))}`;
}

/**
 * What latch adds over the floors, per round, with a fresh request and with
 * a reused one: the figures the HTTP benchmark's cost per request is held
 * against.
 *
 * @param data The run.
 * @param runtime Whose results.
 * @param route Which route.
 * @returns ns per round: over bare (reused), over bare (fresh), over reads (fresh).
 */
export function latchFreshCost(
  data: BenchData,
  runtime: Runtime,
  route: "static" | "param",
): { reusedOverBare: number[]; freshOverBare: number[]; freshOverReads: number[] } {
  const group = freshGroupOf(route);
  const latch = overBare(data, runtime, group, "latch");
  const reads = overBare(data, runtime, group, READS);
  return {
    reusedOverBare: againstProcessBaseline(
      data,
      runtime,
      groupOf(route, "pass-through"),
      nameOf("latch", FRESH_DEPTH),
      BARE,
      "latch",
      (value, base) => value - base,
    ),
    freshOverBare: latch,
    freshOverReads: latch.length === reads.length
      ? latch.map((value, index) => value - (reads[index] as number))
      : [],
  };
}

/**
 * The fresh-request section.
 *
 * @param data The run.
 * @returns Markdown lines.
 */
export function freshSection(data: BenchData): string[] {
  const out: string[] = [
    "## Per request, a fresh `Request` each time",
    "",
    `The groups above reuse one \`Request\`. Here every iteration makes a new one, as a server does for every request, so that reading its URL and method for the first time, routing a path string never seen, and collecting both are in the time; the param route cycles through ${
      FRESH_POOL.toLocaleString("en-US")
    } prebuilt URLs (\`/users/42\`, \`/users/43\`, …), so its param differs from one request to the next. A new \`Request\` per iteration rather than a pool of prebuilt ones: a prebuilt \`Request\` has its URL parsed and cached after the first round through the pool, which a server's request never has, and a pool would leave the requests' garbage out. Making the \`Request\` costs the same in every case of a group, bare included, so ×bare understates every difference: read *over bare*, the case minus the bare case of its own process (same round), in nanoseconds. \`reads\` is the floor of any router: it reads \`request.url\` and \`request.method\` and makes one \`Map\` lookup. ${FRESH_DEPTH} pass-through middleware everywhere else.`,
    "",
  ];
  for (const route of ["static", "param"] as const) {
    const group = freshGroupOf(route);
    const rows: string[][] = [];
    for (const framework of FRESH_FRAMEWORKS) {
      const name = freshName(framework);
      if (RUNTIMES.every((runtime) => caseValues(data, runtime, group, name).length === 0)) {
        continue;
      }
      rows.push([
        framework,
        ...RUNTIMES.flatMap((runtime) => [
          spread(caseValues(data, runtime, group, name), time),
          ratioSpread(
            againstProcessBaseline(data, runtime, group, name, BARE, framework, (v, b) => v / b),
          ),
          framework === "bare" ? "" : spread(overBare(data, runtime, group, framework), time),
        ]),
      ]);
    }
    out.push(
      `### ${group}`,
      "",
      table(
        ["framework", "Deno", "Deno ×bare", "Deno over bare", "Bun", "Bun ×bare", "Bun over bare"],
        rows,
      ),
      "",
    );
  }
  const costRows: string[][] = [];
  for (const runtime of RUNTIMES) {
    for (const route of ["static", "param"] as const) {
      const cost = latchFreshCost(data, runtime, route);
      costRows.push([
        `${RUNTIME_NAMES[runtime]}, ${route === "static" ? "GET /" : "GET /users/:id"}`,
        spread(cost.reusedOverBare, time),
        spread(cost.freshOverBare, time),
        spread(cost.freshOverReads, time),
      ]);
    }
  }
  out.push(
    "### What latch adds to a request, reused or fresh",
    "",
    `latch with ${FRESH_DEPTH} pass-through middleware, per request: over bare with the reused \`Request\` (the groups above), over bare with a fresh one, and over the \`reads\` floor with a fresh one (latch minus bare, minus reads minus bare, each bare from its own process and round). The HTTP section gives the same cost as the servers see it.`,
    "",
    table(
      ["runtime, route", "reused: over bare", "fresh: over bare", "fresh: over reads"],
      costRows,
    ),
    "",
  );
  return out;
}

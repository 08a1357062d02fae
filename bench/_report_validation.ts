/**
 * The report's section on the validated POST (`validation_bench*`): each
 * framework's request with and without validating the JSON body, as a ratio
 * to the hand-written handler (`await request.json()`, then the schema's
 * `~standard.validate`) measured in the same process, and the schema alone.
 *
 * @module
 */

import type { BenchData, Runtime } from "./_bench_data.ts";
import { RUNTIMES, table, time } from "./_format.ts";
import { againstProcessBaseline, caseValues } from "./_micro_values.ts";
import { ratioSpread, spread } from "./_report_fresh.ts";
import { HAND_WRITTEN, LATCH_VALIDATED, REQUEST_GROUP, SCHEMA_GROUP } from "./_validation_cases.ts";

/** The schema group's baseline: zod's `validate` on an object already parsed. */
const SCHEMA_BASELINE = "zod ~standard.validate(object)";

/** The framework a request case ran with: its name up to the first comma ("latch, zod…"). */
function frameworkOf(name: string): string {
  return name.slice(0, name.indexOf(","));
}

/** The cases of a group that a run has, in the order they first appear, without baseline copies. */
function namesIn(data: BenchData, group: string): string[] {
  const names = new Set<string>();
  for (const runtime of RUNTIMES) {
    for (const round of data.micro[runtime]) {
      for (const key of Object.keys(round)) {
        const [keyGroup, name] = key.split("\u0000") as [string, string];
        if (keyGroup === group && !name.includes(" @ ")) names.add(name);
      }
    }
  }
  return [...names];
}

/**
 * Per round: a request case's time over the hand-written handler's in the same process.
 *
 * @param data The run.
 * @param runtime Whose results.
 * @param name The case (latch's validating case when absent).
 * @returns One ratio per round.
 */
export function overHandWritten(
  data: BenchData,
  runtime: Runtime,
  name: string = LATCH_VALIDATED,
): number[] {
  if (name === HAND_WRITTEN) return caseValues(data, runtime, REQUEST_GROUP, name).map(() => 1);
  return againstProcessBaseline(
    data,
    runtime,
    REQUEST_GROUP,
    name,
    HAND_WRITTEN,
    frameworkOf(name),
    (value, base) => value / base,
  );
}

/**
 * The validated-POST section; empty for results from before it was measured.
 *
 * @param data The run.
 * @returns Markdown lines.
 */
export function validationSection(data: BenchData): string[] {
  const requests = namesIn(data, REQUEST_GROUP);
  if (requests.length === 0) return [];
  const requestRows = requests.map((name) => [
    name,
    ...RUNTIMES.flatMap((runtime) => [
      spread(caseValues(data, runtime, REQUEST_GROUP, name), time),
      ratioSpread(overHandWritten(data, runtime, name)),
    ]),
  ]);
  const schemaRows = namesIn(data, SCHEMA_GROUP).map((name) => [
    name,
    ...RUNTIMES.flatMap((runtime) => [
      spread(caseValues(data, runtime, SCHEMA_GROUP, name), time),
      ratioSpread(
        data.micro[runtime].flatMap((round) => {
          const value = round[`${SCHEMA_GROUP}\u0000${name}`];
          const base = round[`${SCHEMA_GROUP}\u0000${SCHEMA_BASELINE}`];
          return value === undefined || base === undefined ? [] : [value / base];
        }),
      ),
    ]),
  ]);
  return [
    "## Validated POST",
    "",
    "`POST /todos` with a 3-field JSON body (`Content-Length` set, as every client sends it for a body of known size) and a zod schema (`title` 1–200 characters, `done` boolean, `priority` integer 1–5); every case answers 201 with the todo and is checked once before it is timed, and makes its `Request` inside the timing (a body is read once). The baseline is the hand-written handler: `await request.json()`, then the schema's `~standard.validate`, then `Response.json(value, { status: 201 })` (422 with the issues). latch validates with `{ body: schema }` on the route; Hono with `zValidator('json', schema)` from `@hono/zod-validator`; Elysia (Bun) with `t.Object`. Each framework runs in a process of its own next to its own hand-written baseline; ×hand-written is taken within each process and round, median over rounds.",
    "",
    table(["case", "Deno", "Deno ×hand-written", "Bun", "Bun ×hand-written"], requestRows),
    "",
    "The schema alone, on an object already parsed, and with `JSON.parse` first:",
    "",
    table(["case", "Deno", "Deno ×validate", "Bun", "Bun ×validate"], schemaRows),
    "",
  ];
}

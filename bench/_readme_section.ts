/**
 * The README's benchmark section, written by `run.ts` from the same run as
 * `RESULTS.md`: how the suite measures, the machine and versions, the
 * headline table, the charts and the targets table, between the README's
 * `<!-- bench:start -->` and `<!-- bench:end -->` markers. Nothing in it is
 * typed by hand, so it cannot drift from the results it summarizes.
 *
 * @module
 */

import type { BenchData } from "./_bench_data.ts";
import type { RenderedReport } from "./_report.ts";
import { describeLoad, describePeers, loadOf } from "./_report_sections.ts";

/** The README's markers around the section. */
export const README_MARKERS = ["<!-- bench:start -->", "<!-- bench:end -->"] as const;

/**
 * The section's Markdown, without the markers.
 *
 * @param data What the run measured.
 * @param report What `renderReport` made of it.
 * @returns The section.
 */
export function readmeSection(data: BenchData, report: RenderedReport): string {
  const { machine } = data;
  return [
    "",
    "<!-- Written by bench/run.ts from the run that wrote bench/RESULTS.md: edit bench/_readme_section.ts, not this. -->",
    "",
    `\`npm run bench\` (or \`deno task bench\`; about ${
      Math.max(1, Math.round(data.elapsedMs / 60_000))
    } minutes on this machine) runs every benchmark in [\`bench/\`](bench/) and writes [\`bench/RESULTS.md\`](bench/RESULTS.md) with all the tables, the machine, the runtime versions, the date and the charts, and this section. \`Deno.bench\` times the scenarios on Deno and mitata on Bun, from the same definitions (\`bench/_scenarios.ts\`); each framework runs in a process of its own next to its own bare baseline; ${data.rounds} rounds; a figure is the median over rounds, a ratio the median of the ratios taken within each round, with the min–max over rounds in brackets. Every case is checked to answer correctly, and every build to run once, before anything is timed; \`npm test\` runs the whole suite once in a smoke mode so it cannot rot, and asserts no timing. Over HTTP every server runs in a fresh process under ${
      describeLoad(loadOf(data), machine.node)
    }, ${data.httpRounds ?? data.rounds} interleaved rounds.`,
    "",
    `Measured ${
      machine.date.slice(0, 10)
    } on the ${machine.nproc}-core development machine (${machine.cpu}, shared, so noisy), Deno ${machine.deno} and Bun ${machine.bun} (peers: ${
      describePeers(data)
    }). Once built, \`GET /\` with 10 pass-through middleware, against the bare handler \`(request) => new Response("ok")\` of the same process:`,
    "",
    report.headline,
    "",
    "![per request against N, GET /](bench/charts/per-request-static-pass-through.svg)",
    "",
    "![per request against N, GET /users/:id](bench/charts/per-request-param-pass-through.svg)",
    "",
    "![build time against N](bench/charts/build-vs-middleware.svg)",
    "",
    "![break-even against N](bench/charts/break-even.svg)",
    "",
    "The targets, read from the same run (the HTTP ones: `GET /users/42`, 10 pass-through middleware; the _reads_ floor is a handler that reads `request.url` and `request.method` and makes one `Map` lookup):",
    "",
    report.targets,
    "",
    "Where latch's time per request goes over HTTP, function by function on both runtimes, and what stands between it and the targets it misses: [`bench/PROFILE.md`](bench/PROFILE.md).",
    "",
  ].join("\n");
}

/**
 * `readme` with its section between the markers replaced by `section`.
 *
 * @param readme The README's text.
 * @param section The new section.
 * @returns The new text.
 */
export function withReadmeSection(readme: string, section: string): string {
  const [open, close] = README_MARKERS;
  const start = readme.indexOf(open);
  const end = readme.indexOf(close);
  if (start === -1 || end < start) {
    throw new Error(
      `README.md has no "${open}" … "${close}" pair: put them back around the benchmark section, and run bench/run.ts --report-only`,
    );
  }
  return readme.slice(0, start + open.length) + "\n" + section + "\n" + readme.slice(end);
}

import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { BenchData } from "../bench/_bench_data.ts";
import { renderReport } from "../bench/_report.ts";
import { README_MARKERS, readmeSection, withReadmeSection } from "../bench/_readme_section.ts";

const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
const results = readFileSync(new URL("../bench/results.json", import.meta.url), "utf8");
const REGENERATE = "regenerate it with: deno run --allow-all bench/run.ts --report-only";

/** `markdown` as `deno fmt` leaves it comparable: whitespace collapsed, table padding and rules evened. */
function normalized(markdown: string): string {
  return markdown.replace(/\s+/g, " ").replace(/-{2,}/g, "--").trim();
}

/** The text between the README's markers. */
function sectionOf(text: string): string {
  const [open, close] = README_MARKERS;
  return text.slice(text.indexOf(open) + open.length, text.indexOf(close));
}

test("the README's benchmark section is the one bench/results.json renders", () => {
  const data = JSON.parse(results) as BenchData;
  const expected = readmeSection(data, renderReport(data));
  assert.equal(normalized(sectionOf(readme)), normalized(expected), REGENERATE);
});

test("the README's benchmark section shows the headline and targets tables of bench/RESULTS.md", () => {
  const data = JSON.parse(results) as BenchData;
  const report = renderReport(data);
  const markdown = readFileSync(new URL("../bench/RESULTS.md", import.meta.url), "utf8");
  for (const table of [report.headline, report.targets]) {
    assert.ok(normalized(markdown).includes(normalized(table)), REGENERATE);
    assert.ok(normalized(sectionOf(readme)).includes(normalized(table)), REGENERATE);
  }
});

test("writing the section keeps the README around the markers and replaces what was between", () => {
  const [open, close] = README_MARKERS;
  const before = `# title\n\n${open}\nold figures\n${close}\n\n## next\n`;
  const after = withReadmeSection(before, "new figures");
  assert.equal(after, `# title\n\n${open}\nnew figures\n${close}\n\n## next\n`);
  assert.equal(withReadmeSection(after, "new figures"), after);
});

test("a README without the markers is an error that says how to put them back", () => {
  assert.throws(
    () => withReadmeSection("# no markers here\n", "figures"),
    /has no "<!-- bench:start -->" … "<!-- bench:end -->" pair: put them back/,
  );
  assert.throws(
    () => withReadmeSection(`${README_MARKERS[1]}\n${README_MARKERS[0]}\n`, "figures"),
    /put them back around the benchmark section/,
  );
});

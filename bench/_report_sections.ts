/**
 * The report's sections on runs outside the micro-benchmarks: the first
 * request in fresh processes, and the HTTP load runs.
 *
 * @module
 */

import type { BenchData, ColdSample, Runtime } from "./_bench_data.ts";
import { range, ratio, RUNTIME_NAMES, RUNTIMES, table } from "./_format.ts";
import { median } from "./_stats.ts";

/** The per-round ratios of one HTTP metric of `framework` to `base`'s, same runtime and round. */
export function httpRatios(
  data: BenchData,
  runtime: Runtime,
  framework: string,
  base: string,
  metric: "requestsPerSecond" | "p99Ms",
): number[] {
  const result: number[] = [];
  for (let round = 0; round < data.rounds; round++) {
    const find = (name: string) =>
      data.http.find((s) => s.runtime === runtime && s.framework === name && s.round === round);
    const a = find(framework);
    const b = find(base);
    if (a !== undefined && b !== undefined) result.push(a[metric] / b[metric]);
  }
  return result;
}

/** The HTTP section: req/s and p99 per server and runtime, and their ratios to bare. */
export function httpSection(data: BenchData): string[] {
  const rows: string[][] = [];
  for (const runtime of RUNTIMES) {
    for (const framework of ["bare", "latch", "hono"]) {
      const samples = data.http.filter((s) => s.runtime === runtime && s.framework === framework);
      if (samples.length === 0) continue;
      const rps = samples.map((s) => s.requestsPerSecond);
      const p99 = samples.map((s) => s.p99Ms);
      const rpsRatio = httpRatios(data, runtime, framework, "bare", "requestsPerSecond");
      const p99Ratio = httpRatios(data, runtime, framework, "bare", "p99Ms");
      rows.push([
        RUNTIME_NAMES[runtime],
        framework,
        `${Math.round(median(rps)).toLocaleString("en-US")}${
          range(rps, (x) => Math.round(x).toLocaleString("en-US"))
        }`,
        `${ratio(median(rpsRatio))}${range(rpsRatio, (x) => x.toFixed(2))}`,
        `${median(p99).toFixed(1)} ms${range(p99, (x) => x.toFixed(0))}`,
        `${ratio(median(p99Ratio))}`,
      ]);
    }
  }
  return [
    "## Over HTTP",
    "",
    '`Deno.serve(app.fetch)` and `Bun.serve({ fetch: app.fetch })` on 127.0.0.1 (port 0), each server a fresh process, loaded by autocannon (Node, 50 connections, no pipelining) on `GET /users/42`: 1 s of warm-up, then the measured run. `bare` answers `new Response("ok")` with no routing; latch and Hono have 10 pass-through middleware and the param route. Client and server share the 2 cores, so absolute numbers are low; the ratios are within each round, medians over rounds. autocannon reports latency in whole milliseconds, so p99 moves in steps of 1 ms.',
    "",
    table(["runtime", "server", "req/s", "×bare", "p99", "p99 ×bare"], rows),
    "",
  ];
}

/** The fresh-process section: the first request, in process and over HTTP, lazy and eager. */
export function coldSection(samples: readonly ColdSample[]): string[] {
  const rows: string[][] = [];
  const ms = (value: number) => `${value.toFixed(1)} ms`;
  for (const runtime of RUNTIMES) {
    const sizes = [...new Set(samples.map((s) => `${s.n}/${s.r}`))];
    for (const size of sizes) {
      const [n, r] = size.split("/");
      const pick = (mode: ColdSample["mode"]) =>
        samples.filter((s) => s.runtime === runtime && s.mode === mode && `${s.n}/${s.r}` === size);
      const first = (mode: ColdSample["mode"], field: "firstRequestMs" | "sinceStartMs") => {
        const v = pick(mode).map((s) => s[field]).filter((x): x is number => x !== undefined);
        return v.length === 0 ? "—" : `${ms(median(v))}${range(v, (x) => x.toFixed(1))}`;
      };
      const serve = (mode: ColdSample["mode"], field: "listeningMs" | "answeredMs") => {
        const v = pick(mode).map((s) => s[field]).filter((x): x is number => x !== undefined);
        return v.length === 0 ? "—" : `${ms(median(v))}${range(v, (x) => x.toFixed(0))}`;
      };
      rows.push([
        RUNTIME_NAMES[runtime],
        `${n} / ${r}`,
        first("lazy", "firstRequestMs"),
        first("eager", "firstRequestMs"),
        first("lazy", "sinceStartMs"),
        serve("serve-lazy", "listeningMs"),
        serve("serve-eager", "listeningMs"),
        serve("serve-lazy", "answeredMs"),
        serve("serve-eager", "answeredMs"),
      ]);
    }
  }
  const runs = samples.length === 0
    ? 0
    : samples.filter((s) => s.runtime === "deno" && s.mode === "lazy" && s.n === samples[0]?.n)
      .length;
  return [
    "### The very first request, in a fresh process",
    "",
    "Where lazy beats building at import time: a lazy app listens sooner, by about its build, because nothing is built before `serve`; its first answer comes at about the same time as an eager app's when that request arrives at once, since both must build before answering it. Eager answers its first request sooner only when that request arrives after the build would have finished (then it finds the app built); lazy is ahead whenever being up early counts (a platform's health check, a port probe), and it never pays the build for a process that serves nothing.",
    "",
    `Each figure is the median of ${runs} fresh processes (range in brackets). The app has N async factories and R param routes. *In process*: \`app.fetch(first request)\` timed from just before the call (lazy: it builds) or from just before \`await app.ready()\` (eager), to the answer; and when that answer came in the process's own clock (\`performance.now()\` since it started, imports included). *Over HTTP*: the parent spawns the process, reads its port once it listens, sends the first request at once, and times both from the spawn: \`serve-lazy\` serves at once and builds on that request, \`serve-eager\` builds at import time (\`await app.ready()\`) and then serves. Every process checks that it built once (\`app.stats.builds\` and a counting factory).`,
    "",
    table([
      "runtime",
      "N / R",
      "lazy: build + 1st request",
      "eager: ready() + 1st request",
      "lazy: answered since process start",
      "HTTP lazy: listening",
      "HTTP eager: listening",
      "HTTP lazy: 1st answer",
      "HTTP eager: 1st answer",
    ], rows),
    "",
  ];
}

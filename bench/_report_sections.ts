/**
 * The report's sections on runs outside the micro-benchmarks: the first
 * request in fresh processes, and the HTTP load runs.
 *
 * @module
 */

import type { BenchData, ColdSample, LoadGenerator, Runtime } from "./_bench_data.ts";
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

/**
 * What loaded the HTTP servers: `data.load`, or for results from before it was
 * recorded, autocannon with 50 connections (the only load generator then).
 */
export function loadOf(data: BenchData): LoadGenerator {
  return data.load ?? {
    tool: "autocannon",
    version: data.machine.peers["autocannon"] ?? "unknown",
    connections: 50,
    threads: 1,
  };
}

/** The load generator in a phrase: "wrk 4.1.0 (C, 1 thread, 50 connections, …)". */
export function describeLoad(load: LoadGenerator, nodeVersion: string): string {
  return load.tool === "wrk"
    ? `wrk ${load.version} (C, ${load.threads} thread${
      load.threads === 1 ? "" : "s"
    }, ${load.connections} keep-alive connections, no pipelining)`
    : `autocannon ${load.version} (run by Node ${nodeVersion}, one event loop, ${load.connections} keep-alive connections, no pipelining)`;
}

/** The HTTP section: req/s and p99 per server and runtime, and their ratios to bare. */
export function httpSection(data: BenchData): string[] {
  const load = loadOf(data);
  // wrk's histogram is in microseconds; autocannon reports whole milliseconds.
  const p99Digits = load.tool === "wrk" ? 2 : 0;
  // Results from before `position` was recorded rotated the same order on both runtimes.
  const order = data.http.some((s) => s.position !== undefined)
    ? "Within each round and runtime the three servers run one after another in a rotated order (one step further each round, Bun one step ahead of Deno, and the runtime that goes first alternates), so that over three rounds each server runs once first, once second and once last on each runtime."
    : "The three servers ran one after another, their order rotated by one each round (the same order on both runtimes, Deno first).";
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
        `${median(p99).toFixed(Math.max(1, p99Digits))} ms${
          range(p99, (x) => x.toFixed(p99Digits))
        }`,
        `${ratio(median(p99Ratio))}`,
      ]);
    }
  }
  return [
    "## Over HTTP",
    "",
    `\`Deno.serve(app.fetch)\` and \`Bun.serve({ fetch: app.fetch })\` on 127.0.0.1 (port 0), each server a fresh process, loaded by ${
      describeLoad(load, data.machine.node)
    } on \`GET /users/42\`: 1 s of warm-up, then the measured run. \`bare\` answers \`new Response("ok")\` with no routing; latch and Hono have 10 pass-through middleware and the param route. Client and server share the ${data.machine.nproc} cores, so absolute numbers are low; the ratios are within each round, medians over rounds. ${order}`,
    "",
    load.tool === "wrk"
      ? "wrk, a C client on one thread, spends far less CPU per request than autocannon in Node, which on 2 cores was itself the bottleneck (every server, bare included, gave about the same req/s). wrk records latency in microseconds, so p99 is given to 0.01 ms. Where wrk is not installed (as on CI), `run.ts` falls back to autocannon, whose latencies are whole milliseconds."
      : "autocannon runs in Node and, on a 2-core machine, is itself the bottleneck: every server, bare included, then gives about the same req/s, so ratios near 1× are not differences between servers. It reports latency in whole milliseconds, so p99 moves in steps of 1 ms. `run.ts` uses `wrk` instead when it is on PATH; wrk records latency in microseconds.",
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

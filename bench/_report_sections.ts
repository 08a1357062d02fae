/**
 * The report's sections on runs outside the micro-benchmarks: the first
 * request in fresh processes, and the HTTP load runs.
 *
 * @module
 */

import type { BenchData, ColdSample, HttpSample, LoadGenerator, Runtime } from "./_bench_data.ts";
import { range, ratio, RUNTIME_NAMES, RUNTIMES, table } from "./_format.ts";
import { median } from "./_stats.ts";
import { HTTP_FLOOR, HTTP_SERVERS } from "./_http_servers.ts";

/** The per-round ratios of one HTTP metric of `framework` to `base`'s, same runtime and round. */
export function httpRatios(
  data: BenchData,
  runtime: Runtime,
  framework: string,
  base: string,
  metric: "requestsPerSecond" | "p99Ms",
): number[] {
  return httpPairs(data, runtime, framework, base, (a, b) => a[metric] / b[metric]);
}

/**
 * Per round: the server time per request `framework` spends over `base`, in
 * ns: 1/req/s minus the base's 1/req/s. With the server saturated on its one
 * pinned core, 1/req/s is the CPU time the server spends on each request.
 */
export function httpNsOver(
  data: BenchData,
  runtime: Runtime,
  framework: string,
  base: string,
): number[] {
  return httpPairs(
    data,
    runtime,
    framework,
    base,
    (a, b) => 1e9 / a.requestsPerSecond - 1e9 / b.requestsPerSecond,
  );
}

/** Per round that has both: `compare` of `framework`'s sample and `base`'s, same runtime. */
function httpPairs(
  data: BenchData,
  runtime: Runtime,
  framework: string,
  base: string,
  compare: (a: HttpSample, b: HttpSample) => number,
): number[] {
  const result: number[] = [];
  for (let round = 0; round < (data.httpRounds ?? data.rounds); round++) {
    const find = (name: string) =>
      data.http.find((s) => s.runtime === runtime && s.framework === name && s.round === round);
    const a = find(framework);
    const b = find(base);
    if (a !== undefined && b !== undefined) result.push(compare(a, b));
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

/** The peers' versions in a phrase, as the run recorded them: "hono 4.13.19, h3 2.0.8, …". */
export function describePeers(data: BenchData): string {
  return Object.entries(data.machine.peers).map(([name, version]) => `${name} ${version}`).join(
    ", ",
  );
}

/** The load generator in a phrase: "wrk 4.1.0 (C, 1 thread, 50 connections, …)". */
export function describeLoad(load: LoadGenerator, nodeVersion: string): string {
  const pinned = load.serverCpu === undefined || load.loadCpu === undefined
    ? ""
    : `, pinned to CPU ${load.loadCpu} and the server to CPU ${load.serverCpu} with \`taskset\``;
  return load.tool === "wrk"
    ? `wrk ${load.version} (C, ${load.threads} thread${
      load.threads === 1 ? "" : "s"
    }, ${load.connections} keep-alive connections, no pipelining${pinned})`
    : `autocannon ${load.version} (run by Node ${nodeVersion}, one event loop, ${load.connections} keep-alive connections, no pipelining${pinned})`;
}

/** The HTTP section: req/s, latency and cost per request of each server, against the floor. */
export function httpSection(data: BenchData): string[] {
  const load = loadOf(data);
  const rounds = data.httpRounds ?? data.rounds;
  // wrk's histogram is in microseconds; autocannon reports whole milliseconds.
  const digits = load.tool === "wrk" ? 2 : 0;
  const ms = (values: readonly number[]) =>
    `${median(values).toFixed(Math.max(1, digits))} ms${range(values, (x) => x.toFixed(digits))}`;
  const whole = (x: number) => Math.round(x).toLocaleString("en-US");
  // Results from before `position` was recorded rotated the same order on both runtimes.
  const order = data.http.some((s) => s.position !== undefined)
    ? "Within each round and runtime the servers run one after another in a rotated order (one step further each round, Bun one step ahead of Deno), and the runtime that goes first alternates."
    : "The servers ran one after another, their order rotated by one each round (the same order on both runtimes, Deno first).";
  const floor = data.http.some((s) => s.framework === HTTP_FLOOR) ? HTTP_FLOOR : "bare";
  const names = [
    ...HTTP_SERVERS.map((server) => server.name as string),
    ...new Set(data.http.map((s) => s.framework)),
  ].filter((name, index, all) => all.indexOf(name) === index);
  const rows: string[][] = [];
  for (const runtime of RUNTIMES) {
    for (const framework of names) {
      const samples = data.http.filter((s) => s.runtime === runtime && s.framework === framework);
      if (samples.length === 0) continue;
      const rps = samples.map((s) => s.requestsPerSecond);
      const rpsRatio = httpRatios(data, runtime, framework, floor, "requestsPerSecond");
      const over = httpNsOver(data, runtime, framework, floor);
      rows.push([
        RUNTIME_NAMES[runtime],
        framework,
        `${whole(median(rps))}${range(rps, whole)}`,
        `${ratio(median(rpsRatio))}${range(rpsRatio, (x) => x.toFixed(3))}`,
        framework === floor ? "" : `${whole(median(over))} ns${range(over, whole)}`,
        ms(samples.map((s) => s.p50Ms)),
        ms(samples.map((s) => s.p99Ms)),
      ]);
    }
  }
  const against = (runtime: Runtime, base: string) => {
    const r = httpRatios(data, runtime, "latch", base, "requestsPerSecond");
    return r.length === 0 ? "—" : `${ratio(median(r))}${range(r, (x) => x.toFixed(3))}`;
  };
  const peers = ["bare", "hono", "h3", "elysia"].filter((name) => name !== floor);
  const latchRows = RUNTIMES.map((runtime) => [
    RUNTIME_NAMES[runtime],
    against(runtime, floor),
    ...peers.map((peer) => against(runtime, peer)),
  ]);
  const described = HTTP_SERVERS.map((server) =>
    `\`${server.name}\`${
      server.runtimes.length === 1 ? ` (${RUNTIME_NAMES[server.runtimes[0] as Runtime]} only)` : ""
    } ${server.description}`
  ).join("; ");
  return [
    "## Over HTTP",
    "",
    `Each server in a fresh process on 127.0.0.1 (port 0), \`Deno.serve(fetch)\` or \`Bun.serve({ fetch })\` unless said otherwise, loaded by ${
      describeLoad(load, data.machine.node)
    } on \`GET /users/42\`: 1 s of warm-up, then the measured run; ${rounds} round${
      rounds === 1 ? "" : "s"
    }. The servers: ${described}. ${order} Ratios are taken within a round (the same runtime, minutes apart), medians over rounds with the range in brackets. *Over ${floor}* is the server's time per request above the floor's: 1/req/s minus the floor's 1/req/s in the same round; with the server saturating its core, that is the CPU time each request costs it on top of the floor.`,
    "",
    load.tool === "wrk"
      ? "wrk, a C client on one thread, spends far less CPU per request than autocannon in Node, which on 2 cores was itself the bottleneck (every server, bare included, gave about the same req/s). wrk records latency in microseconds, so p50 and p99 are given to 0.01 ms. Where wrk is not installed (as on CI), `run.ts` falls back to autocannon, whose latencies are whole milliseconds."
      : "autocannon runs in Node and, on a 2-core machine, is itself the bottleneck: every server, bare included, then gives about the same req/s, so ratios near 1× are not differences between servers. It reports latency in whole milliseconds. `run.ts` uses `wrk` instead when it is on PATH; wrk records latency in microseconds.",
    "",
    table(
      ["runtime", "server", "req/s", `×${floor}`, `over ${floor}`, "p50", "p99"],
      rows,
    ),
    "",
    "latch's requests per second over each other server's, within a round:",
    "",
    table(["runtime", `latch ÷ ${floor}`, ...peers.map((peer) => `latch ÷ ${peer}`)], latchRows),
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

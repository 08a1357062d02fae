/**
 * Runs every benchmark and writes `bench/RESULTS.md`, `bench/charts/*.svg`
 * and the README's benchmark section (between its `bench:` markers):
 *
 *   deno run --allow-all bench/run.ts                        # full: about 18 min, writes the report
 *   deno run --allow-all bench/run.ts --report-only          # the report again from bench/results.json
 *   LATCH_BENCH_SMOKE=1 deno run --allow-all bench/run.ts    # smoke: checks everything runs, <60 s
 *   LATCH_BENCH_LOAD=autocannon deno run --allow-all bench/run.ts   # HTTP load from autocannon
 *
 * It runs, in rounds (3 in full, `LATCH_BENCH_ROUNDS` to change; 1 in smoke),
 * each alternating Deno and Bun: the per-request benchmark (`fetch_bench.ts`
 * with `deno bench --json`, `fetch_bench_bun.ts` with mitata), the validated
 * POST (`validation_bench*`) and the build benchmark (`build_bench*`); then
 * the first request in fresh processes (`_cold_start.ts`), and the HTTP
 * benchmark in rounds of its own (5 in full, `LATCH_BENCH_HTTP_ROUNDS`): every
 * server of `HTTP_SERVERS` (`_http_servers.ts`) in a fresh process, under
 * `wrk` when it is on PATH, else under autocannon run by Node
 * (`LATCH_BENCH_LOAD=wrk` or `=autocannon` forces one). Where `taskset` is on
 * PATH and there are at least 2 cores, the server runs pinned to CPU 0 and the
 * load generator to CPU 1 (`LATCH_BENCH_PIN=0` turns that off).
 * Every figure reported is the median over rounds, every ratio the median of
 * the ratios of each round, so that a noisy machine moves a case and its
 * baseline together.
 *
 * Smoke mode asserts no timing, but exits non-zero when a case answers wrong,
 * a build count is not 1, or a runner fails; it writes its report to a
 * temporary directory, never over `bench/RESULTS.md`. It starts every HTTP
 * server and checks its answer, but loads only the floor and latch, for 1 s.
 *
 * @module
 */

import { BARE, renderReport } from "./_report.ts";
import { readmeSection, withReadmeSection } from "./_readme_section.ts";
import { median } from "./_stats.ts";
import { BUN_ONLY_PEERS, type PeerInfo, PEERS } from "./_peers.ts";
import { parseWrk } from "./_wrk.ts";
import { frameworksOf, REQUEST_GROUPS } from "./_scenarios.ts";
import { HTTP_FLOOR, HTTP_SERVERS, httpServersOn } from "./_http_servers.ts";
import { HAND_WRITTEN, REQUEST_GROUP, VALIDATION_FRAMEWORKS } from "./_validation_cases.ts";
import {
  type BenchData,
  caseKey,
  type ColdSample,
  type HttpSample,
  type LoadGenerator,
  type Runtime,
} from "./_bench_data.ts";

const smoke = Deno.env.get("LATCH_BENCH_SMOKE") === "1";
const rounds = smoke ? 1 : Number(Deno.env.get("LATCH_BENCH_ROUNDS") ?? 3);
const httpRounds = smoke ? 1 : Number(Deno.env.get("LATCH_BENCH_HTTP_ROUNDS") ?? 5);
const coldRuns = smoke ? 1 : 7;
const httpSeconds = smoke ? 1 : 3;
const benchDir = new URL(".", import.meta.url).pathname;
const root = new URL("..", import.meta.url).pathname;
const deno = Deno.execPath();
const bun = await firstExisting([`${root}node_modules/.bin/bun`]) ?? "bun";
const node = "node";
const autocannon = `${root}node_modules/autocannon/autocannon.js`;
/** Connections the load generator keeps open, one request in flight on each. */
const connections = 50;
const started = performance.now();

/** Runs a command to completion; throws with its output when it fails. */
async function run(
  command: string,
  args: string[],
  options: { env?: Record<string, string>; quiet?: boolean; timeoutMs?: number } = {},
): Promise<string> {
  const output = await new Deno.Command(command, {
    args,
    cwd: root,
    env: options.env ?? {},
    stdout: "piped",
    stderr: options.quiet === true ? "piped" : "inherit",
    signal: AbortSignal.timeout(options.timeoutMs ?? 20 * 60_000),
  }).output();
  const stdout = new TextDecoder().decode(output.stdout);
  if (!output.success) {
    throw new Error(
      `${command} ${args.join(" ")} exited with ${output.code}\n${stdout.slice(-4000)}` +
        new TextDecoder().decode(output.stderr).slice(-4000),
    );
  }
  return stdout;
}

async function firstExisting(paths: string[]): Promise<string | undefined> {
  for (const path of paths) {
    try {
      await Deno.stat(path);
      return path;
    } catch {
      // not there: try the next
    }
  }
  return undefined;
}

function log(message: string): void {
  const seconds = ((performance.now() - started) / 1000).toFixed(0).padStart(4);
  console.error(`[bench ${seconds} s] ${message}`);
}

/** One runner's results: group → name → ns per iteration. */
type RoundResult = Map<string, number>;

interface DenoBenchJson {
  benches: {
    group: string | null;
    name: string;
    results: { ok?: { avg: number }; failed?: unknown }[];
  }[];
}

async function denoBench(file: string, env: Record<string, string> = {}): Promise<RoundResult> {
  const stdout = await run(deno, ["bench", "--json", "--allow-env", `bench/${file}`], {
    env: { ...env, ...(smoke ? { LATCH_BENCH_SMOKE: "1" } : {}) },
  });
  const json = JSON.parse(stdout) as DenoBenchJson;
  const result: RoundResult = new Map();
  for (const bench of json.benches) {
    const ok = bench.results[0]?.ok;
    if (ok === undefined) throw new Error(`deno bench: "${bench.name}" failed`);
    result.set(caseKey(bench.group ?? "", bench.name), ok.avg);
  }
  return result;
}

async function bunBench(file: string, env: Record<string, string> = {}): Promise<RoundResult> {
  const path = await Deno.makeTempFile({ suffix: ".json" });
  try {
    await run(bun, [`bench/${file}`], {
      env: { ...env, LATCH_BENCH_JSON: path, ...(smoke ? { LATCH_BENCH_SMOKE: "1" } : {}) },
    });
    const json = JSON.parse(await Deno.readTextFile(path)) as {
      records: { group: string; name: string; ns: number }[];
    };
    return new Map(json.records.map((record) => [caseKey(record.group, record.name), record.ns]));
  } finally {
    await Deno.remove(path);
  }
}

/** Reads a child's stdout line by line. */
function lineReader(stream: ReadableStream<Uint8Array>): () => Promise<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  return async () => {
    while (!buffer.includes("\n")) {
      const { value, done } = await reader.read();
      if (done) throw new Error(`The child process ended before printing a line: ${buffer}`);
      buffer += value;
    }
    const index = buffer.indexOf("\n");
    const line = buffer.slice(0, index);
    buffer = buffer.slice(index + 1);
    return line;
  };
}

function runtimeCommand(runtime: Runtime, script: string, args: string[]): [string, string[]] {
  return runtime === "deno"
    ? [deno, ["run", "--allow-net", "--allow-env", `bench/${script}`, ...args]]
    : [bun, [`bench/${script}`, ...args]];
}

/** `command args`, or the same run by `taskset -c <cpu>` when a CPU is given. */
function pinned(cpu: string | undefined, command: string, args: string[]): [string, string[]] {
  return cpu === undefined ? [command, args] : ["taskset", ["-c", cpu, command, ...args]];
}

function spawn(
  runtime: Runtime,
  script: string,
  args: string[],
  cpu: string | undefined = undefined,
): Deno.ChildProcess {
  const [command, commandArgs] = pinned(cpu, ...runtimeCommand(runtime, script, args));
  return new Deno.Command(command, {
    args: commandArgs,
    cwd: root,
    stdout: "piped",
    stderr: "inherit",
    signal: AbortSignal.timeout(150_000),
  }).spawn();
}

async function stop(child: Deno.ChildProcess): Promise<void> {
  try {
    child.kill("SIGTERM");
  } catch {
    // already gone
  }
  await child.status;
}

/** The first request, in fresh processes. */
async function coldStart(): Promise<ColdSample[]> {
  const samples: ColdSample[] = [];
  const sizes: [number, number][] = [[10, 10], [1000, 1000]];
  for (let index = 0; index < coldRuns; index++) {
    for (const runtime of ["deno", "bun"] as const) {
      for (const [n, r] of sizes) {
        for (const mode of ["lazy", "eager"] as const) {
          const [command, args] = runtimeCommand(runtime, "_cold_start.ts", [mode, `${n}`, `${r}`]);
          const spawned = performance.now();
          const stdout = await run(command, args, { timeoutMs: 60_000 });
          const exitedMs = performance.now() - spawned;
          const line = JSON.parse(stdout.trim().split("\n")[0] ?? "{}");
          checkCold(line, `${runtime} ${mode} N=${n} R=${r}`);
          samples.push({
            runtime,
            mode,
            n,
            r,
            firstRequestMs: line.firstRequestMs,
            sinceStartMs: line.sinceStartMs,
            listeningMs: undefined,
            answeredMs: exitedMs,
          });
        }
        for (const mode of ["serve-lazy", "serve-eager"] as const) {
          const spawned = performance.now();
          const child = spawn(runtime, "_cold_start.ts", [mode, `${n}`, `${r}`]);
          try {
            const next = lineReader(child.stdout);
            const { port } = JSON.parse(await next()) as { port: number };
            const listeningMs = performance.now() - spawned;
            const response = await fetch(`http://127.0.0.1:${port}/r0/42`);
            const body = await response.text();
            const answeredMs = performance.now() - spawned;
            if (response.status !== 200 || body !== "42") {
              throw new Error(`${runtime} ${mode}: answered ${response.status} ${body}`);
            }
            checkCold(
              { status: 200, body, ...JSON.parse(await next()) },
              `${runtime} ${mode} N=${n} R=${r}`,
            );
            samples.push({
              runtime,
              mode,
              n,
              r,
              firstRequestMs: undefined,
              sinceStartMs: undefined,
              listeningMs,
              answeredMs,
            });
          } finally {
            await stop(child);
          }
        }
      }
    }
  }
  return samples;
}

function checkCold(
  line: { status?: number; body?: string; builds?: number; factoryCalls?: number },
  label: string,
): void {
  if (line.status !== 200 || line.body !== "42" || line.builds !== 1 || line.factoryCalls !== 1) {
    throw new Error(
      `Cold start ${label}: expected 200 "42" and one build, got ${JSON.stringify(line)}`,
    );
  }
}

interface AutocannonJson {
  requests: { average: number };
  latency: { p50: number; p99: number };
  non2xx: number;
  errors: number;
  timeouts: number;
}

/** Where `name` is on PATH as an executable file, if it is. */
async function onPath(name: string): Promise<string | undefined> {
  for (const dir of (Deno.env.get("PATH") ?? "").split(":")) {
    if (dir === "") continue;
    try {
      const info = await Deno.stat(`${dir}/${name}`);
      if (info.isFile && ((info.mode ?? 0o111) & 0o111) !== 0) return `${dir}/${name}`;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

/**
 * The HTTP load generator: wrk when it is on PATH, since a C client on one
 * thread outpaces any server here while autocannon (Node) is itself the
 * bottleneck on 2 cores; autocannon otherwise (a fresh CI machine has no wrk).
 * `LATCH_BENCH_LOAD=wrk` or `=autocannon` forces one.
 */
async function loadGenerator(): Promise<LoadGenerator & { command: string }> {
  const cpus = await pinning();
  const wanted = Deno.env.get("LATCH_BENCH_LOAD") ?? "";
  if (!["", "wrk", "autocannon"].includes(wanted)) {
    throw new Error(`LATCH_BENCH_LOAD: expected "wrk" or "autocannon", got "${wanted}"`);
  }
  const wrk = wanted === "autocannon" ? undefined : await onPath("wrk");
  if (wrk !== undefined) {
    // `wrk -v` prints "wrk 4.1.0 [epoll] Copyright …" and its usage, and exits with 1.
    const output = await new Deno.Command(wrk, { args: ["-v"], stdout: "piped", stderr: "piped" })
      .output();
    const text = new TextDecoder().decode(output.stdout) + new TextDecoder().decode(output.stderr);
    const version = /^wrk (\S+)/m.exec(text)?.[1] ?? "unknown";
    return { tool: "wrk", version, connections, threads: 1, ...cpus, command: wrk };
  }
  if (wanted === "wrk") throw new Error("LATCH_BENCH_LOAD=wrk, but wrk is not on PATH");
  const json = JSON.parse(
    await Deno.readTextFile(`${root}node_modules/autocannon/package.json`),
  ) as { version: string };
  return {
    tool: "autocannon",
    version: json.version,
    connections,
    threads: 1,
    ...cpus,
    command: node,
  };
}

/**
 * The CPUs the HTTP server and the load generator are pinned to: 0 and 1,
 * when `taskset` is on PATH and there are at least 2 cores, so that they do
 * not take turns on one core; none otherwise, or with `LATCH_BENCH_PIN=0`.
 */
async function pinning(): Promise<{ serverCpu?: string; loadCpu?: string }> {
  if (Deno.env.get("LATCH_BENCH_PIN") === "0") return {};
  if (await onPath("taskset") === undefined) return {};
  const cores = Number((await run("nproc", [], { quiet: true })).trim());
  return cores >= 2 ? { serverCpu: "0", loadCpu: "1" } : {};
}

/** One load run against a fresh server; none for a server that smoke mode only checks. */
async function httpRun(
  load: LoadGenerator & { command: string },
  runtime: Runtime,
  framework: string,
): Promise<Omit<HttpSample, "round" | "position"> | undefined> {
  const child = spawn(runtime, "_http_server.ts", [framework], load.serverCpu);
  try {
    const { port } = JSON.parse(await lineReader(child.stdout)()) as { port: number };
    const url = `http://127.0.0.1:${port}/users/42`;
    const response = await fetch(url);
    const body = await response.text();
    const expected = HTTP_SERVERS.find((server) => server.name === framework)?.body;
    if (response.status !== 200 || body !== expected) {
      throw new Error(`${runtime} ${framework} server answered ${response.status} ${body}`);
    }
    const label = `${runtime} ${framework}`;
    const measure = async (seconds: number) => {
      if (load.tool === "wrk") {
        const args = ["-t", `${load.threads}`, "-c", `${load.connections}`, "-d", `${seconds}s`];
        const output = await run(
          ...pinned(load.loadCpu, load.command, [...args, "--latency", url]),
          { quiet: true },
        );
        return parseWrk(output, label);
      }
      const output = await run(
        ...pinned(load.loadCpu, load.command, [
          autocannon,
          "-j",
          "-c",
          `${load.connections}`,
          "-d",
          `${seconds}`,
          url,
        ]),
        { quiet: true },
      );
      const result = JSON.parse(output) as AutocannonJson;
      if (result.non2xx > 0 || result.errors > 0) {
        throw new Error(`${label}: ${result.non2xx} non-2xx answers, ${result.errors} errors`);
      }
      return {
        requestsPerSecond: result.requests.average,
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
      };
    };
    if (smoke && framework !== HTTP_FLOOR && framework !== "latch") {
      // Smoke: every server answered right above; only the floor and latch take load,
      // which keeps the run short and still checks the load generator's output is read.
      return undefined;
    }
    if (!smoke) await measure(1); // warm-up: JIT and connection set-up, discarded
    return { runtime, framework, ...(await measure(httpSeconds)) };
  } finally {
    await stop(child);
  }
}

async function machine(): Promise<BenchData["machine"]> {
  const cpuinfo = await Deno.readTextFile("/proc/cpuinfo").catch(() => "");
  const cpu = /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? "unknown";
  const nproc = (await run("nproc", [], { quiet: true })).trim();
  const bunVersion = (await run(bun, ["--version"], { quiet: true })).trim();
  const nodeVersion = (await run(node, ["--version"], { quiet: true })).trim();
  const mitata = JSON.parse(await Deno.readTextFile(`${root}node_modules/mitata/package.json`));
  const versions: Record<string, string> = {};
  for (const name of ["hono", "h3", "elysia", "itty-router"]) {
    const json = JSON.parse(await Deno.readTextFile(`${root}node_modules/${name}/package.json`));
    versions[name] = json.version;
  }
  return {
    cpu,
    nproc,
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    bun: bunVersion,
    node: nodeVersion,
    mitata: mitata.version,
    peers: versions,
    date: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
  };
}

const reportOnly = Deno.args.includes("--report-only");
const load = reportOnly ? undefined : await loadGenerator();
const data: BenchData = reportOnly
  ? JSON.parse(await Deno.readTextFile(`${benchDir}results.json`))
  : {
    smoke,
    rounds,
    httpRounds,
    machine: await machine(),
    micro: { deno: [], bun: [] },
    cold: [],
    http: [],
    load: load === undefined ? undefined : {
      tool: load.tool,
      version: load.version,
      connections: load.connections,
      threads: load.threads,
      ...(load.serverCpu === undefined ? {} : { serverCpu: load.serverCpu }),
      ...(load.loadCpu === undefined ? {} : { loadCpu: load.loadCpu }),
    },
    elapsedMs: 0,
  };

for (let round = 0; round < (reportOnly ? 0 : rounds); round++) {
  // Alternate which runtime goes first, so neither always runs on a warmer (or busier) machine.
  const order: Runtime[] = round % 2 === 0 ? ["deno", "bun"] : ["bun", "deno"];
  const results: Record<Runtime, RoundResult> = { deno: new Map(), bun: new Map() };
  for (const runtime of order) {
    const bench = (topic: string, env: Record<string, string> = {}) =>
      runtime === "deno"
        ? denoBench(`${topic}_bench.ts`, env)
        : bunBench(`${topic}_bench_bun.ts`, env);
    log(`round ${round + 1}/${rounds}: per request on ${runtime}`);
    if (smoke) {
      // One process for everything: the smoke run checks, it does not measure.
      for (const [name, value] of await bench("fetch")) results[runtime].set(name, value);
    } else {
      // One process per framework and group, each with its own bare baseline
      // (stored as "bare, N=0 @ <framework>"): see ScenarioFilter.
      const peers: PeerInfo[] = [...PEERS, ...(runtime === "bun" ? BUN_ONLY_PEERS : [])];
      for (const group of REQUEST_GROUPS) {
        const bares: number[] = [];
        for (const framework of frameworksOf(group, peers)) {
          const env = { LATCH_BENCH_GROUP: group, LATCH_BENCH_FRAMEWORK: framework };
          for (const [name, value] of await bench("fetch", env)) {
            if (name === caseKey(group, BARE)) {
              bares.push(value);
              results[runtime].set(caseKey(group, `${BARE} @ ${framework}`), value);
            } else results[runtime].set(name, value);
          }
        }
        results[runtime].set(caseKey(group, BARE), median(bares));
      }
    }
    log(`round ${round + 1}/${rounds}: validated POST on ${runtime}`);
    if (smoke) {
      for (const [name, value] of await bench("validation")) results[runtime].set(name, value);
    } else {
      // One process per framework, each with its own hand-written baseline
      // (stored as "<baseline> @ <framework>"), as for the per-request groups.
      const baselines: number[] = [];
      for (const framework of VALIDATION_FRAMEWORKS[runtime]) {
        for (
          const [name, value] of await bench("validation", { LATCH_BENCH_FRAMEWORK: framework })
        ) {
          if (name === caseKey(REQUEST_GROUP, HAND_WRITTEN)) {
            baselines.push(value);
            results[runtime].set(caseKey(REQUEST_GROUP, `${HAND_WRITTEN} @ ${framework}`), value);
          } else results[runtime].set(name, value);
        }
      }
      results[runtime].set(caseKey(REQUEST_GROUP, HAND_WRITTEN), median(baselines));
    }
    log(`round ${round + 1}/${rounds}: build on ${runtime}`);
    for (const [name, value] of await bench("build")) results[runtime].set(name, value);
  }
  data.micro.deno.push(Object.fromEntries(results.deno));
  data.micro.bun.push(Object.fromEntries(results.bun));
}

if (!reportOnly) {
  log("first request in fresh processes");
  data.cold = await coldStart();
}

if (load !== undefined) {
  log(`HTTP: load from ${load.tool} ${load.version}`);
  for (let round = 0; round < httpRounds; round++) {
    // Alternate which runtime goes first, as for the micro-benchmarks.
    const runtimes: Runtime[] = round % 2 === 0 ? ["deno", "bun"] : ["bun", "deno"];
    for (const runtime of runtimes) {
      // Rotate the servers' order by one each round, Bun one step ahead of Deno,
      // so that no server always runs first, or right after the same other one.
      const frameworks = httpServersOn(runtime).map((server) => server.name);
      const shift = (round + (runtime === "bun" ? 1 : 0)) % frameworks.length;
      const order = [...frameworks.slice(shift), ...frameworks.slice(0, shift)];
      for (const [position, framework] of order.entries()) {
        log(`round ${round + 1}/${httpRounds}: HTTP, ${framework} on ${runtime}`);
        const sample = await httpRun(load, runtime, framework);
        if (sample !== undefined) data.http.push({ ...sample, round, position });
      }
    }
  }
}

if (!reportOnly) data.elapsedMs = performance.now() - started;
const report = renderReport(data);
const { markdown, charts } = report;
const outDir = data.smoke
  ? await Deno.makeTempDir({ prefix: "latch-bench-smoke-" })
  : benchDir.replace(/\/$/, "");
await Deno.mkdir(`${outDir}/charts`, { recursive: true });
await Deno.writeTextFile(`${outDir}/RESULTS.md`, markdown);
for (const [name, svg] of charts) await Deno.writeTextFile(`${outDir}/charts/${name}`, svg);
await Deno.writeTextFile(`${outDir}/results.json`, JSON.stringify(data, null, 2));
if (!data.smoke) {
  // A real run also writes the README's benchmark section, from the same figures.
  const readme = `${root}README.md`;
  const section = readmeSection(data, report);
  await Deno.writeTextFile(readme, withReadmeSection(await Deno.readTextFile(readme), section));
  // The report lives in the repository, whose `deno fmt --check` covers Markdown, JSON and SVG.
  await run(deno, [
    "fmt",
    "--quiet",
    readme,
    `${outDir}/RESULTS.md`,
    `${outDir}/results.json`,
    `${outDir}/charts/`,
  ]);
}
log(
  `wrote ${outDir}/RESULTS.md and ${charts.size} charts${
    smoke ? " (smoke: not a result)" : ", and the benchmark section of README.md"
  }`,
);

/**
 * Profiles HTTP servers of the benchmark under load and says where each
 * request's time goes: the server (`_http_server.ts <name>`) runs pinned to
 * CPU 0 with the runtime's CPU profiler on (`deno run --cpu-prof`,
 * `bun --cpu-prof`), wrk loads it from CPU 1 (1 thread, 50 connections,
 * `GET /users/42`), and the profile's samples from the measured run are summed
 * by function into nanoseconds per request, next to the process's CPU time
 * per request read from `/proc`. See `bench/PROFILE.md` for what it found.
 *
 *   deno run --allow-all bench/profile_http.ts                      # latch and reads, both runtimes
 *   deno run --allow-all bench/profile_http.ts --runtime bun --seconds 20 latch reads bare
 *
 * Options: `--runtime deno|bun` (both when absent), `--seconds N` (10), the
 * measured run; `--interval µs` (100), the sampling interval; `--rounds N`
 * (1), runs of each server, interleaved; `--top N` (25), functions listed.
 * The `.cpuprofile` files are kept in the directory it prints, for Chrome
 * DevTools.
 *
 * How time is counted: V8 (Deno) records a sample at every tick, "(idle)"
 * when no JavaScript runs, so a sample's weight is the time to the next one.
 * JavaScriptCore (Bun) records a sample only while JavaScript runs, so a
 * sample's weight is the profiler's interval as measured on a busy loop in
 * the same setting (pinned, same flags), which this script measures first.
 * JavaScriptCore gives no frame to native getters (`request.url`,
 * `request.method`), so their time is the caller's; nor to its garbage
 * collector, whose time is that of whichever function allocated.
 *
 * @module
 */

import { parseArgs } from "node:util";

const root = new URL("..", import.meta.url).pathname;
const deno = Deno.execPath();
const bun = `${root}node_modules/.bin/bun`;

type Runtime = "deno" | "bun";

const { values: options, positionals } = parseArgs({
  args: Deno.args,
  options: {
    runtime: { type: "string" },
    seconds: { type: "string", default: "10" },
    interval: { type: "string", default: "1000" },
    rounds: { type: "string", default: "1" },
    top: { type: "string", default: "25" },
  },
  allowPositionals: true,
});
const runtimes: Runtime[] = options.runtime === undefined
  ? ["deno", "bun"]
  : [options.runtime as Runtime];
const servers = positionals.length > 0 ? positionals : ["latch", "reads"];
const seconds = Number(options.seconds);
const interval = Number(options.interval);
const rounds = Number(options.rounds);
const top = Number(options.top);
const profiles = await Deno.makeTempDir({ prefix: "latch-profile-" });

/** A `.cpuprofile` (Chrome DevTools' format, which both runtimes write). */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string; lineNumber: number } }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** One run: requests served, CPU used, and (under the profiler) self time by function (µs). */
interface Run {
  profiled: boolean;
  requests: number;
  wallSeconds: number;
  cpuMs: number;
  mainThreadCpuMs: number;
  selfUs: Map<string, number>;
}

/** The command that runs `args` pinned to `cpu`. */
function pinned(cpu: string, command: string, args: string[]): Deno.Command {
  return new Deno.Command("taskset", {
    args: ["-c", cpu, command, ...args],
    cwd: root,
    stdout: "piped",
    stderr: "inherit",
  });
}

/** The runtime's command line, with its CPU profiler on and writing into `dir` when a `dir` is given. */
function profiled(
  runtime: Runtime,
  dir: string | undefined,
  script: string,
  args: string[],
): string[] {
  const flags = dir === undefined
    ? []
    : [`--cpu-prof`, `--cpu-prof-dir=${dir}`, `--cpu-prof-interval=${interval}`];
  return runtime === "deno"
    ? [deno, "run", ...flags, "--allow-net", "--allow-env", script, ...args]
    : [bun, ...flags, script, ...args];
}

/** utime + stime of a process (all threads) and of its main thread, in ms. */
async function cpuOf(pid: number): Promise<{ all: number; main: number }> {
  const read = async (path: string) => {
    const stat = await Deno.readTextFile(path);
    // Fields after the command name, which is in parentheses and may hold spaces.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return (Number(fields[11]) + Number(fields[12])) * 10; // clock ticks of 10 ms (CLK_TCK 100)
  };
  return {
    all: await read(`/proc/${pid}/stat`),
    main: await read(`/proc/${pid}/task/${pid}/stat`),
  };
}

/** Runs wrk against `url` from CPU 1 and returns the requests it counted. */
async function wrk(url: string, duration: number): Promise<number> {
  const output = await new Deno.Command("taskset", {
    args: ["-c", "1", "wrk", "-t", "1", "-c", "50", "-d", `${duration}s`, url],
    stdout: "piped",
  }).output();
  const text = new TextDecoder().decode(output.stdout);
  const requests = /(\d+) requests in/.exec(text)?.[1];
  if (!output.success || requests === undefined || /Non-2xx|Socket errors/.test(text)) {
    throw new Error(`wrk failed against ${url}:\n${text}`);
  }
  return Number(requests);
}

/** Reads the first line the child prints. */
async function firstLine(stream: ReadableStream<Uint8Array>): Promise<string> {
  const reader = stream.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = "";
  while (!buffer.includes("\n")) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`The server ended before printing its port: ${buffer}`);
    buffer += value;
  }
  reader.releaseLock();
  return buffer.slice(0, buffer.indexOf("\n"));
}

/** The one `.cpuprofile` a run wrote into `dir`. */
async function readProfile(dir: string): Promise<CpuProfile> {
  for await (const entry of Deno.readDir(dir)) {
    if (entry.name.endsWith(".cpuprofile")) {
      return JSON.parse(await Deno.readTextFile(`${dir}/${entry.name}`));
    }
  }
  throw new Error(`No .cpuprofile in ${dir}`);
}

/** A function's key: name, file and line. */
function keyOf(frame: CpuProfile["nodes"][number]["callFrame"]): string {
  const file = frame.url.replace(/^.*\//, "");
  return `${frame.functionName || "(anonymous)"} ${
    file === "" ? "(native)" : `${file}:${frame.lineNumber + 1}`
  }`;
}

/**
 * Self time by function of the samples taken between `fromUs` and `toUs`
 * (µs before the profile's end), weighted as the module comment says.
 */
function selfTimes(
  profile: CpuProfile,
  runtime: Runtime,
  window: { fromUs: number; toUs: number },
  busyIntervalUs: number,
): Map<string, number> {
  const keys = new Map(profile.nodes.map((node) => [node.id, keyOf(node.callFrame)]));
  const stamps: number[] = [];
  let stamp = profile.startTime;
  for (const delta of profile.timeDeltas) stamps.push(stamp += delta);
  const from = profile.endTime - window.fromUs;
  const to = profile.endTime - window.toUs;
  const result = new Map<string, number>();
  for (let index = 0; index < profile.samples.length; index++) {
    const at = stamps[index] as number;
    if (at < from || at > to) continue;
    const weight = runtime === "deno"
      ? (stamps[index + 1] ?? profile.endTime) - at
      : busyIntervalUs;
    const key = keys.get(profile.samples[index] as number) ?? "?";
    result.set(key, (result.get(key) ?? 0) + weight);
  }
  return result;
}

/** Bun: the profiler's interval between samples while JavaScript runs all the time. */
async function busyInterval(runtime: Runtime): Promise<number> {
  if (runtime === "deno") return NaN;
  const dir = await Deno.makeTempDir({ dir: profiles, prefix: `calibration-${runtime}-` });
  const script = `${dir}/busy.js`;
  await Deno.writeTextFile(
    script,
    "const end = performance.now() + 2000; let x = 0;\n" +
      "while (performance.now() < end) x += Math.sqrt(x + 1);\nconsole.log(x > 0);\n",
  );
  const [command, ...args] = profiled(runtime, dir, script, []);
  const output = await pinned("0", command as string, args).output();
  if (!output.success) throw new Error("The calibration run failed");
  const profile = await readProfile(dir);
  const deltas = profile.timeDeltas.slice(1).sort((a, b) => a - b);
  return deltas[deltas.length >> 1] as number;
}

/** One run of `server` on `runtime`, under the profiler or not. */
async function profile(
  runtime: Runtime,
  server: string,
  round: number,
  withProfiler: boolean,
): Promise<Run> {
  const dir = withProfiler
    ? await Deno.makeTempDir({ dir: profiles, prefix: `${runtime}-${server}-${round}-` })
    : undefined;
  const [command, ...args] = profiled(runtime, dir, "bench/_http_server.ts", [server]);
  const child = pinned("0", command as string, args).spawn();
  const { port } = JSON.parse(await firstLine(child.stdout)) as { port: number };
  const url = `http://127.0.0.1:${port}/users/42`;
  const answer = await fetch(url);
  await answer.body?.cancel();
  if (answer.status !== 200) throw new Error(`${runtime} ${server} answered ${answer.status}`);
  await wrk(url, 2); // warm-up: JIT and connections, left out of the window below
  const cpuBefore = await cpuOf(child.pid);
  const started = performance.now();
  const requests = await wrk(url, seconds);
  const ended = performance.now();
  const cpuAfter = await cpuOf(child.pid);
  child.kill("SIGTERM");
  const killed = performance.now();
  await child.status;
  const us = (milliseconds: number) => Math.round(milliseconds * 1000);
  return {
    profiled: withProfiler,
    requests,
    wallSeconds: (ended - started) / 1000,
    cpuMs: cpuAfter.all - cpuBefore.all,
    mainThreadCpuMs: cpuAfter.main - cpuBefore.main,
    selfUs: dir === undefined ? new Map() : selfTimes(
      await readProfile(dir),
      runtime,
      { fromUs: us(killed - started), toUs: us(killed - ended) },
      busy.get(runtime) as number,
    ),
  };
}

/** Where a function's time is reported: latch's own, the app's, or the runtime's part it is in. */
function categoryOf(key: string): string {
  const [name = "", file = ""] = key.split(" ");
  if (
    /^(app|_app_core|_router_layer|_error_layer|_request_context|router|_http|_route\w*)\.ts/.test(
      file,
    )
  ) {
    return "latch's own functions (lib/)";
  }
  if (file.startsWith("_scenarios.ts") || file.startsWith("_peers.ts")) {
    return "the app's middleware and handler (bench/_scenarios.ts)";
  }
  if (name === "(idle)") return "(idle): no JavaScript running (Deno: the Rust server, the kernel)";
  if (name === "(garbage collector)") return "garbage collector";
  if (name === "(program)") return "(program): the engine outside any JavaScript function";
  if (/^(url|method|headers|fromInnerRequest|Request|op_http_get_request_\w+)$/.test(name)) {
    return "Request: making it, url and method getters";
  }
  if (/23_response|22_body/.test(file) || /^(Response|newInnerResponse)$/.test(name)) {
    return "Response construction";
  }
  if (file.startsWith("00_serve")) return "the runtime's server (JavaScript side)";
  return "other";
}

const busy = new Map<Runtime, number>();
for (const runtime of runtimes) busy.set(runtime, await busyInterval(runtime));

const runs = new Map<string, Run[]>();
for (let round = 0; round < rounds; round++) {
  for (const runtime of runtimes) {
    for (const server of round % 2 === 0 ? servers : [...servers].reverse()) {
      console.error(`profiling ${server} on ${runtime}, round ${round + 1}/${rounds}`);
      const key = `${runtime} ${server}`;
      // The same server without the profiler first: what it costs unobserved.
      const plain = await profile(runtime, server, round, false);
      runs.set(key, [...(runs.get(key) ?? []), plain, await profile(runtime, server, round, true)]);
    }
  }
}

const fixed = (x: number) => (Number.isFinite(x) ? Math.round(x).toLocaleString("en-US") : "—");
// With both latch and a floor profiled, one more column: what latch spends over that floor.
const floor = ["reads", "bare"].find((name) => servers.includes(name));
const differs = servers.includes("latch") && floor !== undefined;
const out: string[] = [`Profiles: ${profiles}`, ""];
for (const runtime of runtimes) {
  const name = runtime === "deno" ? "Deno" : "Bun";
  const perRequest = (server: string, profiled: boolean, pick: (run: Run) => number) => {
    const list = (runs.get(`${runtime} ${server}`) ?? []).filter((r) => r.profiled === profiled);
    return list.reduce((sum, run) => sum + pick(run), 0) /
      list.reduce((sum, run) => sum + run.requests, 0);
  };
  const ns = (server: string, key: (name: string) => boolean) =>
    perRequest(server, true, (run) => {
      let total = 0;
      for (const [name, us] of run.selfUs) if (key(name)) total += us;
      return total * 1000;
    });
  const columns = [...servers, ...(differs ? [`latch − ${floor}`] : [])];
  const head = `| ${name}, ns per request | ${columns.join(" | ")} |`;
  const rule = `| --- | ${columns.map(() => "--:").join(" | ")} |`;
  const row = (label: string, value: (server: string) => number) => {
    const cells = servers.map((server) => fixed(value(server)));
    if (differs) cells.push(fixed(value("latch") - value(floor as string)));
    return `| ${label} | ${cells.join(" | ")} |`;
  };
  const rate = (profiled: boolean) => (s: string) =>
    1 / perRequest(s, profiled, (run) => run.wallSeconds);
  // Per round, unprofiled: latch's CPU per request over the floor's, to show how much it moves.
  const roundsOf = (server: string) =>
    (runs.get(`${runtime} ${server}`) ?? []).filter((run) => !run.profiled);
  const overFloor = differs
    ? roundsOf("latch").map((run, index) => {
      const base = roundsOf(floor as string)[index] as Run;
      return (run.cpuMs / run.requests - base.cpuMs / base.requests) * 1e6;
    })
    : [];
  out.push(
    `### ${name}${
      runtime === "bun" ? ` (one sample while JavaScript runs = ${busy.get(runtime)} µs)` : ""
    }`,
    "",
    head,
    rule,
    `${row("without the profiler: req/s", rate(false))}`.replace(
      / \| [^|]+ \|$/,
      differs ? " | |" : " |",
    ),
    row("without the profiler: process CPU", (s) => perRequest(s, false, (r) => r.cpuMs * 1e6)),
    row(
      "without the profiler: main thread CPU",
      (s) => perRequest(s, false, (r) => r.mainThreadCpuMs * 1e6),
    ),
    ...(differs
      ? [
        `| without the profiler: process CPU, latch − ${floor} in each round | ${
          servers.map(() => "").join(" | ")
        } | ${overFloor.map(fixed).join(", ")} |`,
      ]
      : []),
    `${row("under the profiler: req/s", rate(true))}`.replace(
      / \| [^|]+ \|$/,
      differs ? " | |" : " |",
    ),
    row("under the profiler: process CPU", (s) => perRequest(s, true, (r) => r.cpuMs * 1e6)),
    row(
      "under the profiler: main thread CPU",
      (s) => perRequest(s, true, (r) => r.mainThreadCpuMs * 1e6),
    ),
    row("samples in JavaScript (all but idle)", (s) => ns(s, (key) => !key.startsWith("(idle)"))),
  );
  const categories = new Set<string>();
  for (const [key, list] of runs) {
    if (!key.startsWith(runtime)) continue;
    for (const run of list) for (const fn of run.selfUs.keys()) categories.add(categoryOf(fn));
  }
  for (const category of [...categories].sort()) {
    out.push(row(`  ${category}`, (s) => ns(s, (key) => categoryOf(key) === category)));
  }
  const names = new Map<string, number>();
  for (const server of servers) {
    for (const run of runs.get(`${runtime} ${server}`) ?? []) {
      for (const [fn, us] of run.selfUs) names.set(fn, Math.max(names.get(fn) ?? 0, us));
    }
  }
  out.push("", head.replace(", ns per request", ": function (self time, ns per request)"), rule);
  const listed = [...names.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [fn] of listed) out.push(row(`\`${fn}\``, (s) => ns(s, (key) => key === fn)));
  out.push("");
}
console.log(out.join("\n"));

/**
 * `BenchData`: what `run.ts` collects in one run and `_report.ts` renders.
 * It is also written next to the report as `results.json`, so the report can
 * be rendered again without rerunning (`deno run -A bench/run.ts --report-only`).
 *
 * @module
 */

/** A runtime the benchmarks run on. */
export type Runtime = "deno" | "bun";

/** One fresh process's first request. */
export interface ColdSample {
  /** The runtime of the process. */
  readonly runtime: Runtime;
  /** `lazy`/`eager` in-process; `serve-lazy`/`serve-eager` over HTTP. */
  readonly mode: "lazy" | "eager" | "serve-lazy" | "serve-eager";
  /** Middleware (async factories). */
  readonly n: number;
  /** Param routes. */
  readonly r: number;
  /** In-process modes: from just before the build (or the first fetch) to the first answer, ms. */
  readonly firstRequestMs: number | undefined;
  /** In-process modes: the first answer, in ms since the process started (its `performance.now()`). */
  readonly sinceStartMs: number | undefined;
  /** Serve modes: from spawning the process to reading its port, ms (parent's clock). */
  readonly listeningMs: number | undefined;
  /** From spawning to the first answer (serve modes) or to the process's exit (in-process), ms. */
  readonly answeredMs: number;
}

/** One load run over HTTP. */
export interface HttpSample {
  /** The runtime serving. */
  readonly runtime: Runtime;
  /** A server of `HTTP_SERVERS` (`_http_servers.ts`): `reads`, `bare`, `latch`, `hono`… */
  readonly framework: string;
  /**
   * Requests per second: wrk's count over the run's duration, or autocannon's
   * mean of its per-second samples (see `BenchData.load`).
   */
  readonly requestsPerSecond: number;
  /** Median latency, ms. */
  readonly p50Ms: number;
  /** 99th percentile latency, ms. */
  readonly p99Ms: number;
  /** The round it ran in; ratios are taken within a round. */
  readonly round: number;
  /**
   * Its place (0 = first) among the servers measured on its runtime in its
   * round; absent in results from before the order was recorded.
   */
  readonly position?: number;
}

/** The HTTP load generator a run used. */
export interface LoadGenerator {
  /** `wrk` when it was on PATH, else `autocannon` (run by Node). */
  readonly tool: "wrk" | "autocannon";
  /** Its version, as it reports it (`wrk -v`, or autocannon's package.json). */
  readonly version: string;
  /** Open connections, each with one request in flight (no pipelining). */
  readonly connections: number;
  /** Client threads (wrk's `-t`; autocannon runs on Node's one event loop). */
  readonly threads: number;
  /** The CPU the server was pinned to (`taskset -c`); absent when not pinned. */
  readonly serverCpu?: string;
  /** The CPU the load generator was pinned to; absent when not pinned. */
  readonly loadCpu?: string;
}

/** The machine and the versions a run used. */
export interface Machine {
  /** The CPU model, from /proc/cpuinfo. */
  readonly cpu: string;
  /** `nproc`. */
  readonly nproc: string;
  /** Deno's version. */
  readonly deno: string;
  /** V8's version, in Deno. */
  readonly v8: string;
  /** Bun's version. */
  readonly bun: string;
  /** Node's version (it runs autocannon, when autocannon is the load generator). */
  readonly node: string;
  /** mitata's version. */
  readonly mitata: string;
  /** The peers' versions, by package name. */
  readonly peers: Record<string, string>;
  /** When the run started, ISO 8601. */
  readonly date: string;
}

/** Everything one run measured. */
export interface BenchData {
  /** Whether this was a smoke run (its numbers mean nothing). */
  readonly smoke: boolean;
  /** How many rounds the micro-benchmarks had (and the HTTP runs, when `httpRounds` is absent). */
  readonly rounds: number;
  /** How many rounds the HTTP runs had; absent in results from before they had their own. */
  readonly httpRounds?: number;
  /** Where and with what it ran. */
  readonly machine: Machine;
  /**
   * Per runtime, one entry per round: `group + "\u0000" + name` → ns per
   * iteration (Deno: `deno bench`'s mean; Bun: mitata's p50).
   */
  readonly micro: Record<Runtime, Record<string, number>[]>;
  /** The fresh-process first requests. */
  cold: ColdSample[];
  /** The HTTP load runs. */
  http: HttpSample[];
  /**
   * What loaded the HTTP servers; absent in results from before it was
   * recorded, which all used autocannon with 50 connections.
   */
  readonly load?: LoadGenerator;
  /** How long the run took, ms. */
  elapsedMs: number;
}

/**
 * The key of a case in `BenchData.micro`.
 *
 * @param group The case's group.
 * @param name The case's name.
 * @returns The key.
 */
export function caseKey(group: string, name: string): string {
  return `${group}\u0000${name}`;
}

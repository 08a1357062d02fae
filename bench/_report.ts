/**
 * `renderReport`: turns one run's `BenchData` into `RESULTS.md` and its SVG
 * charts. Every figure is a median over rounds; every ratio is the median of
 * the ratios taken within each round (a case and its baseline from the same
 * round), with the spread over rounds next to it.
 *
 * @module
 */

import { type BenchData, caseKey, type Runtime } from "./_bench_data.ts";
import { range, ratio, RUNTIME_NAMES, RUNTIMES, table, tickTime, time } from "./_format.ts";
import {
  coldSection,
  describeLoad,
  describePeers,
  httpNsOver,
  httpRatios,
  httpSection,
  loadOf,
} from "./_report_sections.ts";
import { freshSection } from "./_report_fresh.ts";
import { overHandWritten, validationSection } from "./_report_validation.ts";
import { HTTP_FLOOR } from "./_http_servers.ts";
import { linearFit, median } from "./_stats.ts";
import {
  BUILD_BIG_GROUP,
  BUILD_DEPTHS,
  BUILD_FETCH_GROUP,
  BUILD_N_GROUP,
  BUILD_R_GROUP,
  buildName,
  BURST_GROUP,
  BURST_SIZES,
  ROUTE_COUNTS,
} from "./_build_scenarios.ts";
import { DEPTHS, groupOf, LAZY_GROUP, nameOf } from "./_scenarios.ts";
import { lineChart, type Series, sideBySide } from "./_svg_chart.ts";

/** What {@linkcode renderReport} makes of one run. */
export interface RenderedReport {
  /** `RESULTS.md`. */
  readonly markdown: string;
  /** The SVG charts, by file name. */
  readonly charts: Map<string, string>;
  /** The headline table (`GET /`, 10 pass-through middleware, every framework), also in the README. */
  readonly headline: string;
  /** The targets table (measured, met or missed), also in the README. */
  readonly targets: string;
}

/** The name of every group's baseline case. */
export const BARE = "bare, N=0";
const FRAMEWORKS = [
  "hand-written chain",
  "latch",
  "latch (async mw)",
  "hono",
  "h3",
  "elysia",
  "elysia (onRequest)",
  "itty",
];
const COLORS: Record<string, string> = {
  "bare": "#999999",
  "hand-written chain": "#000000",
  "latch": "#D55E00",
  "latch (async mw)": "#CC79A7",
  "hono": "#E69F00",
  "h3": "#56B4E9",
  "elysia": "#009E73",
  "elysia (onRequest)": "#7FCFB9",
  "itty": "#0072B2",
};

/**
 * Renders the report.
 *
 * @param data What one run measured.
 * @returns The Markdown, and the charts by file name.
 */
export function renderReport(data: BenchData): RenderedReport {
  const charts = new Map<string, string>();
  const out: string[] = [];

  /** The per-round values of one case. */
  const values = (runtime: Runtime, group: string, name: string): number[] =>
    data.micro[runtime]
      .map((round) => round[caseKey(group, name)])
      .filter((value): value is number => value !== undefined);
  /**
   * A case's time relative to the bare baseline of the process it ran in
   * (`run.ts` runs each framework in a process of its own, with its own
   * bare case), or its raw time when there is no such baseline.
   */
  const normalized = (round: Record<string, number>, group: string, name: string) => {
    const value = round[caseKey(group, name)];
    if (value === undefined) return NaN;
    const framework = name.replace(/, N=\d+$/, "");
    const bare = round[caseKey(group, `${BARE} @ ${framework}`)];
    return bare === undefined ? value : value / bare;
  };
  /** The per-round ratios of one case to another, each against its own process's baseline. */
  const ratios = (runtime: Runtime, group: string, name: string, base: string): number[] =>
    data.micro[runtime]
      .map((round) => {
        if (base === BARE) {
          const value = round[caseKey(group, name)];
          const bare = round[caseKey(group, `${BARE} @ ${name.replace(/, N=\d+$/, "")}`)] ??
            round[caseKey(group, BARE)];
          return value === undefined || bare === undefined ? NaN : value / bare;
        }
        const value = normalized(round, group, name);
        const baseline = normalized(round, group, base);
        return value / baseline;
      })
      .filter(Number.isFinite);
  const med = (runtime: Runtime, group: string, name: string) =>
    median(values(runtime, group, name));
  const cell = (runtime: Runtime, group: string, name: string) => {
    const v = values(runtime, group, name);
    return v.length === 0 ? "—" : `${time(median(v))}${range(v, time)}`;
  };
  const ratioCell = (runtime: Runtime, group: string, name: string, base = BARE) => {
    const r = ratios(runtime, group, name, base);
    return r.length === 0 ? "—" : `${ratio(median(r))}${range(r, (x) => x.toFixed(2))}`;
  };
  /** Per-middleware slope from N=0 to N=50, per round, median. */
  const marginal = (runtime: Runtime, group: string, framework: string) => {
    const slopes = data.micro[runtime].map((round) => {
      const points = DEPTHS.map((n) => ({ x: n, y: round[caseKey(group, nameOf(framework, n))] }))
        .filter((p): p is { x: number; y: number } => p.y !== undefined);
      return points.length >= 2 ? linearFit(points).slope : NaN;
    }).filter(Number.isFinite);
    return slopes;
  };

  const { machine } = data;
  out.push(
    "# latch benchmark results",
    "",
    data.smoke
      ? "> **Smoke run: these numbers mean nothing.** It only checks that every scenario runs and answers right.\n"
      : "",
    `Generated by \`deno run --allow-all bench/run.ts\` on ${machine.date}, in ${
      (data.elapsedMs / 60_000).toFixed(1)
    } min.`,
    "",
    `- Machine: ${machine.nproc} cores (\`nproc\`), ${machine.cpu}; shared with other work, so noisy.`,
    `- Runtimes: Deno ${machine.deno} (V8 ${machine.v8}), Bun ${machine.bun}. HTTP load: ${
      describeLoad(loadOf(data), machine.node)
    }.`,
    `- Peers: ${describePeers(data)}; mitata ${machine.mitata}.`,
    `- Micro-benchmarks: ${data.rounds} rounds, each a fresh \`deno bench --json\` (its mean per iteration) and a fresh Bun process with mitata (its p50). Figures are medians over rounds with the min–max over rounds in brackets; ratios are medians of the ratios taken within each round, so both sides of a ratio come from the same process.`,
    "- Every case is called once and its answer checked (200, body, headers) before it is timed; every build is checked to run exactly once.",
    "",
  );

  // --- Headline ------------------------------------------------------------
  const staticPass = groupOf("static", "pass-through");
  const paramPass = groupOf("param", "pass-through");
  const headlineRows = ["bare", ...FRAMEWORKS.filter((f) => f !== "latch (async mw)")].map(
    (framework) => {
      const name = framework === "bare" ? BARE : nameOf(framework, 10);
      return [
        framework,
        ...RUNTIMES.flatMap((runtime) => [
          cell(runtime, staticPass, name),
          ratioCell(runtime, staticPass, name),
        ]),
      ];
    },
  );
  const headline = table(["per request", "Deno", "Deno ×bare", "Bun", "Bun ×bare"], headlineRows);
  out.push("## Headline: once built, `GET /` with 10 pass-through middleware", "", headline, "");

  // --- Targets -------------------------------------------------------------
  const targets: string[][] = [];
  const verdict = (ok: boolean) => (ok ? "met" : "**missed**");
  for (const runtime of RUNTIMES) {
    const rt = RUNTIME_NAMES[runtime];
    const latch10 = median(ratios(runtime, staticPass, nameOf("latch", 10), BARE));
    targets.push([
      `${rt}: latch, 10 pass-through, static ≤ 1.5× bare`,
      ratio(latch10),
      verdict(latch10 <= 1.5),
    ]);
    if (runtime === "bun") {
      for (
        const [peer, hooks] of [["elysia", "onBeforeHandle"], ["elysia (onRequest)", "onRequest"]]
      ) {
        const vsElysia = median(
          ratios(runtime, staticPass, nameOf("latch", 10), nameOf(peer as string, 10)),
        );
        targets.push([
          `Bun: latch no slower than Elysia, 10 ${hooks} hooks`,
          `latch = ${ratio(vsElysia)} Elysia's time`,
          verdict(vsElysia <= 1),
        ]);
      }
    }
    for (const [peer, factor] of [["hono", 5], ["h3", 2.5]] as const) {
      const speedup = median(ratios(runtime, staticPass, nameOf(peer, 10), nameOf("latch", 10)));
      targets.push([
        `${rt}: latch ≥ ${factor}× faster than ${peer} at N=10`,
        `${speedup.toFixed(2)}× faster`,
        verdict(speedup >= factor),
      ]);
    }
    const latchSlope = marginal(runtime, staticPass, "latch");
    const handSlope = marginal(runtime, staticPass, "hand-written chain");
    const slopeRatios = latchSlope.map((slope, index) => slope / (handSlope[index] as number));
    targets.push([
      `${rt}: one more middleware ≤ 2× one more hand-written wrapper`,
      `${time(median(latchSlope))} vs ${time(median(handSlope))} (${ratio(median(slopeRatios))})`,
      verdict(median(slopeRatios) <= 2),
    ]);
    const lazyEager = ratios(
      runtime,
      LAZY_GROUP,
      "latch, built lazily, N=10",
      "latch, built eagerly, N=10",
    );
    // No measurable difference: the rounds' ratios straddle 1, or stay within 3% of it.
    const low = Math.min(...lazyEager);
    const high = Math.max(...lazyEager);
    targets.push([
      `${rt}: lazy vs eager, no measurable difference`,
      `lazy = ${ratio(median(lazyEager))} eager${range(lazyEager, (x) => x.toFixed(2))}`,
      verdict((low <= 1 && high >= 1) || Math.abs(median(lazyEager) - 1) <= 0.03),
    ]);
    const big = ["sync", "async"].flatMap((factories) =>
      ["static", "param"].map((routes) =>
        med(
          runtime,
          BUILD_BIG_GROUP,
          buildName({
            n: 1000,
            r: 1000,
            routes: routes as "static" | "param",
            factories: factories as "sync" | "async",
          }),
        )
      )
    );
    targets.push([
      `${rt}: build 1000 middleware + 1000 routes < 20 ms`,
      `slowest variant ${time(Math.max(...big))}`,
      verdict(Math.max(...big) < 20e6),
    ]);
    const validated = overHandWritten(data, runtime);
    if (validated.length > 0) {
      targets.push([
        `${rt}: validated POST, latch ≤ 1.10× the hand-written json() + validate`,
        `${ratio(median(validated))}${range(validated, (x) => x.toFixed(2))}`,
        verdict(median(validated) <= 1.1),
      ]);
    }
    const http = (base: string) => httpRatios(data, runtime, "latch", base, "requestsPerSecond");
    const httpTargets: [string, number][] = [[HTTP_FLOOR, 0.97], ["hono", 1.5]];
    if (runtime === "bun") httpTargets.splice(1, 0, ["elysia", 1]);
    for (const [base, wanted] of httpTargets) {
      const r = http(base);
      if (r.length === 0) continue;
      const over = base === HTTP_FLOOR
        ? `, ${Math.round(median(httpNsOver(data, runtime, "latch", base)))} ns per request over it`
        : "";
      targets.push([
        `${rt}: HTTP, 10 middleware, latch ≥ ${wanted.toFixed(2)}× ${
          base === HTTP_FLOOR ? `the ${base} floor` : base
        }'s req/s`,
        `${ratio(median(r))}${range(r, (x) => x.toFixed(3))}${over}`,
        verdict(median(r) >= wanted),
      ]);
    }
  }
  const targetsTable = table(["target", "measured", "verdict"], targets);
  out.push(
    "## Targets",
    "",
    'Computed from this run; "met" is a reading of medians on a noisy 2-core machine, not a guarantee.',
    "",
    targetsTable,
    "",
  );

  // --- Per-request ---------------------------------------------------------
  out.push(
    "## Per request, once built",
    "",
    "`app.fetch(request)` on a built app, one reused `Request`, the `Response` not read. `bare` is `(request) => new Response(\"ok\")`; the hand-written chain is N closures composed once around it (no router, no context): the limit for latch's design. Pass-through middleware call `next` and return its answer; post-process ones set one header (`x-mw-<i>`) on the response after `next`. `latch` post-processors stay sync when `next` answered synchronously; `latch (async mw)` are written `async`/`await`. Hono uses `app.use((c, next) => next())` (post: `await next(); c.res.headers.set(…)`), h3 `app.use((event, next) => next())`, itty-router `before`/`finally` handlers, Elysia (Bun only) global `onBeforeHandle`/`onAfterHandle` hooks after `app.compile()`, and `elysia (onRequest)` the same with `onRequest` hooks instead, which run before routing as middleware do (pass-through only). The param route answers with its `id` param, read the framework's way.",
    "",
  );
  for (const route of ["static", "param"] as const) {
    for (const kind of ["pass-through", "post-process"] as const) {
      const group = groupOf(route, kind);
      const file = `per-request-${route}-${kind}.svg`;
      const rows: string[][] = [[
        "bare",
        "0",
        ...RUNTIMES.flatMap((r) => [cell(r, group, BARE), ratioCell(r, group, BARE)]),
      ]];
      for (const framework of FRAMEWORKS) {
        for (const n of DEPTHS) {
          const name = nameOf(framework, n);
          if (RUNTIMES.every((r) => values(r, group, name).length === 0)) continue;
          rows.push([
            framework,
            `${n}`,
            ...RUNTIMES.flatMap((r) => [cell(r, group, name), ratioCell(r, group, name)]),
          ]);
        }
      }
      charts.set(
        file,
        sideBySide(RUNTIMES.map((runtime) => {
          const series: Series[] = [{
            name: "bare",
            color: "#999999",
            dashed: true,
            points: DEPTHS.map((n) => ({ x: n, y: med(runtime, group, BARE) })),
          }];
          for (const framework of FRAMEWORKS) {
            const points = DEPTHS.map((n) => ({
              x: n,
              y: med(runtime, group, nameOf(framework, n)),
            })).filter((p) => Number.isFinite(p.y));
            if (points.length === 0) continue;
            series.push({
              name: framework,
              points,
              ...(COLORS[framework] ? { color: COLORS[framework] } : {}),
              dashed: framework === "hand-written chain",
            });
          }
          return lineChart({
            title: `${RUNTIME_NAMES[runtime]}: ${group}, per request`,
            xLabel: "middleware (N)",
            yLabel: "time per request (log scale)",
            xTicks: [0, 10, 20, 30, 40, 50],
            formatY: tickTime,
            logY: true,
            series,
          });
        })),
      );
      out.push(
        `### ${group}`,
        "",
        `![${group}](charts/${file})`,
        "",
        table(["framework", "N", "Deno", "Deno ×bare", "Bun", "Bun ×bare"], rows),
        "",
      );
    }
  }

  const slopeRows: string[][] = [];
  for (const framework of FRAMEWORKS) {
    slopeRows.push([
      framework,
      ...RUNTIMES.flatMap((runtime) =>
        [staticPass, groupOf("static", "post-process")].map((group) => {
          const slopes = marginal(runtime, group, framework);
          return slopes.length === 0 ? "—" : `${time(median(slopes))}${range(slopes, time)}`;
        })
      ),
    ]);
  }
  out.push(
    "### Marginal cost of one middleware",
    "",
    "Least-squares slope of time per request over N = 0, 1, 10, 50 (`GET /`), per round; median (range).",
    "",
    table(
      [
        "framework",
        "Deno, pass-through",
        "Deno, post-process",
        "Bun, pass-through",
        "Bun, post-process",
      ],
      slopeRows,
    ),
    "",
  );

  // --- Lazy vs eager -------------------------------------------------------
  out.push(
    "## Lazy vs eager, per request after the build",
    "",
    `The same app (${
      LAZY_GROUP.replace("lazy vs eager, ", "")
    }) built by \`await app.ready()\` before serving, or by its first request; then timed like the others, each in a process of its own (measured one after the other in one process, whichever runs second inherits the first's JIT feedback and runs a few percent slower).`,
    "",
    table(
      ["case", "Deno", "Deno ×eager", "Bun", "Bun ×eager"],
      ["bare, N=0", "latch, built eagerly, N=10", "latch, built lazily, N=10"].map((name) => [
        name,
        ...RUNTIMES.flatMap((r) => [
          cell(r, LAZY_GROUP, name),
          ratioCell(r, LAZY_GROUP, name, "latch, built eagerly, N=10"),
        ]),
      ]),
    ),
    "",
  );

  // --- Build ---------------------------------------------------------------
  const buildSeries = (
    group: string,
    xs: readonly number[],
    variants: [string, (x: number) => string][],
  ) =>
    RUNTIMES.flatMap((runtime) =>
      variants.map(([label, nameAt]) => ({
        name: `${RUNTIME_NAMES[runtime]}, ${label}`,
        points: xs.map((x) => ({ x, y: med(runtime, group, nameAt(x)) })),
        dashed: runtime === "bun",
      }))
    );
  const nVariants: [string, (n: number) => string][] = (["sync", "async"] as const).map((
    factories,
  ) => [
    `${factories} factories`,
    (n: number) => buildName({ n, r: 10, routes: "static", factories }),
  ]);
  const rVariants: [string, (r: number) => string][] = (["static", "param"] as const).map((
    routes,
  ) => [`${routes} routes`, (r: number) => buildName({ n: 0, r, routes, factories: "sync" })]);
  charts.set(
    "build-vs-middleware.svg",
    lineChart({
      title: "Build time against middleware (10 static routes)",
      xLabel: "middleware (N)",
      yLabel: "await app.ready()",
      xTicks: [0, 200, 400, 600, 800, 1000],
      formatY: tickTime,
      series: buildSeries(BUILD_N_GROUP, BUILD_DEPTHS, nVariants),
    }),
  );
  charts.set(
    "build-vs-routes.svg",
    lineChart({
      title: "Build time against routes (no middleware)",
      xLabel: "routes (R)",
      yLabel: "await app.ready()",
      xTicks: [0, 200, 400, 600, 800, 1000],
      formatY: tickTime,
      series: buildSeries(BUILD_R_GROUP, ROUTE_COUNTS, rVariants),
    }),
  );
  const fitRows: string[][] = [];
  for (
    const [label, group, xs, nameAt] of [
      ...nVariants.map(([l, f]) => [`per middleware (${l}, R=10)`, BUILD_N_GROUP, BUILD_DEPTHS, f]),
      ...rVariants.map(([l, f]) => [`per route (${l}, N=0)`, BUILD_R_GROUP, ROUTE_COUNTS, f]),
    ] as [string, string, readonly number[], (x: number) => string][]
  ) {
    fitRows.push([
      label,
      ...RUNTIMES.map((runtime) => {
        const fit = linearFit(xs.map((x) => ({ x, y: med(runtime, group, nameAt(x)) })));
        return `${time(fit.slope)} (R² ${fit.r2.toFixed(3)})`;
      }),
    ]);
  }
  const buildTable = (group: string, names: readonly string[]) =>
    table(
      ["case", "Deno", "Bun"],
      names.map((name) => [name, ...RUNTIMES.map((r) => cell(r, group, name))]),
    );
  out.push(
    "## Build cost: `await app.ready()` on a fresh app",
    "",
    "Registration is untimed; only `ready()` is. Sync factories return a pass-through handler; async ones `await null` first (a real yield to the event loop, as awaiting a pool would). Static routes are `/r<i>`, param routes `/r<i>/:id`.",
    "",
    "![build against N](charts/build-vs-middleware.svg)",
    "",
    "![build against R](charts/build-vs-routes.svg)",
    "",
    "Cost per middleware and per route: least-squares slope over the sweep (of the medians); R² near 1 means linear.",
    "",
    table(["slope", "Deno", "Bun"], fitRows),
    "",
    `### ${BUILD_N_GROUP}`,
    "",
    buildTable(BUILD_N_GROUP, nVariants.flatMap(([, f]) => BUILD_DEPTHS.map(f))),
    "",
    `### ${BUILD_R_GROUP}`,
    "",
    buildTable(BUILD_R_GROUP, rVariants.flatMap(([, f]) => ROUTE_COUNTS.map(f))),
    "",
    `### ${BUILD_BIG_GROUP}`,
    "",
    buildTable(
      BUILD_BIG_GROUP,
      (["sync", "async"] as const).flatMap((factories) =>
        (["static", "param"] as const).map((routes) =>
          buildName({ n: 1000, r: 1000, routes, factories })
        )
      ),
    ),
    "",
    `### ${BUILD_FETCH_GROUP}`,
    "",
    buildTable(BUILD_FETCH_GROUP, DEPTHS.map((n) => `N=${n}`)),
    "",
  );

  // --- Burst and cold start ------------------------------------------------
  out.push(
    "## The first requests",
    "",
    `### ${BURST_GROUP}`,
    "",
    "K requests to `/users/42` sent together to a fresh app; the time until all are answered. Each iteration checks that the app built once, by `app.stats.builds` and by a counting factory (the run fails otherwise), and that all K answered 200.",
    "",
    buildTable(BURST_GROUP, BURST_SIZES.map((k) => `K=${k}`)),
    "",
  );
  out.push(...coldSection(data.cold));

  // --- Break-even ----------------------------------------------------------
  const paramGroup = paramPass;
  const breakEven: Series[] = [];
  const breakRows: string[][] = [];
  for (const runtime of RUNTIMES) {
    const perRound = (n: number, against: "latch" | "hono") =>
      data.micro[runtime].map((round) => {
        const build = round[caseKey(BUILD_FETCH_GROUP, `N=${n}`)];
        const latch = round[caseKey(paramGroup, nameOf("latch", n))];
        const hono = round[caseKey(paramGroup, nameOf("hono", n))];
        if (build === undefined || latch === undefined || hono === undefined) return NaN;
        return against === "latch"
          ? build / latch
          : hono > latch
          ? build / (hono - latch)
          : Infinity;
      }).filter((value) => !Number.isNaN(value));
    const requests = DEPTHS.map((n) => median(perRound(n, "latch")));
    const payback = DEPTHS.map((n) => median(perRound(n, "hono")));
    breakEven.push({
      name: `${RUNTIME_NAMES[runtime]}: build ÷ one request`,
      points: DEPTHS.map((n, index) => ({ x: n, y: requests[index] as number })),
      color: runtime === "deno" ? "#0072B2" : "#D55E00",
    });
    breakEven.push({
      name: `${RUNTIME_NAMES[runtime]}: paid back vs Hono`,
      points: DEPTHS.map((n, index) => ({ x: n, y: payback[index] as number }))
        .filter((p) => Number.isFinite(p.y)),
      color: runtime === "deno" ? "#0072B2" : "#D55E00",
      dashed: true,
    });
    DEPTHS.forEach((n, index) => {
      breakRows.push([
        RUNTIME_NAMES[runtime],
        `${n}`,
        time(med(runtime, BUILD_FETCH_GROUP, `N=${n}`)),
        time(med(runtime, paramGroup, nameOf("latch", n))),
        Math.round(requests[index] as number).toLocaleString("en-US"),
        time(med(runtime, paramGroup, nameOf("hono", n))),
        Number.isFinite(payback[index])
          ? Math.round(payback[index] as number).toLocaleString("en-US")
          : "never",
      ]);
    });
  }
  charts.set(
    "break-even.svg",
    lineChart({
      title: "Break-even: requests that amortize the build (GET /users/:id)",
      xLabel: "middleware (N)",
      yLabel: "requests",
      xTicks: [0, 10, 20, 30, 40, 50],
      series: breakEven,
    }),
  );
  out.push(
    "## Break-even",
    "",
    "For the per-request app (N pass-through middleware + `GET /users/:id`): the build measured above, against what one request costs once built. *build ÷ one request* is how many requests cost as much as the build; *paid back vs Hono* is how many requests latch must serve before its cheaper requests have paid for its build, against Hono (which composes per request and builds nothing up front): build ÷ (Hono per request − latch per request). Medians of the per-round values.",
    "",
    "![break-even](charts/break-even.svg)",
    "",
    table(
      [
        "runtime",
        "N",
        "build",
        "latch per request",
        "build ÷ one request",
        "Hono per request",
        "paid back vs Hono after",
      ],
      breakRows,
    ),
    "",
  );

  out.push(...freshSection(data));
  out.push(...validationSection(data));
  out.push(...httpSection(data));
  return {
    markdown: out.filter((line, index, all) => !(line === "" && all[index - 1] === "")).join("\n"),
    charts,
    headline,
    targets: targetsTable,
  };
}

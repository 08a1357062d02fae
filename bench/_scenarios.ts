/**
 * The scenarios behind `fetch_bench.ts` (Deno.bench) and `fetch_bench_bun.ts`
 * (mitata on Bun): the per-request cost of a built app's `fetch` with 10
 * pass-through middleware on a static route, against a bare
 * `(request) => new Response("ok")`. The requirement is within 1.5x of bare.
 *
 * Every case makes one `Response` with the body "ok" and returns it unread;
 * nothing else is consumed. Apps are built (`await app.ready()`) in setup, so
 * no case times a build.
 *
 * @module
 */

import { App, type Middleware } from "../mod.ts";

/** One benchmark case: `fn` is the timed body, called once per iteration. */
export interface Scenario {
  readonly name: string;
  readonly group: string;
  readonly baseline?: boolean;
  readonly fn: () => Response | Promise<Response>;
}

/** The group every case belongs to. */
export const GROUP = "GET / (static route), per request";

/** How many pass-through layers the chained cases have. */
export const DEPTH = 10;

/** Makes the bare handler: the baseline, and the innermost of the hand-written chain. */
function bareHandler(): (request: Request) => Response {
  return (_request) => new Response("ok");
}

/**
 * Builds every case and checks, outside any timed loop, that each answers 200
 * "ok" (so latch is not benchmarked answering 404 or 500).
 *
 * @returns The cases, baseline first.
 */
export async function setupScenarios(): Promise<Scenario[]> {
  // One Request, reused by every iteration of every case: a GET has no body,
  // so nothing on it is consumed, and peers' benchmarks do the same. Building
  // a Request per iteration would add the same (large) cost to every case and
  // hide the difference being measured.
  const request = new Request("http://localhost/");

  const bare = bareHandler();

  // Ten closures composed once, innermost first, the way latch composes at build.
  let chain: (request: Request) => Response | Promise<Response> = bareHandler();
  for (let index = 0; index < DEPTH; index++) {
    const next = chain;
    chain = (req) => next(req);
  }
  const handWritten = chain;

  const latch0 = new App().get("/", () => new Response("ok"));
  await latch0.ready();

  // The same factory registered ten times, as the hand-written chain repeats one closure.
  const passThrough: Middleware = (next) => (req, ctx) => next(req, ctx);
  const latch10 = new App();
  for (let index = 0; index < DEPTH; index++) latch10.use(passThrough);
  latch10.get("/", () => new Response("ok"));
  await latch10.ready();

  const fetch0 = latch0.fetch;
  const fetch10 = latch10.fetch;
  const scenarios: Scenario[] = [
    { name: "bare handler", group: GROUP, baseline: true, fn: () => bare(request) },
    {
      name: `hand-written chain of ${DEPTH} wrappers`,
      group: GROUP,
      fn: () => handWritten(request),
    },
    { name: "latch, 0 middleware", group: GROUP, fn: () => fetch0(request) },
    { name: `latch, ${DEPTH} pass-through middleware`, group: GROUP, fn: () => fetch10(request) },
  ];

  for (const scenario of scenarios) {
    const response = await scenario.fn();
    const body = await response.text();
    if (response.status !== 200 || body !== "ok") {
      throw new Error(
        `Scenario "${scenario.name}" answered ${response.status} ${JSON.stringify(body)}, ` +
          `not 200 "ok": the benchmark would measure the wrong path`,
      );
    }
  }
  return scenarios;
}

/**
 * Whether `fn` answers synchronously. Deno.bench awaits only `async`
 * functions, so a case that returns a promise must be wrapped to be timed to
 * completion; every case here is expected to be sync once built.
 */
export function answersSynchronously(fn: Scenario["fn"]): boolean {
  return fn() instanceof Response;
}

/**
 * The per-request scenarios behind `fetch_bench.ts` (Deno.bench) and
 * `fetch_bench_bun.ts` (mitata on Bun): a built app's `fetch` with N
 * middleware in front of a static route (`GET /`) or a param route
 * (`GET /users/42`), the middleware passing the request through or setting a
 * header after `next`. Every group has its floor, a bare
 * `(request) => new Response("ok")`, and the hand-written chain of N wrappers
 * composed once (the limit of latch's design), next to latch and the peers
 * doing the same work. One more group times the same latch app built eagerly
 * (`ready()`) and lazily (by its first request).
 *
 * Those groups reuse one `Request` per group. Two more groups, `… fresh
 * Request`, make a new `Request` in every iteration, as a server does for
 * every request: 10 pass-through middleware in front of `GET /` and of
 * `GET /users/:id` (the ids cycle through 1,000 prebuilt URLs, so the routed
 * path and its param are new strings every time). They add the "reads"
 * floor: a handler that reads `request.url` and `request.method` and makes one
 * `Map` lookup, the least any router must do.
 *
 * Every case is called once and its answer checked (status, body, headers)
 * before anything is timed, so no framework is benchmarked answering a 404.
 * Apps are built in setup, so no case times a build.
 *
 * @module
 */

import { App, type Middleware } from "../mod.ts";
import {
  type AppShape,
  type FetchFunction,
  hasKind,
  headerName,
  type MiddlewareKind,
  type Peer,
  type PeerInfo,
  type RouteKind,
} from "./_peers.ts";

/** One timed case: `fn` answers the case's request once per iteration. */
export interface Scenario {
  /** `<framework>, N=<n>`; unique within the group. */
  readonly name: string;
  /** The route and middleware kind, e.g. `GET /, pass-through`. */
  readonly group: string;
  /** The case the others in its group are compared with. */
  readonly baseline?: boolean;
  /** Which framework (or `bare`, `hand-written chain`) answers. */
  readonly framework: string;
  /** How many middleware the app has. */
  readonly n: number;
  /** The timed body. */
  readonly fn: () => Response | Promise<Response>;
  /** What the answer must be. */
  readonly expected: Expected;
}

/** What a case must answer: 200, this body, these headers set to "1". */
export interface Expected {
  /** The body text. */
  readonly body: string;
  /** Headers that must be present with the value "1". */
  readonly headers: readonly string[];
}

/** The middleware counts of the per-request scenarios. */
export const DEPTHS: readonly number[] = [0, 1, 10, 50];

/** The two latch cases of the lazy-vs-eager group, each run as a framework of its own. */
export const LAZY_CASES = ["latch, built eagerly", "latch, built lazily"] as const;

/** The name of the "reads" floor case (see {@linkcode readsHandler}). */
export const READS = "reads";

/** The middleware count of the lazy-vs-eager group and of the HTTP benchmark. */
export const LAZY_DEPTH = 10;

/** The group that compares an eagerly built app with a lazily built one. */
export const LAZY_GROUP = `lazy vs eager, GET /users/:id, N=${LAZY_DEPTH} pass-through`;

/** The middleware count of the fresh-request groups. */
export const FRESH_DEPTH = 10;

/** How many distinct URLs a fresh-request case cycles through on the param route. */
export const FRESH_POOL = 1000;

/** The name of a fresh-request group: its route, 10 pass-through middleware, a new `Request` each time. */
export function freshGroupOf(route: RouteKind): string {
  return `${groupOf(route, "pass-through")}, fresh Request`;
}

/** The groups that make a new `Request` per iteration. */
export const FRESH_GROUPS: readonly string[] = [freshGroupOf("static"), freshGroupOf("param")];

/**
 * The URL each route kind is requested at.
 *
 * @param route Which route.
 * @param id The param route's `id`.
 * @returns The URL.
 */
export function urlOf(route: RouteKind, id = 42): string {
  return route === "static" ? "http://localhost/" : `http://localhost/users/${id}`;
}

/** The name of a group: route, then middleware kind. */
export function groupOf(route: RouteKind, kind: MiddlewareKind): string {
  return `${route === "static" ? "GET /" : "GET /users/:id"}, ${kind}`;
}

/** The name of a case: framework, then middleware count. */
export function nameOf(framework: string, n: number): string {
  return `${framework}, N=${n}`;
}

/** The floor: no routing, no middleware, one `Response`. */
export function bareHandler(): (request: Request) => Response {
  return (_request) => new Response("ok");
}

/**
 * The floor of any router: reads `request.url` and `request.method`, makes
 * one `Map` lookup (by method), and answers `new Response("ok")`; 405 for
 * any method but GET.
 *
 * @returns The handler.
 */
export function readsHandler(): (request: Request) => Response {
  const routes = new Map<string, (url: string) => Response>([
    ["GET", (_url) => new Response("ok")],
  ]);
  return (request) => {
    const url = request.url;
    const route = routes.get(request.method);
    return route === undefined ? new Response(null, { status: 405 }) : route(url);
  };
}

/** `n` wrappers around the bare handler, composed once, innermost first. */
function handWrittenChain(n: number, kind: MiddlewareKind): (request: Request) => Response {
  let chain = bareHandler();
  for (let index = n - 1; index >= 0; index--) {
    const next = chain;
    const header = headerName(index);
    chain = kind === "pass-through" ? (request) => next(request) : (request) => {
      const response = next(request);
      response.headers.set(header, "1");
      return response;
    };
  }
  return chain;
}

/**
 * A latch middleware of the given kind. The post-processing one stays sync
 * when `next` answered synchronously, the way latch's own layers do; `async`
 * makes it `async`/`await`, the way most users write it.
 */
export function latchMiddleware(kind: MiddlewareKind, index: number, async = false): Middleware {
  if (kind === "pass-through") return (next) => (request, ctx) => next(request, ctx);
  const header = headerName(index);
  if (async) {
    return (next) => async (request, ctx) => {
      const response = await next(request, ctx);
      response.headers.set(header, "1");
      return response;
    };
  }
  return (next) => (request, ctx) => {
    const answer = next(request, ctx);
    if (answer instanceof Response) {
      answer.headers.set(header, "1");
      return answer;
    }
    return answer.then((response) => {
      response.headers.set(header, "1");
      return response;
    });
  };
}

/**
 * A latch app of the given shape, not built yet.
 *
 * @param shape How many middleware, which kind, which route.
 * @param async Whether post-processing middleware are `async` functions.
 * @returns The app.
 */
export function latchApp(shape: AppShape, async = false): App {
  const app = new App();
  for (let index = 0; index < shape.n; index++) {
    app.use(latchMiddleware(shape.kind, index, async));
  }
  if (shape.route === "static") app.get("/", () => new Response("ok"));
  else app.get("/users/:id", (_request, ctx) => new Response(ctx.params.id));
  return app;
}

/** latch as a peer: built eagerly with `ready()` before it is timed. */
export const latch: Peer = {
  name: "latch",
  async make(shape) {
    const app = latchApp(shape);
    await app.ready();
    return app.fetch;
  },
};

/** latch with `async`/`await` post-processing middleware (pass-through ones are the same as `latch`). */
export const latchAsync: Peer = {
  name: "latch (async mw)",
  async make(shape) {
    const app = latchApp(shape, true);
    await app.ready();
    return app.fetch;
  },
};

/** Calls `fn` once and throws unless it answers 200 with the expected body and headers. */
export async function checkAnswer(
  label: string,
  fn: () => Response | Promise<Response>,
  expected: Expected,
): Promise<void> {
  const response = await fn();
  const body = await response.text();
  const missing = expected.headers.filter((name) => response.headers.get(name) !== "1");
  if (response.status !== 200 || body !== expected.body || missing.length > 0) {
    throw new Error(
      `Scenario "${label}" answered ${response.status} ${JSON.stringify(body)}` +
        (missing.length > 0 ? ` without the headers ${missing.join(", ")}` : "") +
        `, not 200 ${JSON.stringify(expected.body)}: the benchmark would measure the wrong path`,
    );
  }
}

/** The per-request groups, in the order they run. */
export const REQUEST_GROUPS: readonly string[] = [
  groupOf("static", "pass-through"),
  groupOf("static", "post-process"),
  groupOf("param", "pass-through"),
  groupOf("param", "post-process"),
  LAZY_GROUP,
  ...FRESH_GROUPS,
];

/** The middleware kind of a group's cases. */
function kindOf(group: string): MiddlewareKind {
  return group.includes("post-process") ? "post-process" : "pass-through";
}

/**
 * Which cases one process runs. `run.ts` runs each framework of each group in
 * a process of its own, next to the bare baseline, so that no framework's
 * code warms up or deoptimizes what another is measured on (they share
 * `Response` and `Headers`); a ratio is then taken within one process.
 */
export interface ScenarioFilter {
  /** Only this group; every group when absent. */
  readonly group?: string | undefined;
  /** Only this framework (the baseline always runs); every one when absent. */
  readonly framework?: string | undefined;
}

/**
 * The framework of each process `run.ts` starts for a group, on a runtime.
 *
 * @param group One of {@linkcode REQUEST_GROUPS}.
 * @param peers The peers on that runtime.
 * @returns The frameworks, one process each.
 */
export function frameworksOf(group: string, peers: readonly PeerInfo[]): string[] {
  // Each in its own process: measured after the other in one process, either case inherits the
  // other's JIT feedback and runs a few percent slower, whichever it is.
  if (group === LAZY_GROUP) return [...LAZY_CASES];
  const kind = kindOf(group);
  const names = peers.filter((peer) => hasKind(peer, kind)).map((peer) => peer.name);
  if (FRESH_GROUPS.includes(group)) return [READS, "hand-written chain", latch.name, ...names];
  const latches = kind === "post-process" ? [latch.name, latchAsync.name] : [latch.name];
  return ["hand-written chain", ...latches, ...names];
}

/**
 * Builds the per-request cases and checks each one's answer, outside any
 * timed loop.
 *
 * @param peers The frameworks compared with latch on this runtime (latch itself is added).
 * @param filter Which group and framework to build; all when empty.
 * @param depths The middleware counts.
 * @returns The cases, each group's baseline first.
 */
export async function setupScenarios(
  peers: readonly Peer[],
  filter: ScenarioFilter = {},
  depths: readonly number[] = DEPTHS,
): Promise<Scenario[]> {
  const scenarios: Scenario[] = [];
  const wanted = (group: string, framework: string) =>
    (filter.group === undefined || filter.group === group) &&
    (filter.framework === undefined || filter.framework === framework || framework === "bare");
  const add: _AddCase = (group, framework, n, request, fetch, expected, baseline = false) => {
    // Each case gets its own closure, so no call site is shared between frameworks.
    scenarios.push({
      name: nameOf(framework, n),
      group,
      baseline,
      framework,
      n,
      fn: () => fetch(request),
      expected,
    });
  };

  for (const route of ["static", "param"] as const) {
    for (const kind of ["pass-through", "post-process"] as const) {
      // One Request per group, reused by every iteration of every case: a GET has
      // no body, so nothing on it is consumed. A Request per iteration would add
      // the same large cost to every case and hide the differences measured.
      const request = new Request(urlOf(route));
      const group = groupOf(route, kind);
      if (!wanted(group, "bare")) continue;
      const ok: Expected = { body: "ok", headers: [] };
      add(group, "bare", 0, request, bareHandler(), ok, true);
      for (const n of depths) {
        const headers = kind === "post-process"
          ? Array.from({ length: n }, (_, index) => headerName(index))
          : [];
        const body = route === "static" ? "ok" : "42";
        if (wanted(group, "hand-written chain")) {
          add(group, "hand-written chain", n, request, handWrittenChain(n, kind), {
            body: "ok",
            headers,
          });
        }
        const frameworks = kind === "post-process"
          ? [latch, latchAsync, ...peers.filter((peer) => hasKind(peer, kind))]
          : [latch, ...peers.filter((peer) => hasKind(peer, kind))];
        for (const peer of frameworks) {
          if (!wanted(group, peer.name)) continue;
          add(group, peer.name, n, request, await peer.make({ n, kind, route }), { body, headers });
        }
      }
    }
  }

  // The same app twice: built by ready() before serving, or by its first request.
  await addLazyGroup(add, wanted);
  await addFreshGroups(scenarios, peers, wanted);

  for (const scenario of scenarios) {
    await checkAnswer(`${scenario.group}: ${scenario.name}`, scenario.fn, scenario.expected);
  }
  return scenarios;
}

/** Adds one timed case to a group. */
type _AddCase = (
  group: string,
  framework: string,
  n: number,
  request: Request,
  fetch: FetchFunction,
  expected: Expected,
  baseline?: boolean,
) => void;

/**
 * Adds the fresh-request cases: each iteration makes a new `Request`, as a
 * server does for every request, rather than reusing one. Making it costs the
 * same in every case of the group, bare included, so a difference to bare is
 * what the framework adds to a request it has never seen (its URL and method
 * read for the first time, a new path string to route, and the garbage of
 * both). The param route cycles through {@linkcode FRESH_POOL} ids, the first
 * call getting 42, so the answer checked is the one of every other group.
 */
async function addFreshGroups(
  scenarios: Scenario[],
  peers: readonly Peer[],
  wanted: (group: string, framework: string) => boolean,
): Promise<void> {
  for (const route of ["static", "param"] as const) {
    const group = freshGroupOf(route);
    if (!wanted(group, "bare")) continue;
    const urls = route === "static"
      ? [urlOf(route)]
      : Array.from({ length: FRESH_POOL }, (_, index) => urlOf(route, 42 + index));
    const add = (framework: string, n: number, fetch: FetchFunction, body: string) => {
      let next = 0;
      scenarios.push({
        name: nameOf(framework, n),
        group,
        baseline: framework === "bare",
        framework,
        n,
        fn: () => {
          const url = urls[next] as string;
          next = next === urls.length - 1 ? 0 : next + 1;
          return fetch(new Request(url));
        },
        expected: { body, headers: [] },
      });
    };
    const shape: AppShape = { n: FRESH_DEPTH, kind: "pass-through", route };
    const body = route === "static" ? "ok" : "42";
    add("bare", 0, bareHandler(), "ok");
    if (wanted(group, READS)) add(READS, 0, readsHandler(), "ok");
    if (wanted(group, "hand-written chain")) {
      add("hand-written chain", FRESH_DEPTH, handWrittenChain(FRESH_DEPTH, "pass-through"), "ok");
    }
    for (const peer of [latch, ...peers.filter((peer) => hasKind(peer, "pass-through"))]) {
      if (wanted(group, peer.name)) add(peer.name, FRESH_DEPTH, await peer.make(shape), body);
    }
  }
}

/** Adds the lazy-vs-eager cases: the same app built by `ready()`, or by its first request. */
async function addLazyGroup(
  add: _AddCase,
  wanted: (group: string, framework: string) => boolean,
): Promise<void> {
  const [eagerCase, lazyCase] = LAZY_CASES;
  if (!wanted(LAZY_GROUP, eagerCase) && !wanted(LAZY_GROUP, lazyCase)) return;
  const request = new Request(urlOf("param"));
  const shape: AppShape = { n: LAZY_DEPTH, kind: "pass-through", route: "param" };
  const expected: Expected = { body: "42", headers: [] };
  add(LAZY_GROUP, "bare", 0, request, bareHandler(), { body: "ok", headers: [] }, true);
  if (wanted(LAZY_GROUP, eagerCase)) {
    const eager = latchApp(shape);
    await eager.ready();
    _expectOneBuild(eager.stats.builds);
    add(LAZY_GROUP, eagerCase, LAZY_DEPTH, request, eager.fetch, expected);
  }
  if (wanted(LAZY_GROUP, lazyCase)) {
    const lazy = latchApp(shape);
    await lazy.fetch(new Request(urlOf("param")));
    _expectOneBuild(lazy.stats.builds);
    add(LAZY_GROUP, lazyCase, LAZY_DEPTH, request, lazy.fetch, expected);
  }
}

function _expectOneBuild(builds: number): void {
  if (builds !== 1) throw new Error(`Expected one build, got ${builds}`);
}

/**
 * Whether `fn` answers synchronously. Deno.bench awaits only `async`
 * functions, so a case that returns a promise must be wrapped to be timed to
 * completion.
 *
 * @param fn A case's timed body.
 * @returns `true` when it returned a `Response`, not a promise.
 */
export function answersSynchronously(fn: Scenario["fn"]): boolean {
  return fn() instanceof Response;
}

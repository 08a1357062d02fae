/**
 * The build scenarios behind `build_bench.ts` (Deno.bench) and
 * `build_bench_bun.ts` (mitata on Bun): `await app.ready()` on a fresh app
 * with N middleware and R routes, sync or async factories, static or param
 * routes; and a burst of K concurrent first requests on a fresh app, which
 * must build it exactly once.
 *
 * Only `ready()` (or the burst) is timed: making the app and registering
 * everything happens in the untimed setup of each iteration.
 *
 * @module
 */

import { App, type Middleware } from "../mod.ts";
import { checkAnswer, latchApp, urlOf } from "./_scenarios.ts";

/** Sync or `async` middleware factories. */
export type FactoryKind = "sync" | "async";

/** The shape of an app to build. */
export interface BuildShape {
  /** How many middleware. */
  readonly n: number;
  /** How many routes. */
  readonly r: number;
  /** Static routes (`/r7`) or param routes (`/r7/:id`). */
  readonly routes: "static" | "param";
  /** Whether the factories are sync or `async`. */
  readonly factories: FactoryKind;
}

/** One build case: `make` registers everything (untimed), then `ready()` is timed. */
export interface BuildScenario {
  /** Its name, unique within the group. */
  readonly name: string;
  /** Its group. */
  readonly group: string;
  /** The app built, or `undefined` for the per-request apps. */
  readonly shape: BuildShape | undefined;
  /** Middleware count, for the charts. */
  readonly n: number;
  /** Makes a fresh, unbuilt app. */
  readonly make: () => App;
}

/** The middleware counts of the build sweep. */
export const BUILD_DEPTHS: readonly number[] = [0, 1, 10, 100, 1000];

/** The route counts of the build sweep. */
export const ROUTE_COUNTS: readonly number[] = [10, 100, 1000];

/** The burst sizes: concurrent first requests on a fresh app. */
export const BURST_SIZES: readonly number[] = [1, 100, 1000];

/** The group of the middleware sweep. */
export const BUILD_N_GROUP = "build, N middleware + 10 static routes";
/** The group of the route sweep. */
export const BUILD_R_GROUP = "build, R routes, no middleware";
/** The group of the largest apps. */
export const BUILD_BIG_GROUP = "build, 1000 middleware + 1000 routes";
/** The group of the apps the per-request benchmark serves, for the break-even. */
export const BUILD_FETCH_GROUP = "build, the per-request apps (N pass-through + GET /users/:id)";
/** The group of the bursts. */
export const BURST_GROUP = "burst of K first requests on a fresh app (10 async factories)";

const passThrough: Middleware = (next) => (request, ctx) => next(request, ctx);
const asyncPassThrough: Middleware = async (next) => {
  // An async factory that really yields, as one awaiting a pool or a key would.
  await null;
  return (request, ctx) => next(request, ctx);
};

/**
 * A fresh, unbuilt app of the given shape.
 *
 * @param shape What to register.
 * @returns The app.
 */
export function buildApp(shape: BuildShape): App {
  const app = new App();
  const factory = shape.factories === "sync" ? passThrough : asyncPassThrough;
  for (let index = 0; index < shape.n; index++) app.use(factory);
  for (let index = 0; index < shape.r; index++) {
    if (shape.routes === "static") app.get(`/r${index}`, () => new Response("ok"));
    else app.get(`/r${index}/:id`, (_request, ctx) => new Response(ctx.params.id));
  }
  return app;
}

/** The name of a build case. */
export function buildName(shape: BuildShape): string {
  return `N=${shape.n}, R=${shape.r} ${shape.routes}, ${shape.factories} factories`;
}

/**
 * Every build case, each checked once (built, then asked for a route) before
 * anything is timed.
 *
 * @returns The cases, group by group.
 */
export async function setupBuildScenarios(): Promise<BuildScenario[]> {
  const shapes: [string, BuildShape][] = [];
  for (const factories of ["sync", "async"] as const) {
    for (const n of BUILD_DEPTHS) {
      shapes.push([BUILD_N_GROUP, { n, r: 10, routes: "static", factories }]);
    }
  }
  for (const routes of ["static", "param"] as const) {
    for (const r of ROUTE_COUNTS) {
      shapes.push([BUILD_R_GROUP, { n: 0, r, routes, factories: "sync" }]);
    }
  }
  for (const factories of ["sync", "async"] as const) {
    for (const routes of ["static", "param"] as const) {
      shapes.push([BUILD_BIG_GROUP, { n: 1000, r: 1000, routes, factories }]);
    }
  }
  const scenarios: BuildScenario[] = shapes.map(([group, shape]) => ({
    name: buildName(shape),
    group,
    shape,
    n: shape.n,
    make: () => buildApp(shape),
  }));
  for (const n of [0, 1, 10, 50]) {
    scenarios.push({
      name: `N=${n}`,
      group: BUILD_FETCH_GROUP,
      shape: undefined,
      n,
      make: () => latchApp({ n, kind: "pass-through", route: "param" }),
    });
  }

  for (const scenario of scenarios) {
    const app = scenario.make();
    await app.ready();
    const { shape } = scenario;
    const path = shape === undefined
      ? urlOf("param")
      : `http://localhost/r${shape.r - 1}${shape.routes === "param" ? "/42" : ""}`;
    const body = shape === undefined || shape.routes === "param" ? "42" : "ok";
    await checkAnswer(`${scenario.group}: ${scenario.name}`, () => app.fetch(new Request(path)), {
      body,
      headers: [],
    });
    assertBuilds(app, 1, `${scenario.group}: ${scenario.name}`);
    if (app.stats.middleware !== scenario.n) {
      throw new Error(`Scenario "${scenario.name}" built ${app.stats.middleware} middleware`);
    }
  }
  return scenarios;
}

/** Throws unless `app` was built exactly `expected` times. */
export function assertBuilds(app: App, expected: number, label: string): void {
  if (app.stats.builds !== expected) {
    throw new Error(`Scenario "${label}" built ${app.stats.builds} times, not ${expected}`);
  }
}

/** A fresh app for a burst, the requests to send it together, and how to check the outcome. */
export interface Burst {
  /** Sends every request at once and resolves when all are answered. */
  readonly send: () => Promise<Response[]>;
  /** Throws unless the app built once (by its stats and by its counting factory) and all answered 200. */
  readonly check: (responses: readonly Response[]) => void;
}

/**
 * Prepares a burst: a fresh app with 10 async factories (one of them counts
 * its calls) and `k` requests to `/users/42`.
 *
 * @param k How many first requests arrive together.
 * @returns The burst, not sent yet.
 */
export function prepareBurst(k: number): Burst {
  let factoryCalls = 0;
  const app = new App();
  app.use(async (next) => {
    factoryCalls++;
    await null;
    return next;
  });
  for (let index = 1; index < 10; index++) app.use(asyncPassThrough);
  app.get("/users/:id", (_request, ctx) => new Response(ctx.params.id));
  const requests = Array.from({ length: k }, () => new Request(urlOf("param")));
  return {
    send: () => Promise.all(requests.map((request) => app.fetch(request))),
    check(responses) {
      const label = `${BURST_GROUP}: K=${k}`;
      assertBuilds(app, 1, label);
      if (factoryCalls !== 1) {
        throw new Error(`Scenario "${label}" called its factory ${factoryCalls} times, not once`);
      }
      const failed = responses.filter((response) => response.status !== 200).length;
      if (responses.length !== k || failed > 0) {
        throw new Error(`Scenario "${label}" got ${failed} of ${responses.length} answers not 200`);
      }
    },
  };
}

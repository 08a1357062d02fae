// Property-based tests with fast-check: random route tables and requests
// against a plain reference matcher (on the Router and through app.fetch),
// random middleware stacks against registration order, and adversarial long
// paths against a count of the work the router does.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { App, type Middleware } from "../mod.ts";
import { type RouteDefinition, Router } from "../lib/router.ts";

// ---- the rules, written plainly ------------------------------------------------

interface RouteSpec {
  readonly method: string;
  /** Each segment: a literal as written (maybe percent-encoded), or `null` for a param. */
  readonly segments: readonly (string | null)[];
  readonly wildcard: boolean;
}

function routePath(route: RouteSpec): string {
  const parts = route.segments.map((segment, index) => segment ?? `:p${index}`);
  if (route.wildcard) parts.push("*");
  return `/${parts.join("/")}`;
}

/** The method and shape two routes may not share: literals compared decoded, params alike. */
function routeKey(route: RouteSpec): string {
  const shape = route.segments.map((segment) =>
    segment === null ? null : decodeURIComponent(segment)
  );
  return JSON.stringify([route.method, shape, route.wildcard]);
}

type Expected =
  | { status: 200; route: number; params: Record<string, string>; headFromGet: boolean }
  | { status: 400 | 404 }
  | { status: 405; allow: string[] };

const EVERY_METHOD = ["DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"];

/**
 * Decode the path's segments (a bad escape is 400). A route fits when every
 * literal equals its segment, every param takes a non-empty one, and a
 * wildcard takes one segment or more (the root counts as one empty segment).
 * Rank the fits segment by segment, literal before param before wildcard; the
 * first fit, in rank order, whose route has the method (or GET for HEAD, or
 * ALL) answers. No such fit but some fits: 405 with their methods. None: 404.
 */
function reference(routes: readonly RouteSpec[], method: string, path: string): Expected {
  let segments: string[];
  try {
    segments = (path === "/" ? [] : path.slice(1).split("/")).map((each) =>
      decodeURIComponent(each)
    );
  } catch {
    return { status: 400 };
  }
  const fits: { rank: number[]; index: number; params: Record<string, string> }[] = [];
  routes.forEach((route, index) => {
    const wanted = route.segments;
    const lengthFits = route.wildcard
      ? segments.length > wanted.length || (segments.length === 0 && wanted.length === 0)
      : segments.length === wanted.length;
    if (!lengthFits) return;
    const params: Record<string, string> = {};
    const rank: number[] = [];
    for (let position = 0; position < wanted.length; position++) {
      const literal = wanted[position];
      const actual = segments[position] as string;
      if (literal === null || literal === undefined) {
        if (actual === "") return;
        params[`p${position}`] = actual;
        rank.push(1);
      } else {
        if (decodeURIComponent(literal) !== actual) return;
        rank.push(0);
      }
    }
    if (route.wildcard) {
      params["*"] = segments.slice(wanted.length).join("/");
      rank.push(2);
    }
    fits.push({ rank, index, params });
  });
  const before = (a: number[], b: number[]) => {
    for (let index = 0; index < Math.min(a.length, b.length); index++) {
      if (a[index] !== b[index]) return (a[index] as number) - (b[index] as number);
    }
    return a.length - b.length;
  };
  fits.sort((x, y) => before(x.rank, y.rank) || x.index - y.index);
  // Fits of one shape (same rank, same literals) are tried together, as one trie node.
  const shapes: (typeof fits)[] = [];
  for (const fit of fits) {
    const last = shapes.at(-1);
    const sameShape = last !== undefined &&
      JSON.stringify(routes[last[0]!.index]!.segments.map((s) => s && decodeURIComponent(s))) ===
        JSON.stringify(routes[fit.index]!.segments.map((s) => s && decodeURIComponent(s))) &&
      routes[last[0]!.index]!.wildcard === routes[fit.index]!.wildcard;
    if (sameShape) last.push(fit);
    else shapes.push([fit]);
  }
  const allow = new Set<string>();
  for (const shape of shapes) {
    const by = (wanted: string) => shape.find((fit) => routes[fit.index]!.method === wanted);
    const hit = by(method) ?? (method === "HEAD" ? by("GET") : undefined) ?? by("*");
    if (hit !== undefined) {
      const routeMethod = routes[hit.index]!.method;
      return {
        status: 200,
        route: hit.index,
        params: hit.params,
        headFromGet: method === "HEAD" && routeMethod === "GET",
      };
    }
    for (const fit of shape) {
      const routeMethod = routes[fit.index]!.method;
      if (routeMethod === "*") EVERY_METHOD.forEach((each) => allow.add(each));
      else allow.add(routeMethod);
      if (routeMethod === "GET") allow.add("HEAD");
    }
  }
  return allow.size > 0 ? { status: 405, allow: [...allow].sort() } : { status: 404 };
}

// ---- generators ----------------------------------------------------------------

const routeSpec: fc.Arbitrary<RouteSpec> = fc.record({
  method: fc.constantFrom("GET", "POST", "HEAD", "*"),
  segments: fc.array(fc.constantFrom<string | null>("a", "b", "%61", "caf%C3%A9", null), {
    maxLength: 3,
  }),
  wildcard: fc.boolean(),
});

/** A route table without two routes of one method and shape, which registration refuses. */
const routeTable = fc.uniqueArray(routeSpec, { minLength: 1, maxLength: 7, selector: routeKey });

const requestPath = fc.array(
  fc.constantFrom("a", "b", "c", "", "%61", "café", "caf%C3%A9", "%2F", "a%2Fb", "%ZZ", "%E0%A4"),
  { maxLength: 4 },
).map((segments) => segments.length === 0 ? "/" : `/${segments.join("/")}`);

const requestMethod = fc.constantFrom("GET", "HEAD", "POST", "PUT", "OPTIONS", "DELETE");

// ---- properties ----------------------------------------------------------------

test("Router agrees with a plain reference matcher on random tables and requests", () => {
  fc.assert(
    fc.property(
      routeTable,
      fc.array(fc.tuple(requestMethod, requestPath), { minLength: 1, maxLength: 10 }),
      (routes, requests) => {
        const router = new Router<number>(
          routes.map((route, index): RouteDefinition<number> => ({
            method: route.method,
            path: routePath(route),
            value: index,
          })),
        );
        for (const [method, path] of requests) {
          const found = router.match(method, path);
          const actual = found.status === 200
            ? {
              status: 200,
              route: found.value,
              params: { ...found.params },
              headFromGet: found.headFromGet,
            }
            : found.status === 405
            ? { status: 405, allow: [...found.allow] }
            : { status: found.status };
          assert.deepEqual(actual, reference(routes, method, path), `${method} ${path}`);
        }
      },
    ),
    { numRuns: 300 },
  );
});

test("App.fetch answers random tables and requests as the reference says: status, route, params, Allow", async () => {
  await fc.assert(
    fc.asyncProperty(
      routeTable,
      fc.array(fc.tuple(requestMethod, requestPath), { minLength: 1, maxLength: 6 }),
      async (routes, requests) => {
        const app = new App({ logger: { error() {} } });
        routes.forEach((route, index) => {
          app.on(
            route.method === "*" ? ["*"] : route.method,
            routePath(route),
            (_request, ctx) =>
              new Response(JSON.stringify({ ...ctx.params }), {
                headers: { "x-route": String(index) },
              }),
          );
        });
        for (const [method, path] of requests) {
          const expected = reference(routes, method, path);
          const response = await app.fetch(new Request(`http://localhost${path}`, { method }));
          const where = `${method} ${path}`;
          if (expected.status === 200) {
            assert.equal(response.status, 200, where);
            assert.equal(response.headers.get("x-route"), String(expected.route), where);
            const body = await response.text();
            // HEAD served by a GET route loses the body; a HEAD or ALL route's body is its own.
            if (expected.headFromGet) assert.equal(body, "", where);
            else assert.deepEqual(JSON.parse(body), expected.params, where);
          } else if (expected.status === 405) {
            const allow = expected.allow.includes("OPTIONS")
              ? expected.allow
              : [...expected.allow, "OPTIONS"];
            assert.equal(response.status, method === "OPTIONS" ? 204 : 405, where);
            assert.equal(response.headers.get("allow"), allow.join(", "), where);
            await response.body?.cancel();
          } else {
            assert.equal(response.status, expected.status, where);
            await response.body?.cancel();
          }
        }
        await app.close();
      },
    ),
    { numRuns: 100 },
  );
});

test("App calls random middleware stacks in registration order, factories innermost first, once per build", async () => {
  const layer = fc.record({ asyncFactory: fc.boolean(), asyncHandler: fc.boolean() });
  await fc.assert(
    fc.asyncProperty(
      fc.array(layer, { maxLength: 8 }),
      fc.nat({ max: 3 }),
      async (layers, extra) => {
        const log: string[] = [];
        const app = new App();
        layers.forEach((spec, index) => {
          const middleware: Middleware = (next) => {
            log.push(`factory ${index}`);
            const handler: typeof next = spec.asyncHandler
              ? async (request, ctx) => {
                log.push(`enter ${index}`);
                await Promise.resolve();
                const response = await next(request, ctx);
                log.push(`leave ${index}`);
                return response;
              }
              : (request, ctx) => {
                log.push(`enter ${index}`);
                const response = next(request, ctx);
                const leave = (settled: Response) => {
                  log.push(`leave ${index}`);
                  return settled;
                };
                // Sync-first: chain only when the inner layers returned a promise.
                return response instanceof Response ? leave(response) : response.then(leave);
              };
            return spec.asyncFactory ? Promise.resolve().then(() => handler) : handler;
          };
          app.use(middleware);
        });
        app.get("/", () => {
          log.push("handler");
          return new Response("ok");
        });
        const indexes = layers.map((_, index) => index);
        const oneRequest = [
          ...indexes.map((index) => `enter ${index}`),
          "handler",
          ...indexes.toReversed().map((index) => `leave ${index}`),
        ];
        for (let round = 0; round <= extra; round++) {
          assert.equal((await app.fetch(new Request("http://localhost/"))).status, 200);
        }
        assert.deepEqual(log, [
          ...indexes.toReversed().map((index) => `factory ${index}`),
          ...Array.from({ length: extra + 1 }, () => oneRequest).flat(),
        ]);
        assert.equal(app.stats.builds, 1);
      },
    ),
    { numRuns: 60 },
  );
});

// ---- linear work on adversarial paths ------------------------------------------

/** What the router did during one call: Map lookups, and characters split, decoded and joined. */
interface Work {
  mapGets: number;
  characters: number;
}

/**
 * Runs `body` synchronously with `Map.prototype.get`, `String.prototype.split`,
 * `decodeURIComponent` and `Array.prototype.join` counted: the lookups the
 * trie walk makes and the characters the path handling touches. Deterministic,
 * unlike a stopwatch on a shared two-core machine.
 */
function countWork(body: () => void): Work {
  const work: Work = { mapGets: 0, characters: 0 };
  const originals = {
    get: Map.prototype.get,
    split: String.prototype.split,
    join: Array.prototype.join,
    decode: globalThis.decodeURIComponent,
  };
  Map.prototype.get = function (this: Map<unknown, unknown>, key: unknown) {
    work.mapGets++;
    return originals.get.call(this, key);
  };
  // deno-lint-ignore no-explicit-any -- split's overloads cannot be re-declared in one signature
  (String.prototype as any).split = function (this: string, ...args: unknown[]) {
    work.characters += this.length;
    // deno-lint-ignore no-explicit-any -- as above
    return (originals.split as any).apply(this, args);
  };
  Array.prototype.join = function (this: unknown[], separator?: string) {
    const joined = originals.join.call(this, separator);
    work.characters += joined.length;
    return joined;
  };
  globalThis.decodeURIComponent = (component: string) => {
    work.characters += component.length;
    return originals.decode(component);
  };
  try {
    body();
  } finally {
    Map.prototype.get = originals.get;
    String.prototype.split = originals.split;
    Array.prototype.join = originals.join;
    globalThis.decodeURIComponent = originals.decode;
  }
  return work;
}

/**
 * A table built to make a backtracking matcher explore: at each depth a
 * static "a", a param and a wildcard, whose routes all want another method,
 * so a request for "a/a/a/…" walks every branch before its 405.
 */
function adversarialRouter(depth: number): Router<number> {
  const routes: RouteDefinition<number>[] = [];
  for (let level = 0; level < depth; level++) {
    const prefix = "/a".repeat(level);
    routes.push({ method: "POST", path: `${prefix}/*`, value: routes.length });
    routes.push({ method: "POST", path: `${prefix}/:p${level}/b`, value: routes.length });
    routes.push({ method: "POST", path: `${prefix}/:q${level}/*`, value: routes.length });
    routes.push({ method: "POST", path: `${prefix}/a/c`, value: routes.length });
  }
  return new Router(routes);
}

test("Router does work linear in the path's length on adversarial tables and paths", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 6 }),
      fc.constantFrom("a", "%61", "", "a%2F", "b"),
      fc.integer({ min: 64, max: 512 }),
      requestMethod,
      (depth, segment, length, method) => {
        const router = adversarialRouter(depth);
        const path = (count: number) =>
          `/${Array.from({ length: count }, () => segment).join("/")}`;
        const short = path(length);
        const long = path(length * 8);
        const small = countWork(() => router.match(method, short));
        const large = countWork(() => router.match(method, long));
        assert.deepEqual(
          router.match(method, long).status,
          router.match(method, short).status,
          "a longer run of the same segment gets the same kind of answer",
        );
        // Eight times the path: at most about eight times the work, plus a constant.
        assert.ok(
          large.characters <= 8.5 * small.characters + 64,
          `characters ${small.characters} → ${large.characters}`,
        );
        assert.ok(
          large.mapGets <= 8.5 * small.mapGets + 64,
          `Map lookups ${small.mapGets} → ${large.mapGets}`,
        );
      },
    ),
    { numRuns: 40 },
  );
});

test("App answers adversarial 64 KiB paths through the whole stack", async () => {
  const app = new App({ logger: { error() {} } }).use((next) => next);
  for (let level = 0; level < 6; level++) {
    const prefix = "/a".repeat(level);
    app.post(`${prefix}/*`, () => new Response("wildcard"));
    app.post(`${prefix}/:p${level}/b`, () => new Response("param"));
  }
  const kib64 = 64 * 1024;
  const cases: [string, number][] = [
    [`/${"a/".repeat(kib64 / 2)}`, 405],
    [`/${"%61/".repeat(kib64 / 4)}`, 405],
    [`/${"/".repeat(kib64 - 1)}`, 405],
    [`/${"a".repeat(kib64 - 1)}`, 405],
    [`/${"%ZZ".repeat(kib64 / 3)}`, 400],
  ];
  for (const [path, status] of cases) {
    const response = await app.fetch(new Request(`http://localhost${path}`));
    assert.equal(response.status, status, `${path.slice(0, 12)}… (${path.length} characters)`);
    await response.body?.cancel();
  }
});

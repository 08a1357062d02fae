// The compiled router against a plain reference matcher, over seeded random
// route tables and paths: the trie, its static fast path and its 405 lists
// must answer exactly what the rules in the README say.
import { test } from "node:test";
import assert from "node:assert/strict";
import { type RouteDefinition, type RouteLookup, Router } from "../lib/router.ts";

/** mulberry32: a small seeded generator, so a failure replays. */
function generator(seed: number): () => number {
  return () => {
    seed = (seed + 0x6D2B79F5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const ROUTE_SEGMENTS = ["a", "b", "%61", "caf%C3%A9", ":p", ":q"];
const REQUEST_SEGMENTS = ["a", "b", "c", "%61", "café", "caf%C3%A9", "", "%2F", "%ZZ", "a%2Fb"];
const ROUTE_METHODS = ["GET", "HEAD", "POST", "*"];
const REQUEST_METHODS = ["GET", "HEAD", "POST", "PUT", "OPTIONS"];
const EVERY_METHOD = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"];

interface Pattern {
  /** A decoded literal, or `null` for a param, with its name alongside. */
  readonly segments: readonly { literal: string | null; name: string }[];
  readonly wildcard: boolean;
}

function pattern(path: string): Pattern {
  const parts = path === "/" ? [] : path.slice(1).split("/");
  const wildcard = parts.at(-1) === "*";
  if (wildcard) parts.pop();
  return {
    segments: parts.map((part) =>
      part.startsWith(":")
        ? { literal: null, name: part.slice(1) }
        : { literal: decodeURIComponent(part), name: "" }
    ),
    wildcard,
  };
}

/**
 * The rules, written plainly: split and decode the path; a route matches when
 * each literal equals its segment, each param takes a non-empty segment, and a
 * wildcard takes one segment or more (the root path counts as one empty
 * segment). Among matches, per segment, literal beats param beats wildcard;
 * the best-ranked route shape that has the method (or GET for HEAD, or ALL)
 * wins. Otherwise 405 with every matching shape's methods, or 404.
 */
function reference(routes: RouteDefinition<number>[], method: string, path: string) {
  let segments: string[];
  try {
    segments = (path === "/" ? [] : path.slice(1).split("/")).map(decodeURIComponent);
  } catch {
    return { status: 400 };
  }
  const matches: {
    rank: number[];
    shape: string;
    route: RouteDefinition<number>;
    params: Record<string, string>;
  }[] = [];
  for (const route of routes) {
    const { segments: wanted, wildcard } = pattern(route.path);
    const fits = wildcard
      ? segments.length > wanted.length || (segments.length === 0 && wanted.length === 0)
      : segments.length === wanted.length;
    if (!fits) continue;
    const params: Record<string, string> = {};
    const rank: number[] = [];
    let ok = true;
    wanted.forEach((segment, index) => {
      const actual = segments[index] as string;
      if (segment.literal !== null) {
        ok &&= segment.literal === actual;
        rank.push(0);
      } else {
        ok &&= actual !== "";
        params[segment.name] = actual;
        rank.push(1);
      }
    });
    if (!ok) continue;
    if (wildcard) {
      params["*"] = segments.slice(wanted.length).join("/");
      rank.push(2);
    }
    const shape = JSON.stringify([wanted.map((segment) => segment.literal), wildcard]);
    matches.push({ rank, shape, route, params });
  }
  const compare = (a: number[], b: number[]) => {
    for (let index = 0; index < Math.min(a.length, b.length); index++) {
      if (a[index] !== b[index]) return (a[index] as number) - (b[index] as number);
    }
    return a.length - b.length;
  };
  matches.sort((x, y) => compare(x.rank, y.rank));
  const shapes = new Map<string, typeof matches>();
  for (const match of matches) shapes.set(match.shape, [...(shapes.get(match.shape) ?? []), match]);
  const allow = new Set<string>();
  for (const group of shapes.values()) {
    const by = (wanted: string) => group.find((match) => match.route.method === wanted);
    const hit = by(method) ?? (method === "HEAD" ? by("GET") : undefined) ?? by("*");
    if (hit) {
      return {
        status: 200,
        value: hit.route.value,
        params: hit.params,
        headFromGet: method === "HEAD" && hit.route.method === "GET",
      };
    }
    for (const match of group) {
      if (match.route.method === "*") EVERY_METHOD.forEach((each) => allow.add(each));
      else allow.add(match.route.method);
      if (match.route.method === "GET") allow.add("HEAD");
    }
  }
  return allow.size > 0 ? { status: 405, allow: [...allow].sort() } : { status: 404 };
}

function plain(lookup: RouteLookup<number>): unknown {
  return lookup.status === 200 ? { ...lookup, params: { ...lookup.params } } : lookup;
}

test("Router agrees with a plain reference matcher on 20,000 random requests to random tables", () => {
  const random = generator(20261129);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  let checked = 0;
  for (let table = 0; table < 2000; table++) {
    const routes: RouteDefinition<number>[] = [];
    const claimed = new Set<string>();
    for (let count = 1 + Math.floor(random() * 6); count > 0; count--) {
      const parts: string[] = [];
      const names = new Set<string>();
      for (let length = Math.floor(random() * 3); length > 0; length--) {
        let part = pick(ROUTE_SEGMENTS);
        if (part.startsWith(":") && names.has(part)) part = "a";
        if (part.startsWith(":")) names.add(part);
        parts.push(part);
      }
      if (random() < 0.3) parts.push("*");
      const path = `/${parts.join("/")}`;
      const method = pick(ROUTE_METHODS);
      const { segments, wildcard } = pattern(path);
      const key = `${method} ${JSON.stringify([segments.map((each) => each.literal), wildcard])}`;
      if (claimed.has(key)) continue;
      claimed.add(key);
      routes.push({ method, path, value: routes.length });
    }
    const router = new Router(routes);
    for (let request = 0; request < 10; request++) {
      const length = Math.floor(random() * 4);
      const path = length === 0
        ? "/"
        : `/${Array.from({ length }, () => pick(REQUEST_SEGMENTS)).join("/")}`;
      const method = pick(REQUEST_METHODS);
      assert.deepEqual(
        plain(router.match(method, path)),
        reference(routes, method, path),
        `${method} ${path} against ${
          routes.map((route) => `${route.method} ${route.path}`).join(", ")
        }`,
      );
      checked++;
    }
  }
  assert.equal(checked, 20_000);
});

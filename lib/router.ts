/**
 * The router: a segment trie compiled once per build, with a map in front of
 * it for static paths. Static segments win over `:params`, which win over a
 * trailing `*`; a path that matches only under other methods yields 405 with
 * the methods that would have matched.
 *
 * @module
 */

import { _NO_PARAMS, _parseRoutePath } from "./_route_path.ts";

/** A route as registered: what the router compiles. */
export interface RouteDefinition<T> {
  /** An upper-case method token, or `"*"` for any method. */
  readonly method: string;
  /** The path pattern, as given to `app.get()` and the like. */
  readonly path: string;
  /** What a match returns. */
  readonly value: T;
}

/** What {@linkcode Router.match} found. */
export type RouteLookup<T> =
  | {
    readonly status: 200;
    readonly value: T;
    /** The decoded params, in an object with a null prototype. */
    readonly params: Record<string, string>;
    /** The route is the `GET` route serving a `HEAD` request: its body must be dropped. */
    readonly headFromGet: boolean;
  }
  | { readonly status: 400 | 404 }
  | { readonly status: 405; readonly allow: readonly string[] };

interface _Entry<T> {
  readonly value: T;
  /** One name per captured value, in order; `"*"` last for a wildcard. */
  readonly names: readonly string[];
}

/**
 * A string-keyed lookup for keys cut from the request's path. Such a string is
 * fresh, so a `Map` must hash it on every lookup; comparing it with a few keys
 * is cheaper, and a lookup by its length first skips most misses outright.
 */
class _Lookup<V> {
  /** Per key length: the keys of that length and their values, side by side. */
  readonly #byLength: ({ keys: string[]; values: V[] } | undefined)[] = [];
  /** The same, hashed, for a length with many keys. */
  readonly #map = new Map<string, V>();

  constructor(entries: Iterable<[string, V]>) {
    for (const [key, value] of entries) {
      this.#map.set(key, value);
      const bucket = this.#byLength[key.length] ??= { keys: [], values: [] };
      bucket.keys.push(key);
      bucket.values.push(value);
    }
  }

  get(key: string): V | undefined {
    const bucket = this.#byLength[key.length];
    if (bucket === undefined) return undefined;
    const keys = bucket.keys;
    if (keys.length > 8) return this.#map.get(key);
    for (let index = 0; index < keys.length; index++) {
      if (keys[index] === key) return bucket.values[index];
    }
    return undefined;
  }
}

class _Node<T> {
  readonly statics = new Map<string, _Node<T>>();
  /** `statics`, for lookups once the router is compiled. */
  children: _Lookup<_Node<T>> = _NO_CHILDREN as _Lookup<_Node<T>>;
  param: _Node<T> | undefined;
  /** Routes ending here. */
  methods: Map<string, _Entry<T>> | undefined;
  /** Routes ending in `*` here. */
  wildcard: Map<string, _Entry<T>> | undefined;
}

const _NO_CHILDREN = new _Lookup<never>([]);
const _NOT_FOUND = { status: 404 } as const;
const _BAD_PATH = { status: 400 } as const;

function _allowOf<T>(table: Map<string, _Entry<T>>, into: Set<string>): void {
  for (const method of table.keys()) {
    if (method === "*") return _addAll(into);
    into.add(method);
    if (method === "GET") into.add("HEAD");
  }
}

function _addAll(into: Set<string>): void {
  for (const method of ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
    into.add(method);
  }
}

/**
 * A compiled route table. Build it once from every route; it never changes
 * after, so a match has no locks, caches or lazy work.
 *
 * @example
 * ```ts
 * import { Router } from "./router.ts";
 * import assert from "node:assert/strict";
 *
 * const router = new Router([{ method: "GET", path: "/users/:id", value: "user" }]);
 * const found = router.match("GET", "/users/7");
 * assert.ok(found.status === 200 && found.params.id === "7");
 * ```
 */
export class Router<T> {
  readonly #root = new _Node<T>();
  /** Static paths, for a match without walking the trie: path → method → the finished lookup. */
  readonly #statics: _Lookup<_StaticPath<T>>;

  /**
   * Compiles `routes`.
   *
   * @param routes Every route, in registration order. Two routes with the same method and the same shape throw.
   */
  constructor(routes: Iterable<RouteDefinition<T>>) {
    const staticTables = new Map<string, Map<string, _Entry<T>>>();
    for (const route of routes) this.#add(route, staticTables);
    // Filled once every route is in: a table may gain methods from a later route
    // spelled differently (`/a` and `/%61` share one).
    this.#statics = new _Lookup(
      [...staticTables].map(([path, table]) => [path, _staticLookups(table)]),
    );
    _compileChildren(this.#root);
  }

  #add(route: RouteDefinition<T>, staticTables: Map<string, Map<string, _Entry<T>>>): void {
    const parsed = _parseRoutePath(route.path);
    let node = this.#root;
    for (const segment of parsed.segments) {
      if (segment === null) {
        node = node.param ??= new _Node<T>();
      } else {
        let child = node.statics.get(segment);
        if (child === undefined) node.statics.set(segment, child = new _Node<T>());
        node = child;
      }
    }
    const table = parsed.wildcard ? (node.wildcard ??= new Map()) : (node.methods ??= new Map());
    if (table.has(route.method)) {
      const method = route.method === "*" ? "ALL" : route.method;
      throw new Error(
        `Route ${method} ${route.path} is registered twice (or with only its param names changed): ` +
          `remove one, or give them different methods or paths`,
      );
    }
    table.set(route.method, { value: route.value, names: parsed.names });
    if (!parsed.wildcard && parsed.names.length === 0) staticTables.set(route.path, table);
  }

  /**
   * Finds the route for a request.
   *
   * @param method The request's method, as it came.
   * @param path The request's path, still percent-encoded, without query or fragment.
   * @returns 200 with the route and its decoded params, 405 with the allowed methods, 404, or 400 for a malformed percent-encoding.
   */
  match(method: string, path: string): RouteLookup<T> {
    // Fast path: a static path with this method needs no split, decode, walk or
    // allocation; its lookups were made when the router was compiled.
    const statics = this.#statics.get(path);
    if (statics !== undefined) {
      // Most static paths have one method: a string compare before a second map lookup.
      if (statics.method === method) return statics.lookup;
      const found = statics.lookups.get(method) ?? statics.lookups.get("*");
      if (found !== undefined) return found;
    }
    const segments = _segmentsOf(path);
    // Only a path with an escape needs decoding, segment by segment (so "%2F" stays inside one).
    if (path.includes("%")) {
      for (let index = 0; index < segments.length; index++) {
        try {
          segments[index] = decodeURIComponent(segments[index] as string);
        } catch {
          return _BAD_PATH;
        }
      }
    }
    const found = _walk(this.#root, segments, 0, method, [], undefined);
    if (found !== undefined) return found;
    // A miss walks again to collect the methods the path has, so a hit allocates no set.
    const allow = new Set<string>();
    _walk(this.#root, segments, 0, method, [], allow);
    if (allow.size === 0) return _NOT_FOUND;
    return { status: 405, allow: [...allow].sort() };
  }
}

/** Depth-first in priority order (static, param, wildcard); returns the first route with the method and collects the methods of the rest. */
function _walk<T>(
  node: _Node<T>,
  segments: readonly string[],
  index: number,
  method: string,
  captured: string[],
  allow: Set<string> | undefined,
): RouteLookup<T> | undefined {
  if (index === segments.length) {
    if (node.methods !== undefined) {
      const found = _pick(node.methods, method, captured, allow);
      if (found !== undefined) return found;
    }
  } else {
    const segment = segments[index] as string;
    const child = node.children.get(segment);
    if (child !== undefined) {
      const found = _walk(child, segments, index + 1, method, captured, allow);
      if (found !== undefined) return found;
    }
    if (node.param !== undefined && segment !== "") {
      captured.push(segment);
      const found = _walk(node.param, segments, index + 1, method, captured, allow);
      captured.pop();
      if (found !== undefined) return found;
    }
  }
  // A wildcard takes one segment or more; the root path "/" counts as one empty segment.
  if (node.wildcard !== undefined && (index < segments.length || segments.length === 0)) {
    captured.push(segments.slice(index).join("/"));
    const found = _pick(node.wildcard, method, captured, allow);
    captured.pop();
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Fills every node's `children` from its `statics`, once all routes are in. */
function _compileChildren<T>(node: _Node<T>): void {
  if (node.statics.size > 0) node.children = new _Lookup(node.statics);
  for (const child of node.statics.values()) _compileChildren(child);
  if (node.param !== undefined) _compileChildren(node.param);
}

/** The segments of `path` ("/a/b" → ["a", "b"], "/" → []); a loop, as `split` is about twice as slow. */
function _segmentsOf(path: string): string[] {
  const segments: string[] = [];
  if (path === "/") return segments;
  let start = 1;
  for (;;) {
    const end = path.indexOf("/", start);
    if (end === -1) {
      segments.push(path.slice(start));
      return segments;
    }
    segments.push(path.slice(start, end));
    start = end + 1;
  }
}

/** A static path's finished lookups: its first method's in a slot of its own, every method's in a map. */
interface _StaticPath<T> {
  readonly method: string;
  readonly lookup: RouteLookup<T>;
  readonly lookups: ReadonlyMap<string, RouteLookup<T>>;
}

/** The finished lookup of each method a static path's routes answer, `HEAD` from `GET` included. */
function _staticLookups<T>(table: Map<string, _Entry<T>>): _StaticPath<T> {
  const lookups = new Map<string, RouteLookup<T>>();
  for (const [method, entry] of table) {
    lookups.set(method, {
      status: 200,
      value: entry.value,
      params: _NO_PARAMS,
      headFromGet: false,
    });
  }
  const get = table.get("GET");
  if (get !== undefined && !table.has("HEAD")) {
    lookups.set("HEAD", { status: 200, value: get.value, params: _NO_PARAMS, headFromGet: true });
  }
  const method = lookups.keys().next().value as string;
  return { method, lookup: lookups.get(method) as RouteLookup<T>, lookups };
}

function _pick<T>(
  table: Map<string, _Entry<T>>,
  method: string,
  captured: readonly string[],
  allow: Set<string> | undefined,
): RouteLookup<T> | undefined {
  let entry = table.get(method);
  let headFromGet = false;
  if (entry === undefined && method === "HEAD") {
    entry = table.get("GET");
    headFromGet = entry !== undefined;
  }
  entry ??= table.get("*");
  if (entry === undefined) {
    if (allow !== undefined) _allowOf(table, allow);
    return undefined;
  }
  const params: Record<string, string> = Object.create(null);
  for (let index = 0; index < entry.names.length; index++) {
    params[entry.names[index] as string] = captured[index] as string;
  }
  return { status: 200, value: entry.value, params, headFromGet };
}

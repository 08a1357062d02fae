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

  /** `get(text.slice(start, end))`, without the slice when few keys have that length. */
  at(text: string, start: number, end: number): V | undefined {
    const bucket = this.#byLength[end - start];
    if (bucket === undefined) return undefined;
    const keys = bucket.keys;
    if (keys.length > 8) return this.#map.get(text.slice(start, end));
    for (let index = 0; index < keys.length; index++) {
      if (_sameAt(keys[index] as string, text, start)) return bucket.values[index];
    }
    return undefined;
  }
}

/** Whether `text` holds `key` from `start` on (a compare in place: `startsWith` with a position is slower in V8). */
function _sameAt(key: string, text: string, start: number): boolean {
  for (let index = 0; index < key.length; index++) {
    if (key.charCodeAt(index) !== text.charCodeAt(start + index)) return false;
  }
  return true;
}

/**
 * A node's routes by method, compiled for lookups: a request's method is a
 * fresh string on a served request, which a `Map` would hash every time, and a
 * node has a few methods at most, so they are compared in turn.
 */
class _Methods<T> {
  readonly #names: string[] = [];
  readonly #entries: _Entry<T>[] = [];
  /** The `GET` route, which also answers `HEAD` when there is no `HEAD` route. */
  readonly #get: _Entry<T> | undefined;
  /** The route for any method (`app.all()`). */
  readonly #any: _Entry<T> | undefined;
  /** Every method, for the `Allow` of a 405. */
  readonly table: ReadonlyMap<string, _Entry<T>>;

  constructor(table: Map<string, _Entry<T>>) {
    this.table = table;
    for (const [name, entry] of table) {
      this.#names.push(name);
      this.#entries.push(entry);
    }
    this.#get = table.get("GET");
    this.#any = table.get("*");
  }

  /** The route for `method`, if any: its own, else `GET`'s for `HEAD`, else the any-method route. */
  find(method: string): _Entry<T> | undefined {
    const names = this.#names;
    for (let index = 0; index < names.length; index++) {
      if (names[index] === method) return this.#entries[index];
    }
    if (method === "HEAD" && this.#get !== undefined) return this.#get;
    return this.#any;
  }

  /** Whether `find(method)` answers a `HEAD` with the `GET` route. */
  headFromGet(method: string, entry: _Entry<T>): boolean {
    return entry === this.#get && method === "HEAD";
  }
}

class _Node<T> {
  readonly statics = new Map<string, _Node<T>>();
  /** `statics`, for lookups once the router is compiled. */
  children: _Lookup<_Node<T>> = _NO_CHILDREN as _Lookup<_Node<T>>;
  param: _Node<T> | undefined;
  /** Routes ending here, while the router is built. */
  methods: Map<string, _Entry<T>> | undefined;
  /** Routes ending in `*` here, while the router is built. */
  wildcard: Map<string, _Entry<T>> | undefined;
  /** `methods`, compiled. */
  routes: _Methods<T> | undefined;
  /** `wildcard`, compiled. */
  wildcardRoutes: _Methods<T> | undefined;
}

const _NO_CHILDREN = new _Lookup<never>([]);
const _NOT_FOUND = { status: 404 } as const;
const _BAD_PATH = { status: 400 } as const;

function _allowOf<T>(table: ReadonlyMap<string, _Entry<T>>, into: Set<string>): void {
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
  /** The one record every walk of this router reads and collects into (see `match`). */
  readonly #walk: _Walk = {
    path: "",
    decoded: undefined,
    method: "",
    captured: [],
    allow: undefined,
  };

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
    // The trie is walked over `path` itself: only param values are cut from it.
    // A path with an escape is decoded segment by segment first (so "%2F" stays
    // inside one), and any malformed escape is a 400 whatever the routes.
    let decoded: string[] | undefined;
    if (path.includes("%")) {
      decoded = _segmentsOf(path);
      for (let index = 0; index < decoded.length; index++) {
        try {
          decoded[index] = decodeURIComponent(decoded[index] as string);
        } catch {
          return _BAD_PATH;
        }
      }
    }
    // One walk record per router, reused: a match runs no user code, so never
    // two at once, and every walk pops what it pushed onto `captured`.
    const walk = this.#walk;
    walk.path = path;
    walk.decoded = decoded;
    walk.method = method;
    walk.allow = undefined;
    const start = path === "/" ? 1 : 0;
    const found = _walk(this.#root, walk, start, 0);
    if (found !== undefined) return found;
    // A miss walks again to collect the methods the path has, so a hit allocates no set.
    const allow = walk.allow = new Set<string>();
    _walk(this.#root, walk, start, 0);
    walk.allow = undefined;
    if (allow.size === 0) return _NOT_FOUND;
    return { status: 405, allow: [...allow].sort() };
  }
}

/** What one walk reads: the path (and its decoded segments, if it had escapes), the method, and where it collects. */
interface _Walk {
  path: string;
  decoded: readonly string[] | undefined;
  method: string;
  readonly captured: string[];
  allow: Set<string> | undefined;
}

/**
 * Depth-first in priority order (static, param, wildcard); returns the first
 * route with the method and collects the methods of the rest. `slash` is the
 * index of the "/" before the next segment (the path's length once all are
 * taken), `index` that segment's number.
 */
function _walk<T>(
  node: _Node<T>,
  walk: _Walk,
  slash: number,
  index: number,
): RouteLookup<T> | undefined {
  const path = walk.path;
  const decoded = walk.decoded;
  const captured = walk.captured;
  if (slash >= path.length) {
    if (node.routes !== undefined) {
      const found = _pick(node.routes, walk);
      if (found !== undefined) return found;
    }
  } else {
    let end = path.indexOf("/", slash + 1);
    if (end === -1) end = path.length;
    const child = decoded === undefined
      ? node.children.at(path, slash + 1, end)
      : node.children.get(decoded[index] as string);
    if (child !== undefined) {
      const found = _walk(child, walk, end, index + 1);
      if (found !== undefined) return found;
    }
    if (
      node.param !== undefined &&
      (decoded === undefined ? end > slash + 1 : decoded[index] !== "")
    ) {
      captured.push(
        decoded === undefined ? path.slice(slash + 1, end) : decoded[index] as string,
      );
      const found = _walk(node.param, walk, end, index + 1);
      captured.pop();
      if (found !== undefined) return found;
    }
  }
  // A wildcard takes one segment or more; the root path "/" counts as one empty segment.
  if (node.wildcardRoutes !== undefined && (slash < path.length || path === "/")) {
    captured.push(
      decoded === undefined ? path.slice(slash + 1) : decoded.slice(index).join("/"),
    );
    const found = _pick(node.wildcardRoutes, walk);
    captured.pop();
    if (found !== undefined) return found;
  }
  return undefined;
}

/** Fills every node's `children` from its `statics`, once all routes are in. */
function _compileChildren<T>(node: _Node<T>): void {
  if (node.statics.size > 0) node.children = new _Lookup(node.statics);
  if (node.methods !== undefined) node.routes = new _Methods(node.methods);
  if (node.wildcard !== undefined) node.wildcardRoutes = new _Methods(node.wildcard);
  for (const child of node.statics.values()) _compileChildren(child);
  if (node.param !== undefined) _compileChildren(node.param);
}

/** The segments of `path` ("/a/b" → ["a", "b"], "/" → []), for a path with escapes to decode. */
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

function _pick<T>(routes: _Methods<T>, walk: _Walk): RouteLookup<T> | undefined {
  const method = walk.method;
  const entry = routes.find(method);
  if (entry === undefined) {
    if (walk.allow !== undefined) _allowOf(routes.table, walk.allow);
    return undefined;
  }
  const headFromGet = routes.headFromGet(method, entry);
  const params: Record<string, string> = Object.create(null);
  for (let index = 0; index < entry.names.length; index++) {
    params[entry.names[index] as string] = walk.captured[index] as string;
  }
  return { status: 200, value: entry.value, params, headFromGet };
}

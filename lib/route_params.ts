/**
 * The type of `ctx.params` worked out from a route path at compile time, so
 * that `app.get("/users/:id", (request, ctx) => …)` knows `ctx.params.id` is a
 * string and that `ctx.params.name` does not exist.
 *
 * @module
 */

type _Simplify<T> = { [K in keyof T]: T[K] };

type _SegmentParams<Segment extends string> = Segment extends `:${infer Name}`
  ? { [K in Name]: string }
  : Segment extends "*" ? { "*": string }
  // deno-lint-ignore ban-types -- `{}` is the identity of `&`, which is what a static segment contributes
  : {};

type _PathParams<Path extends string> = Path extends `${infer Head}/${infer Rest}`
  ? _SegmentParams<Head> & _PathParams<Rest>
  : _SegmentParams<Path>;

/**
 * The params of a route path: one `string` member per `:name` segment, and
 * `"*"` for a trailing wildcard. A path typed only as `string` gives
 * `Record<string, string>`.
 *
 * @example
 * ```ts
 * import type { RouteParams } from "@latch/latch";
 *
 * const params: RouteParams<"/users/:id/files/*"> = { id: "7", "*": "a/b.txt" };
 * console.assert(params.id === "7");
 * ```
 */
export type RouteParams<Path extends string> = string extends Path ? Record<string, string>
  : _Simplify<_PathParams<Path>>;

/**
 * The type of `ctx.params` worked out from a route path at compile time, so
 * that `app.get("/users/:id", (request, ctx) => …)` knows `ctx.params.id` is a
 * string and that `ctx.params.name` does not exist.
 *
 * @module
 */

/**
 * The names of a route path's params: each `:name`, and `"*"` for a
 * trailing wildcard.
 *
 * @example
 * ```ts
 * import type { RouteParamNames } from "@latch/latch";
 * import assert from "node:assert/strict";
 *
 * const names: RouteParamNames<"/orgs/:org/files/*">[] = ["org", "*"];
 * assert.equal(names.length, 2);
 * ```
 */
export type RouteParamNames<Path extends string> = Path extends `${infer Head}/${infer Rest}`
  ? (Head extends `:${infer Name}` ? Name : Head extends "*" ? "*" : never) | RouteParamNames<Rest>
  : Path extends `:${infer Name}` ? Name
  : Path extends "*" ? "*"
  : never;

/**
 * The params of a route path: one `string` member per `:name` segment, and
 * `"*"` for a trailing wildcard. A path typed only as `string` gives
 * `Record<string, string>`.
 *
 * @example
 * ```ts
 * import type { RouteParams } from "@latch/latch";
 * import assert from "node:assert/strict";
 *
 * const params: RouteParams<"/users/:id/files/*"> = { id: "7", "*": "a/b.txt" };
 * assert.equal(params.id, "7");
 * ```
 */
export type RouteParams<Path extends string> = string extends Path ? Record<string, string>
  : { [Name in RouteParamNames<Path>]: string };

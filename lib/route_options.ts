/**
 * What a route is registered with besides its handler (schemas for its
 * params, query, headers and body, and what API documentation shows), the
 * types `ctx.valid` gets from those schemas, and how a build describes a
 * route to middleware (`build.routes`). Types only: this file imports no
 * implementation.
 *
 * @module
 */

import type { AppTypes, Context } from "./context.ts";
import type { StandardSchemaV1 } from "./standard_schema.ts";

/**
 * The parts of a request a route can validate, as `ctx.valid` and the `in`
 * of a validation issue name them.
 *
 * @example
 * ```ts
 * import type { RoutePart } from "@latch/latch";
 *
 * const parts: RoutePart[] = ["params", "query", "headers", "body"];
 * ```
 */
export type RoutePart = "params" | "query" | "headers" | "body";

/**
 * A response a route declares for its API documentation: a schema of its
 * JSON body, or a description with an optional schema and content type.
 *
 * @example
 * ```ts
 * import type { RouteResponse } from "@latch/latch";
 *
 * const deleted: RouteResponse = { description: "The todo was deleted" };
 * ```
 */
export type RouteResponse =
  | StandardSchemaV1
  | {
    /** What the response means. Defaults to the status's reason phrase. */
    readonly description?: string;
    /** The schema of its body; none for a response without a body. */
    readonly schema?: StandardSchemaV1;
    /** The body's media type. Defaults to `application/json`. */
    readonly contentType?: string;
  };

/**
 * The responses a route declares, by status (`201`), range (`"4XX"`) or
 * `"default"`. Documentation only: latch does not check what a handler returns.
 *
 * @example
 * ```ts
 * import type { RouteResponses } from "@latch/latch";
 *
 * const responses: RouteResponses = { 204: { description: "Deleted" }, default: { description: "A problem" } };
 * ```
 */
export interface RouteResponses {
  /** The response with this status. */
  readonly [status: number]: RouteResponse;
  /** Any 1xx response. */
  readonly "1XX"?: RouteResponse;
  /** Any 2xx response. */
  readonly "2XX"?: RouteResponse;
  /** Any 3xx response. */
  readonly "3XX"?: RouteResponse;
  /** Any 4xx response. */
  readonly "4XX"?: RouteResponse;
  /** Any 5xx response. */
  readonly "5XX"?: RouteResponse;
  /** Any response not declared otherwise. */
  readonly default?: RouteResponse;
}

/**
 * The options a route may be registered with, before its handler. Each of
 * `params`, `query`, `headers` and `body` takes any Standard Schema (zod 4,
 * valibot 1, arktype 2…): the request part is validated before the handler
 * runs, a failure answers `422`, and the handler finds the parsed value,
 * typed by the schema, in `ctx.valid`. The rest documents the route for
 * `@latch/latch/openapi`.
 *
 * @typeParam ParamsSchema The schema of the path params.
 * @typeParam QuerySchema The schema of the query.
 * @typeParam HeadersSchema The schema of the headers.
 * @typeParam BodySchema The schema of the body.
 *
 * @example Options without schemas document a route
 * ```ts
 * import type { RouteOptions } from "@latch/latch";
 *
 * const options: RouteOptions = { summary: "List todos", tags: ["todos"] };
 * ```
 */
export interface RouteOptions<
  ParamsSchema extends StandardSchemaV1 = StandardSchemaV1,
  QuerySchema extends StandardSchemaV1 = StandardSchemaV1,
  HeadersSchema extends StandardSchemaV1 = StandardSchemaV1,
  BodySchema extends StandardSchemaV1 = StandardSchemaV1,
> {
  /** Validates `ctx.params`: an object of strings, one per `:name` of the path (and `"*"`). */
  readonly params?: ParamsSchema;
  /**
   * Validates the query: an object whose keys given once are strings and
   * given more than once arrays of strings. Coerce in the schema to get numbers.
   */
  readonly query?: QuerySchema;
  /** Validates the headers: an object with lower-case names; repeated headers are joined by `, `. */
  readonly headers?: HeadersSchema;
  /**
   * Validates the body, parsed by its `Content-Type`: JSON (`application/json`
   * and any `+json`), `application/x-www-form-urlencoded` and
   * `multipart/form-data` (fields as strings, repeated fields as arrays, files
   * as `File`). Another or no content type is answered `415`, malformed JSON
   * `400`, a body over `bodyLimit` `413`.
   */
  readonly body?: BodySchema;
  /** The largest body accepted for `body` to validate, in bytes. Defaults to 1 MiB (1,048,576). */
  readonly bodyLimit?: number;
  /** A one-line summary, for API documentation. */
  readonly summary?: string;
  /** A longer description, for API documentation (CommonMark). */
  readonly description?: string;
  /** A unique name for the route, for API documentation and client generators. */
  readonly operationId?: string;
  /** Tags that group the route in API documentation. */
  readonly tags?: readonly string[];
  /** Marks the route as deprecated in API documentation. */
  readonly deprecated?: boolean;
  /** The responses the route gives, by status, for API documentation. */
  readonly responses?: RouteResponses;
}

/**
 * The type of `ctx.valid` for a route registered with `Options`: for each of
 * `params`, `query`, `headers` and `body` that has a schema, the schema's
 * output type, and no key for a part without one.
 *
 * @typeParam Options The route's options.
 *
 * @example
 * ```ts
 * import type { StandardSchemaV1, ValidInput } from "@latch/latch";
 *
 * type Options = { body: StandardSchemaV1<unknown, { title: string }> };
 * const valid: ValidInput<Options> = { body: { title: "Buy milk" } };
 * ```
 */
export type ValidInput<Options> = {
  readonly [
    Part in RoutePart as Part extends keyof Options
      ? (Options[Part] extends StandardSchemaV1 ? Part : never)
      : never
  ]: Options[Part & keyof Options] extends infer Schema extends StandardSchemaV1
    ? StandardSchemaV1.InferOutput<Schema>
    : never;
};

/**
 * The context of a route registered with `Options`: a {@linkcode Context}
 * with `valid`, the validated input, when `Options` has any schema.
 *
 * @typeParam Params The route's params, worked out from its path.
 * @typeParam Options The route's options.
 * @typeParam T What the app declared `ctx.state` and `ctx.env` to hold.
 *
 * @example
 * ```ts
 * import type { StandardSchemaV1, ValidatedContext } from "@latch/latch";
 *
 * type Options = { query: StandardSchemaV1<unknown, { page: number }> };
 * function page(ctx: ValidatedContext<Record<never, string>, Options>): number {
 *   return ctx.valid.query.page;
 * }
 * ```
 */
export type ValidatedContext<Params, Options, T extends AppTypes = AppTypes> =
  & Context<Params, T>
  & ([keyof ValidInput<Options>] extends [never] ? unknown
    : {
      /** The validated input: what each schema returned, by part. */
      readonly valid: ValidInput<Options>;
    });

/**
 * Answers requests to a route registered with options; its `ctx.valid` holds
 * what the schemas returned.
 *
 * @typeParam Params The route's params, worked out from its path.
 * @typeParam Options The route's options.
 * @typeParam T What the app declared `ctx.state` and `ctx.env` to hold.
 *
 * @example
 * ```ts
 * import type { StandardSchemaV1, ValidatedHandler } from "@latch/latch";
 *
 * type Options = { body: StandardSchemaV1<unknown, { title: string }> };
 * const create: ValidatedHandler<Record<never, string>, Options> = (_request, ctx) =>
 *   Response.json({ title: ctx.valid.body.title }, { status: 201 });
 * ```
 */
export type ValidatedHandler<Params, Options, T extends AppTypes = AppTypes> = (
  request: Request,
  ctx: ValidatedContext<Params, Options, T>,
) => Response | Promise<Response>;

/**
 * A route of the built app, as `build.routes` lists it.
 *
 * @example
 * ```ts
 * import type { RouteInfo } from "@latch/latch";
 *
 * const route: RouteInfo = { method: "GET", path: "/users/:id", options: undefined };
 * ```
 */
export interface RouteInfo {
  /** An upper-case method, or `"*"` for a route of every method. */
  readonly method: string;
  /** The route's full path, mount prefixes included, in latch's syntax (`/users/:id`). */
  readonly path: string;
  /** What the route was registered with, if anything. */
  readonly options: RouteOptions | undefined;
}

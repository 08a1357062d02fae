/**
 * Route options checked when the route is added, so that a mistake throws
 * at the line that made it, saying what to pass: a schema that is not a
 * Standard Schema, an unknown option, a documentation field of the wrong
 * type, a body schema on a `GET` route, a `bodyLimit` without a body.
 *
 * @module
 */

import type { RouteOptions } from "./route_options.ts";
import type { StandardSchemaV1 } from "./standard_schema.ts";
import { _describe } from "./_describe.ts";

/** Every route option, with what it must be: the one list the checks and the messages derive from. */
const _OPTION_KINDS = {
  params: "schema",
  query: "schema",
  headers: "schema",
  body: "schema",
  bodyLimit: "bytes",
  summary: "string",
  description: "string",
  operationId: "string",
  tags: "strings",
  deprecated: "boolean",
  responses: "responses",
} as const satisfies Record<keyof RouteOptions, string>;

const _RESPONSE_KEY = /^(?:[1-5]\d\d|[1-5]XX|default)$/;

/** Whether `value` is a Standard Schema (an arktype type is a function, so functions count). */
export function _isStandardSchema(value: unknown): value is StandardSchemaV1 {
  if ((typeof value !== "object" && typeof value !== "function") || value === null) return false;
  const props = (value as { "~standard"?: unknown })["~standard"];
  return typeof props === "object" && props !== null &&
    (props as { version?: unknown }).version === 1 &&
    typeof (props as { validate?: unknown }).validate === "function";
}

/** Throws a `TypeError` naming the route and the option. */
function _fail(route: string, option: string, expected: string, got: unknown): never {
  throw new TypeError(
    `Route ${route}: option ${option} must be ${expected}, got ${_describe(got)}`,
  );
}

function _checkResponses(route: string, responses: unknown): void {
  if (typeof responses !== "object" || responses === null || Array.isArray(responses)) {
    _fail(route, "responses", "an object of responses by status, { 200: schema }", responses);
  }
  for (const [status, response] of Object.entries(responses)) {
    if (!_RESPONSE_KEY.test(status)) {
      _fail(route, "responses", `keyed by statuses (200), ranges ("2XX") or "default"`, status);
    }
    if (_isStandardSchema(response)) continue;
    const described = typeof response === "object" && response !== null &&
      Object.keys(response).every((key) => ["description", "schema", "contentType"].includes(key));
    const { description, schema, contentType } = (described ? response : {}) as Record<
      string,
      unknown
    >;
    if (
      !described || (description !== undefined && typeof description !== "string") ||
      (schema !== undefined && !_isStandardSchema(schema)) ||
      (contentType !== undefined && typeof contentType !== "string")
    ) {
      _fail(
        route,
        `responses[${status}]`,
        "a Standard Schema or { description?, schema?, contentType? }",
        response,
      );
    }
  }
}

/**
 * Checks route options at registration, throwing a `TypeError` that says
 * what to pass; returns a frozen copy (what `build.routes` shows), or
 * `undefined` for none.
 *
 * @param options What the route was registered with.
 * @param methods The route's methods, upper case (`"*"` for all).
 * @param route The route as messages name it: `POST "/todos"`.
 */
export function _checkRouteOptions(
  options: unknown,
  methods: readonly string[],
  route: string,
): RouteOptions | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new TypeError(
      `Route ${route}: the argument before the handler must be an options object such as ` +
        `{ body: schema }, got ${_describe(options)}`,
    );
  }
  for (const [key, value] of Object.entries(options)) {
    const kind = (_OPTION_KINDS as Record<string, string>)[key];
    if (kind === undefined) {
      throw new TypeError(
        `Route ${route}: unknown option ${JSON.stringify(key)}; the options are ${
          Object.keys(_OPTION_KINDS).join(", ")
        }`,
      );
    }
    if (value === undefined) continue;
    if (kind === "schema" && !_isStandardSchema(value)) {
      _fail(
        route,
        key,
        `a Standard Schema (a zod 4, valibot 1 or arktype 2 schema, or any object with a ` +
          `"~standard" member), such as z.object({ title: z.string() })`,
        value,
      );
    }
    if (kind === "bytes" && (!Number.isSafeInteger(value) || (value as number) < 0)) {
      _fail(route, key, "a whole number of bytes, 0 or more, such as 64 * 1024", value);
    }
    if (kind === "string" && typeof value !== "string") _fail(route, key, "a string", value);
    if (kind === "boolean" && typeof value !== "boolean") _fail(route, key, "a boolean", value);
    if (
      kind === "strings" &&
      (!Array.isArray(value) || !value.every((tag) => typeof tag === "string"))
    ) {
      _fail(route, key, `an array of strings, such as ["todos"]`, value);
    }
    if (kind === "responses") _checkResponses(route, value);
  }
  const checked = options as RouteOptions;
  if (
    checked.body !== undefined && methods.some((method) => method === "GET" || method === "HEAD")
  ) {
    throw new TypeError(
      `Route ${route}: a GET request has no body to validate; validate the query instead, ` +
        `or register the body schema on a POST, PUT or PATCH route`,
    );
  }
  if (checked.bodyLimit !== undefined && checked.body === undefined) {
    throw new TypeError(
      `Route ${route}: option bodyLimit applies to a validated body; add a body schema, ` +
        `or limit every body with the bodyLimit() middleware`,
    );
  }
  return Object.freeze({ ...checked });
}

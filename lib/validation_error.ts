/**
 * `ValidationError`: the `HttpError` (422) a route's schemas throw when the
 * request does not satisfy them, listing every issue of every part.
 *
 * @module
 */

import type { RoutePart } from "./route_options.ts";
import { HttpError } from "./http_error.ts";
import { _ROUTE_PARTS } from "./_route_parts.ts";

/**
 * One way the request failed its route's schemas: where (`in` and `path`)
 * and what is wrong (`message`). The message never quotes the value sent.
 *
 * @example
 * ```ts
 * import type { ValidationIssue } from "@latch/latch";
 *
 * const issue: ValidationIssue = { in: "body", path: ["title"], message: "Too small: expected string to have >=1 characters" };
 * ```
 */
export interface ValidationIssue {
  /** The part of the request: `"params"`, `"query"`, `"headers"` or `"body"`. */
  readonly in: RoutePart;
  /** The keys and indexes from the part's root to the value at fault; empty for the part itself. */
  readonly path: readonly (string | number)[];
  /** What the schema said is wrong. */
  readonly message: string;
}

/** `"the body"`, `"the query and the body"`, `"the params, the query and the body"`. */
function _where(issues: readonly ValidationIssue[]): string {
  const parts = _ROUTE_PARTS.filter((part) => issues.some((issue) => issue.in === part))
    .map((part) => `the ${part}`);
  if (parts.length <= 1) return parts[0] ?? "the request";
  return `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
}

/**
 * A request that failed its route's schemas: `422 Unprocessable Content`,
 * whose problem body lists every issue as
 * `errors: [{ in, path, message }]`. Thrown by latch before the handler runs,
 * so `app.onError(422, …)` or `app.onError(ValidationError, …)` can shape the
 * answer; a handler may throw one too, for a check its schemas cannot make.
 *
 * @example The answer to a body that fails its schema
 * ```ts
 * import { App, type StandardSchemaV1, ValidationError } from "@latch/latch";
 * import assert from "node:assert/strict";
 *
 * // Any Standard Schema library (zod, valibot, arktype) makes schemas like this one.
 * const title: StandardSchemaV1<unknown, { title: string }> = {
 *   "~standard": {
 *     version: 1,
 *     vendor: "example",
 *     validate: (value) =>
 *       typeof (value as { title?: unknown }).title === "string"
 *         ? { value: value as { title: string } }
 *         : { issues: [{ message: "Expected a string", path: ["title"] }] },
 *   },
 * };
 * const app = new App().post("/todos", { body: title }, (_request, ctx) => Response.json(ctx.valid.body));
 *
 * const response = await app.request("/todos", { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
 * assert.equal(response.status, 422);
 * const problem = await response.json();
 * assert.deepEqual(problem.errors, [{ in: "body", path: ["title"], message: "Expected a string" }]);
 * assert.ok(new ValidationError(problem.errors) instanceof Error);
 * ```
 */
export class ValidationError extends HttpError {
  /** Every issue, in the order params, query, headers, body. */
  readonly issues: readonly ValidationIssue[];

  /**
   * Makes a 422 error listing `issues`.
   *
   * @param issues What is wrong, and where.
   * @param message The problem's `detail`. Defaults to a sentence naming the parts at fault.
   */
  constructor(issues: readonly ValidationIssue[], message?: string) {
    if (!Array.isArray(issues)) {
      throw new TypeError(
        `ValidationError takes a list of issues, [{ in: "body", path: ["title"], message: "Required" }], got ${typeof issues}`,
      );
    }
    const list = Object.freeze(
      issues.map((issue) =>
        Object.freeze({
          in: issue.in,
          path: Object.freeze([...issue.path]),
          message: issue.message,
        })
      ),
    );
    super(
      422,
      message ??
        `The request does not match its schema: ${list.length} ${
          list.length === 1 ? "issue" : "issues"
        } in ${_where(list)}, listed in errors`,
      { extensions: { errors: list } },
    );
    this.name = "ValidationError";
    this.issues = list;
  }
}

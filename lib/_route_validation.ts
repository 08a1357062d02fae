/**
 * A validated route's handler: a wrapper that validates the request parts
 * with the route's schemas before calling it. It runs where the handler
 * would, after the route matched and inside every middleware, and throws
 * `ValidationError` (422) or the body's 400/413/415 for the app's error
 * handling to answer. A route without schemas is not wrapped; sync schemas
 * on bodiless parts keep the handler's sync path sync.
 *
 * @module
 */

import type { Handler } from "./context.ts";
import type { RouteOptions, RoutePart } from "./route_options.ts";
import type { StandardSchemaV1 } from "./standard_schema.ts";
import type { ValidationIssue } from "./validation_error.ts";
import { ValidationError } from "./validation_error.ts";
import { _bodyOf, _headersOf, _queryOf } from "./_request_input.ts";
import { _issuesOf } from "./_validation_issues.ts";
import { _isThenable } from "./_thenable.ts";
import { _ROUTE_PARTS } from "./_route_parts.ts";

/** The largest validated body by default: 1 MiB. */
export const _DEFAULT_BODY_LIMIT = 1024 * 1024;

/** One bodiless part to validate: its schema and how to read it. */
interface _Check {
  readonly part: RoutePart;
  readonly validate: StandardSchemaV1["~standard"]["validate"];
  readonly read: (request: Request, ctx: Parameters<Handler>[1]) => unknown;
}

const _READERS: Record<Exclude<RoutePart, "body">, _Check["read"]> = {
  params: (_request, ctx) => ctx.params,
  query: (request) => _queryOf(request.url),
  headers: (request) => _headersOf(request.headers),
};

type _Result = StandardSchemaV1.Result<unknown>;

/**
 * `handler`, validating the request first when `options` has schemas: the
 * handler itself when it has none, so a route without schemas costs nothing.
 */
export function _validatingHandler(handler: Handler, options: RouteOptions | undefined): Handler {
  if (options === undefined) return handler;
  const checks: _Check[] = [];
  for (const part of _ROUTE_PARTS) {
    const schema = options[part];
    if (part !== "body" && schema !== undefined) {
      checks.push({ part, validate: schema["~standard"].validate, read: _READERS[part] });
    }
  }
  const bodySchema = options.body;
  if (checks.length === 0 && bodySchema === undefined) return handler;
  const bodyLimit = options.bodyLimit ?? _DEFAULT_BODY_LIMIT;

  /** Collects issues and values; throws a ValidationError if any part failed, else calls the handler. */
  const finish = (
    parts: readonly RoutePart[],
    inputs: readonly unknown[],
    results: readonly _Result[],
    request: Request,
    ctx: Parameters<Handler>[1],
  ) => {
    let issues: ValidationIssue[] | undefined;
    const valid: Record<string, unknown> = {};
    for (let index = 0; index < results.length; index++) {
      const result = results[index] as _Result;
      const part = parts[index] as RoutePart;
      if (result.issues) {
        (issues ??= []).push(..._issuesOf(part, result.issues, inputs[index]));
      } else valid[part] = result.value;
    }
    if (issues !== undefined) throw new ValidationError(issues);
    // Set on the request's own context, which is made fresh per request.
    (ctx as { valid?: unknown }).valid = valid;
    return handler(request, ctx);
  };

  const parts = checks.map((check) => check.part);
  if (bodySchema !== undefined) parts.push("body");
  const validateBody = bodySchema?.["~standard"].validate;

  // Fast path: a body alone (most routes with a body) needs no lists of inputs and results.
  if (validateBody !== undefined && checks.length === 0) {
    const only = (
      result: _Result,
      body: unknown,
      request: Request,
      ctx: Parameters<Handler>[1],
    ) => {
      if (result.issues) throw new ValidationError(_issuesOf("body", result.issues, body));
      (ctx as { valid?: unknown }).valid = { body: result.value };
      return handler(request, ctx);
    };
    return (request, ctx) =>
      _bodyOf(request, bodyLimit, (body) => {
        const result = validateBody(body);
        return _isThenable(result)
          ? Promise.resolve(result).then((settled) => only(settled, body, request, ctx))
          : only(result, body, request, ctx);
      });
  }

  return (request, ctx) => {
    const inputs: unknown[] = [];
    const results: (_Result | Promise<_Result>)[] = [];
    let pending = false;
    for (const check of checks) {
      const input = check.read(request, ctx);
      const result = check.validate(input);
      inputs.push(input);
      results.push(result);
      if (_isThenable(result)) {
        pending = true;
        // Marked handled: if the body fails first, nothing awaits this one, and a rejection
        // left unawaited would be reported as unhandled. Promise.all still sees it.
        Promise.resolve(result).catch(() => {});
      }
    }
    // Fast path: sync schemas and no body need no promise; the handler's own result is returned.
    if (!pending && validateBody === undefined) {
      return finish(parts, inputs, results as _Result[], request, ctx);
    }
    const settle = () =>
      Promise.all(results).then((settled) => finish(parts, inputs, settled, request, ctx));
    if (validateBody === undefined) return settle();
    // A 415 throws here, before the body is read.
    return _bodyOf(request, bodyLimit, (body) => {
      const result = validateBody(body);
      inputs.push(body);
      results.push(result);
      // The common case, sync schemas throughout, calls the handler in this same callback.
      if (!pending && !_isThenable(result)) {
        return finish(parts, inputs, results as _Result[], request, ctx);
      }
      return settle();
    });
  };
}

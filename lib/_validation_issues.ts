/**
 * A schema library's issues as latch lists them: a plain path of keys and
 * indexes, and a message that never quotes the value that was sent (valibot
 * writes `Received "hunter2"`, arktype `(was "hunter2")`; a password must
 * not come back in a 422).
 *
 * @module
 */

import type { RoutePart } from "./route_options.ts";
import type { StandardSchemaV1 } from "./standard_schema.ts";
import type { ValidationIssue } from "./validation_error.ts";

/** What stands in a message for a value that was sent. */
const _HIDDEN = "[hidden]";

/** A path segment as a key or an index. */
function _key(segment: PropertyKey | StandardSchemaV1.PathSegment): string | number {
  const key = typeof segment === "object" && segment !== null ? segment.key : segment;
  if (typeof key === "symbol") return key.description ?? "";
  return key;
}

/** The value at `path` inside `input`, if there is one. */
function _valueAt(input: unknown, path: readonly (string | number)[]): unknown {
  let value = input;
  for (const key of path) {
    if (typeof value !== "object" || value === null || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string | number, unknown>)[key];
  }
  return value;
}

/** Escapes `text` for a regular expression. */
function _escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** `message` with every quoted form of `value`, and its bare form where a number is echoed, replaced. */
function _hide(message: string, value: unknown): string {
  let text: string;
  if (typeof value === "string") text = value;
  else if (typeof value === "number" || typeof value === "bigint") text = String(value);
  else return message;
  if (text === "") return message;
  let hidden = message;
  for (const quoted of [JSON.stringify(text), `"${text}"`, `'${text}'`]) {
    if (hidden.includes(quoted)) hidden = hidden.split(quoted).join(_HIDDEN);
  }
  // A number (or a numeric string, once a schema coerced it) is quoted bare, after the word that
  // says it is what was received: "(was 0)", "but received 0". Only there: the same digits
  // elsewhere are the schema's own bound (">0", "at most 5"), which the client needs to read.
  if (/^-?\d+(?:\.\d+)?(?:e[+-]?\d+)?n?$/i.test(text) && hidden.includes(text)) {
    hidden = hidden.replace(
      new RegExp(`(\\b(?:was|received|got|given)\\s+)${_escape(text)}n?(?![\\w.])`, "gi"),
      `$1${_HIDDEN}`,
    );
  }
  return hidden;
}

/**
 * The issues of one part, each with a plain path and a message that does
 * not quote the value at that path (nor, for a repeated query key, any of
 * its values).
 */
export function _issuesOf(
  part: RoutePart,
  issues: readonly StandardSchemaV1.Issue[],
  input: unknown,
): ValidationIssue[] {
  return issues.map((issue) => {
    const path = (issue.path ?? []).map(_key);
    const value = _valueAt(input, path);
    let message = String(issue.message);
    for (const each of Array.isArray(value) ? value : [value]) message = _hide(message, each);
    return { in: part, path, message };
  });
}

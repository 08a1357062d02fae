/**
 * Names a value in an error message without dumping it: `undefined`, `a string`,
 * `an object (Object)`, `a Promise`; and turns any thrown value into text
 * without throwing.
 *
 * @module
 */

/** A short, safe description of `value` for error messages and logs. */
export function _describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "function") return `a function (${value.name || "anonymous"})`;
  if (typeof value !== "object") return `a ${typeof value}`;
  try {
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)
      ?.constructor?.name;
    return typeof name === "string" && name !== "" ? `an object (${name})` : "an object";
  } catch {
    // A Proxy or a getter may throw; the message still has to be made.
    return "an object";
  }
}

/** `String(value)`, or its description when that throws (a null-prototype object, a hostile `toString`). */
export function _safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return _describe(value);
  }
}

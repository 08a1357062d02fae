/**
 * Names a value in an error message without dumping it: `undefined`, `a string`,
 * `an object (Object)`, `a Promise`.
 *
 * @module
 */

/** A short, safe description of `value` for error messages and logs. */
export function _describe(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (typeof value === "function") return `a function (${value.name || "anonymous"})`;
  if (typeof value !== "object") return `a ${typeof value}`;
  const name = (Object.getPrototypeOf(value) as { constructor?: { name?: string } } | null)
    ?.constructor?.name;
  return name ? `an object (${name})` : "an object";
}

/** The path of `url`, without query or fragment; `url` is an absolute URL as `Request.url` gives it. */
export function _pathOf(url: string): string {
  // Request.url is serialized and a host never holds "/", so the path starts at
  // the first "/" after "http://" (7 characters) or "https://" (8); only other
  // schemes pay for a search for "://".
  const afterScheme = url.charCodeAt(4) === 58 /* : */
    ? 7
    : url.charCodeAt(5) === 58
    ? 8
    : url.indexOf("://") + 3;
  const start = url.indexOf("/", afterScheme);
  if (start === -1) return "/";
  for (let index = start + 1; index < url.length; index++) {
    const code = url.charCodeAt(index);
    if (code === 63 /* ? */ || code === 35 /* # */) return url.slice(start, index);
  }
  return url.slice(start);
}

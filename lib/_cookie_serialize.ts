/**
 * Turning a {@linkcode Cookie} into a `Set-Cookie` value, RFC 6265bis
 * section 4.1: every part is checked first, so a `;`, a CR or LF, or any
 * other character that would end the value or the header is a `TypeError`
 * that says what to do, never a second attribute or a second header; the
 * cookie prefixes' rules and the sizes browsers keep are enforced, since a
 * browser drops a cookie that breaks them without a word.
 *
 * @module
 */

import type { Cookie, CookiePriority, CookieSameSite } from "./_cookie_types.ts";

/** `cookie-name` is a token (RFC 6265bis 4.1.1, RFC 9110 5.6.2). */
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/** `cookie-value`: cookie-octets (printable ASCII but space `"` `,` `;` `\`), maybe in one pair of quotes. */
const VALUE =
  /^(?:[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*|"[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*")$/;

/** `path-value` is av-octets (any printable but `;`); spaces are left out too, as URL paths have none. */
const PATH = /^\/[\x21-\x3A\x3C-\x7E]*$/;

/** A host name's labels (a leading dot is allowed and ignored by browsers). */
const DOMAIN =
  /^\.?(?:[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?\.)*[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?$/;

/** Browsers ignore a cookie whose name and value together pass this many bytes (RFC 6265bis 5.7). */
const MAX_NAME_VALUE = 4096;

/** Browsers ignore an attribute whose value passes this many bytes (RFC 6265bis 5.7). */
const MAX_ATTRIBUTE = 1024;

const SAME_SITE: Readonly<Record<CookieSameSite, string>> = {
  Strict: "Strict",
  Lax: "Lax",
  None: "None",
  strict: "Strict",
  lax: "Lax",
  none: "None",
};

/** The cookie prefixes, longest first, so that `__Host-Http-` is not taken for `__Host-`. */
const PREFIXES = ["__Host-Http-", "__Secure-", "__Host-", "__Http-"] as const;

const PRIORITY: Readonly<Record<CookiePriority, string>> = {
  Low: "Low",
  Medium: "Medium",
  High: "High",
  low: "Low",
  medium: "Medium",
  high: "High",
};

/**
 * The `Set-Cookie` value for `cookie`, after checking all of it.
 *
 * @throws {TypeError} When a part is not of its type, holds a character it may not, or breaks a
 * prefix's rules.
 * @throws {RangeError} When `maxAge` or `expires` is out of range, or the cookie is too large.
 */
export function _serializeCookie(cookie: Cookie): string {
  if (typeof cookie !== "object" || cookie === null) {
    throw new TypeError(
      `setCookie() takes a cookie object like { name: "session", value: "abc" }, got ${
        _describe(cookie)
      }`,
    );
  }
  const { name, value } = cookie;
  _checkName(name);
  if (typeof value !== "string" || !VALUE.test(value)) {
    throw new TypeError(
      `Cookie "${name}" has a value that cannot be sent as it is, ${
        _describe(value)
      }: a cookie value is printable ASCII without spaces, '"', ',', ';' or '\\'; encode it first, with encodeURIComponent() for instance`,
    );
  }
  if (name.length + value.length > MAX_NAME_VALUE) {
    throw new RangeError(
      `Cookie "${name}" is ${
        name.length + value.length
      } bytes long, and browsers drop a cookie whose name and value pass ${MAX_NAME_VALUE} bytes: store the data on the server and keep an id in the cookie`,
    );
  }
  let header = `${name}=${value}`;
  const expires = cookie.expires;
  if (expires !== undefined) header += `; Expires=${_httpDate(name, expires)}`;
  const maxAge = cookie.maxAge;
  if (maxAge !== undefined) {
    if (typeof maxAge !== "number" || !Number.isSafeInteger(maxAge) || maxAge < 0) {
      throw new RangeError(
        `Cookie "${name}" maxAge must be a whole number of seconds, 0 or more, got ${
          _describe(maxAge)
        }: use 0 to delete the cookie`,
      );
    }
    header += `; Max-Age=${maxAge}`;
  }
  const domain = cookie.domain;
  if (domain !== undefined) {
    if (typeof domain !== "string" || !DOMAIN.test(domain) || domain.length > MAX_ATTRIBUTE) {
      throw new TypeError(
        `Cookie "${name}" domain must be a host name like "example.com", got ${
          _describe(domain)
        }: leave it out to send the cookie to this host only`,
      );
    }
    header += `; Domain=${domain}`;
  }
  const path = cookie.path;
  if (path !== undefined) {
    if (typeof path !== "string" || !PATH.test(path) || path.length > MAX_ATTRIBUTE) {
      throw new TypeError(
        `Cookie "${name}" path must start with "/" and hold printable ASCII without spaces or ';' (percent-encode the rest), got ${
          _describe(path)
        }`,
      );
    }
    header += `; Path=${path}`;
  }
  const secure = _flag(name, "secure", cookie.secure);
  if (secure) header += "; Secure";
  if (_flag(name, "httpOnly", cookie.httpOnly)) header += "; HttpOnly";
  const sameSite = cookie.sameSite;
  if (sameSite !== undefined) {
    const canonical = Object.hasOwn(SAME_SITE, sameSite) ? SAME_SITE[sameSite] : undefined;
    if (canonical === undefined) {
      throw new TypeError(
        `Cookie "${name}" sameSite must be "Strict", "Lax" or "None", got ${_describe(sameSite)}`,
      );
    }
    if (canonical === "None" && !secure) {
      throw new TypeError(
        `Cookie "${name}" has sameSite "None" without secure, and browsers drop it: add secure: true`,
      );
    }
    header += `; SameSite=${canonical}`;
  }
  if (_flag(name, "partitioned", cookie.partitioned)) {
    if (!secure) {
      throw new TypeError(
        `Cookie "${name}" is partitioned without secure, and browsers drop it: add secure: true`,
      );
    }
    header += "; Partitioned";
  }
  const priority = cookie.priority;
  if (priority !== undefined) {
    const canonical = Object.hasOwn(PRIORITY, priority) ? PRIORITY[priority] : undefined;
    if (canonical === undefined) {
      throw new TypeError(
        `Cookie "${name}" priority must be "Low", "Medium" or "High", got ${_describe(priority)}`,
      );
    }
    header += `; Priority=${canonical}`;
  }
  _checkPrefix(cookie, secure);
  return header;
}

/**
 * Checks that `name` can be a cookie's name.
 *
 * @throws {TypeError} When it is not a non-empty token.
 */
export function _checkName(name: unknown): asserts name is string {
  if (typeof name !== "string" || !TOKEN.test(name)) {
    throw new TypeError(
      `Cookie name must be a token (letters, digits and !#$%&'*+-.^_\`|~), got ${
        _describe(name)
      }: choose a name without spaces, '=', ';', quotes or control characters`,
    );
  }
}

/**
 * The cookie prefixes (RFC 6265bis 4.1.3), matched without regard to case as
 * browsers do: `__Secure-` needs `secure`; `__Host-` also needs `path: "/"`
 * and no `domain`; `__Http-` and `__Host-Http-` (added in draft 20) also
 * need `httpOnly`.
 */
function _checkPrefix(cookie: Cookie, secure: boolean): void {
  const name = cookie.name;
  const lower = name.toLowerCase();
  const prefix = PREFIXES.find((candidate) => lower.startsWith(candidate.toLowerCase()));
  if (prefix === undefined) return;
  const quoted = name.slice(0, prefix.length);
  if (!secure) {
    throw new TypeError(
      `Cookie "${name}" starts with ${quoted}, which browsers only accept with secure: add secure: true (and serve over HTTPS)`,
    );
  }
  if (prefix.endsWith("Http-") && cookie.httpOnly !== true) {
    throw new TypeError(
      `Cookie "${name}" starts with ${quoted}, which browsers only accept with httpOnly: add httpOnly: true`,
    );
  }
  if (prefix.startsWith("__Host-") && (cookie.path !== "/" || cookie.domain !== undefined)) {
    throw new TypeError(
      `Cookie "${name}" starts with ${quoted}, which browsers only accept with path "/" and no domain: set path: "/" and leave domain out`,
    );
  }
}

/** `expires` as an IMF-fixdate. */
function _httpDate(name: string, expires: Date | number): string {
  const date = typeof expires === "number" ? new Date(expires) : expires;
  if (!(date instanceof Date)) {
    throw new TypeError(
      `Cookie "${name}" expires must be a Date or milliseconds since the epoch, got ${
        _describe(expires)
      }`,
    );
  }
  const time = date.getTime();
  // Years past 9999 have no IMF-fixdate; browsers cap a cookie's life at 400 days anyway.
  if (!Number.isFinite(time) || time < 0 || time > 253402300799999) {
    throw new RangeError(
      `Cookie "${name}" expires must be a valid date from 1970 to 9999, got ${_describe(expires)}`,
    );
  }
  return date.toUTCString();
}

/** Whether a boolean attribute is on; anything but a boolean or undefined is refused, not coerced. */
function _flag(name: string, attribute: string, value: unknown): boolean {
  if (value === undefined || value === false) return false;
  if (value === true) return true;
  throw new TypeError(
    `Cookie "${name}" ${attribute} must be true or false, got ${_describe(value)}`,
  );
}

/** `value` quoted for an error message, cut short when long. */
function _describe(value: unknown): string {
  if (typeof value === "string") {
    return JSON.stringify(value.length > 64 ? `${value.slice(0, 64)}…` : value);
  }
  if (value instanceof Date) return `Date(${value.getTime()})`;
  if (typeof value === "object" && value !== null) return "an object";
  return String(value);
}

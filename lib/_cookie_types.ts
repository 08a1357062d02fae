/**
 * The shapes `@latch/latch/cookie` takes: a cookie to set, the attributes
 * that name one to delete, and the secrets that sign them. Types only, so
 * that the serialiser and the public functions both import them without a
 * cycle.
 *
 * @module
 */

/**
 * A cookie to send with `Set-Cookie` (RFC 6265bis section 4.1). Only `name`
 * and `value` are required; every attribute left out is left out of the
 * header.
 *
 * @example
 * ```ts
 * import type { Cookie } from "@latch/latch/cookie";
 *
 * const session: Cookie = {
 *   name: "__Host-session",
 *   value: "abc123",
 *   path: "/",
 *   secure: true,
 *   httpOnly: true,
 *   sameSite: "Lax",
 *   maxAge: 60 * 60 * 24,
 * };
 * ```
 */
export interface Cookie {
  /** A token (RFC 9110): letters, digits and ``!#$%&'*+-.^_`|~``, no spaces, `=`, `;` or quotes. */
  name: string;
  /**
   * The value, as sent: printable ASCII except space, `"`, `,`, `;` and `\`,
   * optionally wrapped in one pair of double quotes. It is not encoded for
   * you (so what you set is exactly what `getCookies` reads back): encode
   * anything else first, with `encodeURIComponent` for instance.
   */
  value: string;
  /** When the cookie expires: a `Date`, or milliseconds since the epoch. Sent as an HTTP date. */
  expires?: Date | number | undefined;
  /** How many seconds the cookie lives, a whole number, 0 or more; `0` deletes it. Wins over `expires`. */
  maxAge?: number | undefined;
  /** The host the cookie is sent to, with its subdomains (`example.com`). Left out: this host only. */
  domain?: string | undefined;
  /** The path prefix the cookie is sent for, starting with `/`. */
  path?: string | undefined;
  /** Sent over HTTPS only. Required by the `__Secure-` and `__Host-` prefixes, `sameSite: "None"` and `partitioned`. */
  secure?: boolean | undefined;
  /** Hidden from `document.cookie`. */
  httpOnly?: boolean | undefined;
  /** When cross-site requests carry it: `Strict`, `Lax` or `None` (which requires `secure`). */
  sameSite?: CookieSameSite | undefined;
  /** Kept apart per top-level site (CHIPS); requires `secure`. */
  partitioned?: boolean | undefined;
  /** Which cookies a browser evicts first when it has too many (a Chromium extension). */
  priority?: CookiePriority | undefined;
}

/**
 * The `SameSite` attribute: the capitalised names RFC 6265bis uses, or their
 * lower-case forms.
 *
 * @example
 * ```ts
 * import type { CookieSameSite } from "@latch/latch/cookie";
 *
 * const sameSite: CookieSameSite = "Strict";
 * ```
 */
export type CookieSameSite = "Strict" | "Lax" | "None" | "strict" | "lax" | "none";

/**
 * The `Priority` attribute, capitalised or lower-case.
 *
 * @example
 * ```ts
 * import type { CookiePriority } from "@latch/latch/cookie";
 *
 * const priority: CookiePriority = "High";
 * ```
 */
export type CookiePriority = "Low" | "Medium" | "High" | "low" | "medium" | "high";

/**
 * The attributes that tell a browser which cookie to delete: it deletes the
 * one stored with the same name, domain and path (and `partitioned`), so pass
 * the ones the cookie was set with.
 *
 * @example
 * ```ts
 * import type { DeleteCookieAttributes } from "@latch/latch/cookie";
 *
 * const attributes: DeleteCookieAttributes = { path: "/", secure: true, httpOnly: true };
 * ```
 */
export type DeleteCookieAttributes = Omit<Cookie, "name" | "value" | "expires" | "maxAge">;

/**
 * A secret that signs or verifies cookies: a string (its UTF-8 bytes are the
 * HMAC key; use 32 random bytes or more) or an HMAC `CryptoKey` for SHA-256
 * with the usages `sign` and `verify`.
 *
 * @example
 * ```ts
 * import type { CookieSecret } from "@latch/latch/cookie";
 *
 * const secret: CookieSecret = "a long random string kept out of the repository";
 * ```
 */
export type CookieSecret = string | CryptoKey;

/**
 * Cookies, as RFC 6265bis writes them: {@linkcode getCookies} reads the
 * `Cookie` header, {@linkcode setCookie} and {@linkcode deleteCookie} append
 * one `Set-Cookie` header each (several stay apart, as
 * `headers.getSetCookie()` shows), and {@linkcode setSignedCookie} and
 * {@linkcode getSignedCookie} sign a value with HMAC-SHA-256 through WebCrypto
 * so that a client cannot forge or alter it. The names are Deno std's
 * (`@std/http/cookie`).
 *
 * Everything is checked before it is written: a name that is not a token, a
 * value or attribute holding `;`, CR, LF or another character that would end
 * it, or a cookie that breaks the `__Secure-` / `__Host-` prefix rules is a
 * `TypeError` that says what to do, never an injected attribute or header.
 * Values are written as they are, not encoded, so what you set is what you
 * read back. Web standards only: it runs on Deno, Bun, Node.js and workerd.
 *
 * @example
 * ```ts
 * import { deleteCookie, getCookies, setCookie } from "@latch/latch/cookie";
 * import assert from "node:assert/strict";
 *
 * const request = new Request("http://localhost/", { headers: { cookie: "theme=dark; lang=en" } });
 * assert.deepEqual(getCookies(request.headers), { theme: "dark", lang: "en" });
 *
 * const headers = new Headers();
 * setCookie(headers, { name: "theme", value: "light", path: "/", maxAge: 3600 });
 * deleteCookie(headers, "lang", { path: "/" });
 * assert.deepEqual(headers.getSetCookie(), [
 *   "theme=light; Max-Age=3600; Path=/",
 *   "lang=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/",
 * ]);
 * ```
 *
 * @module
 */

import { _checkName, _serializeCookie } from "./_cookie_serialize.ts";
import { _secretList, _sign, _unsign } from "./_cookie_sign.ts";
import type { Cookie, CookieSecret, DeleteCookieAttributes } from "./_cookie_types.ts";

export type {
  Cookie,
  CookiePriority,
  CookieSameSite,
  CookieSecret,
  DeleteCookieAttributes,
} from "./_cookie_types.ts";

/** Optional whitespace around a name or value, which RFC 6265bis strips (space and tab only). */
const SPACE = /^[ \t]+|[ \t]+$/g;

/**
 * Reads the cookies a request carries, from its `Cookie` header.
 *
 * Pairs are split at `;` and at their first `=`, with spaces and tabs around
 * names and values removed; values are returned as sent (not decoded, quotes
 * kept). When a name comes twice, the first wins: browsers send the cookie
 * with the longest path first. A pair without `=` is a cookie with an empty
 * name, as RFC 6265bis reads it. No header gives `{}`.
 *
 * @param headers The request's headers.
 * @returns Each cookie's value by its name.
 *
 * @example
 * ```ts
 * import { getCookies } from "@latch/latch/cookie";
 * import assert from "node:assert/strict";
 *
 * const headers = new Headers({ cookie: "session=abc; token=a=b; session=older" });
 * assert.deepEqual(getCookies(headers), { session: "abc", token: "a=b" });
 * ```
 */
export function getCookies(headers: Headers): Record<string, string> {
  const cookies: Record<string, string> = {};
  const header = headers.get("cookie");
  if (header === null) return cookies;
  for (const pair of header.split(";")) {
    const equals = pair.indexOf("=");
    const name = equals === -1 ? "" : pair.slice(0, equals).replace(SPACE, "");
    const value = (equals === -1 ? pair : pair.slice(equals + 1)).replace(SPACE, "");
    if (name === "" && value === "") continue;
    if (Object.hasOwn(cookies, name)) continue;
    // An own property even for "__proto__", which plain assignment would take as the prototype.
    Object.defineProperty(cookies, name, {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return cookies;
}

/**
 * Appends a `Set-Cookie` header for `cookie` to `headers`, leaving any other
 * `Set-Cookie` header in place (read them apart with `headers.getSetCookie()`).
 *
 * The whole cookie is checked first, and nothing is appended when a check
 * fails: the name must be a token; the value printable ASCII without space,
 * `"`, `,`, `;` or `\` (encode it first); `domain` a host name and `path`
 * start with `/`; `__Secure-` names need `secure`, `__Host-` names also
 * `path: "/"` and no `domain`; `sameSite: "None"` and `partitioned` need
 * `secure`; name and value together at most 4096 bytes. Browsers drop a
 * cookie that breaks these rules without telling anyone, so here they throw.
 *
 * @param headers The response's headers (they must be mutable).
 * @param cookie The cookie and its attributes.
 * @throws {TypeError} When a part of the cookie is of the wrong type, holds a character it may not,
 * or breaks a prefix's rules; the message says what to change.
 * @throws {RangeError} When `maxAge` or `expires` is out of range, or the cookie is too large.
 *
 * @example
 * ```ts
 * import { setCookie } from "@latch/latch/cookie";
 * import assert from "node:assert/strict";
 *
 * const response = new Response("signed in");
 * setCookie(response.headers, {
 *   name: "__Host-session",
 *   value: "abc123",
 *   path: "/",
 *   secure: true,
 *   httpOnly: true,
 *   sameSite: "Lax",
 * });
 * setCookie(response.headers, { name: "theme", value: "dark" });
 * assert.deepEqual(response.headers.getSetCookie(), [
 *   "__Host-session=abc123; Path=/; Secure; HttpOnly; SameSite=Lax",
 *   "theme=dark",
 * ]);
 * assert.throws(() => setCookie(response.headers, { name: "note", value: "a; Domain=evil.test" }), TypeError);
 * ```
 */
export function setCookie(headers: Headers, cookie: Cookie): void {
  headers.append("set-cookie", _serializeCookie(cookie));
}

/**
 * Appends a `Set-Cookie` header that deletes cookie `name`: an empty value,
 * `Expires` in 1970 and `Max-Age=0`.
 *
 * A browser deletes the cookie it stored with the same name, `domain` and
 * `path` (and `partitioned`), so pass the attributes the cookie was set with.
 * For a `__Secure-` or `__Host-` name, `secure` defaults to `true`, for a
 * `__Host-` name `path` defaults to `"/"`, and for an `__Http-` or
 * `__Host-Http-` name `httpOnly` defaults to `true`, since the cookie cannot
 * have been set otherwise.
 *
 * @param headers The response's headers (they must be mutable).
 * @param name The cookie's name.
 * @param attributes The attributes the cookie was set with.
 * @throws {TypeError} When `name` is not a token or an attribute is invalid, as for
 * {@linkcode setCookie}.
 *
 * @example
 * ```ts
 * import { deleteCookie } from "@latch/latch/cookie";
 * import assert from "node:assert/strict";
 *
 * const headers = new Headers();
 * deleteCookie(headers, "__Host-session");
 * assert.deepEqual(headers.getSetCookie(), [
 *   "__Host-session=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/; Secure",
 * ]);
 * ```
 */
export function deleteCookie(
  headers: Headers,
  name: string,
  attributes: DeleteCookieAttributes = {},
): void {
  _checkName(name);
  const lower = name.toLowerCase();
  const host = lower.startsWith("__host-");
  const http = lower.startsWith("__http-") || lower.startsWith("__host-http-");
  const prefixed = host || http || lower.startsWith("__secure-");
  setCookie(headers, {
    ...attributes,
    name,
    value: "",
    expires: 0,
    maxAge: 0,
    path: attributes.path ?? (host ? "/" : undefined),
    secure: attributes.secure ?? (prefixed ? true : undefined),
    httpOnly: attributes.httpOnly ?? (http ? true : undefined),
  });
}

/**
 * Appends a `Set-Cookie` header for `cookie` with its value signed: the value
 * becomes `value.signature`, an HMAC-SHA-256 of the cookie's name and value
 * in base64url, made with `secret` through WebCrypto. Read it back with
 * {@linkcode getSignedCookie}. The value is not encrypted: the client can read
 * it, but cannot change it.
 *
 * @param headers The response's headers (they must be mutable).
 * @param cookie The cookie and its attributes, checked as by {@linkcode setCookie}.
 * @param secret The secret that signs; from a list, the first (the newest).
 * @returns A promise that settles once the header is appended.
 * @throws {TypeError} When the cookie is invalid, as for {@linkcode setCookie}, its value is
 * quoted, or there is no usable secret (the promise rejects).
 *
 * @example
 * ```ts
 * import { getSignedCookie, setSignedCookie } from "@latch/latch/cookie";
 * import assert from "node:assert/strict";
 *
 * const secret = "a long random string kept out of the repository";
 * const response = new Response("signed in");
 * await setSignedCookie(response.headers, { name: "user", value: "ada", httpOnly: true }, secret);
 * const [header] = response.headers.getSetCookie();
 * assert.match(header!, /^user=ada\.[\w-]{43}; HttpOnly$/);
 *
 * const stored = header!.split(";")[0]!;
 * const request = new Request("http://localhost/", { headers: { cookie: stored } });
 * assert.equal(await getSignedCookie(request.headers, "user", secret), "ada");
 * ```
 */
export async function setSignedCookie(
  headers: Headers,
  cookie: Cookie,
  secret: CookieSecret | readonly CookieSecret[],
): Promise<void> {
  const [signer] = _secretList(secret, "setSignedCookie()");
  // Checked unsigned first, so that an error quotes the value as the caller wrote it.
  _serializeCookie(cookie);
  if (cookie.value.startsWith('"')) {
    throw new TypeError(
      `Cookie "${cookie.name}" cannot be signed with a quoted value, since the signature follows it: leave the quotes out`,
    );
  }
  const value = await _sign(cookie.name, cookie.value, signer as CookieSecret);
  headers.append("set-cookie", _serializeCookie({ ...cookie, value }));
}

/**
 * Reads a cookie set with {@linkcode setSignedCookie}, if its signature holds.
 *
 * The signature is checked with each secret in turn, by
 * `crypto.subtle.verify` (constant time): list the newest secret first and
 * keep the older ones while cookies signed with them may still come back,
 * to rotate secrets without signing everyone out. A cookie that is missing,
 * unsigned, altered, signed for another name, or signed with none of the
 * secrets reads as `undefined`.
 *
 * @param headers The request's headers.
 * @param name The cookie's name.
 * @param secrets The secret, or the secrets, that may have signed it.
 * @returns The value without its signature, or `undefined`.
 * @throws {TypeError} When there is no usable secret (the promise rejects).
 *
 * @example Rotate secrets
 * ```ts
 * import { getSignedCookie, setSignedCookie } from "@latch/latch/cookie";
 * import assert from "node:assert/strict";
 *
 * const oldSecret = "the secret we used until March";
 * const newSecret = "the secret we use from March on";
 * const headers = new Headers();
 * await setSignedCookie(headers, { name: "user", value: "ada" }, oldSecret);
 * const cookie = new Headers({ cookie: headers.getSetCookie()[0]! });
 *
 * assert.equal(await getSignedCookie(cookie, "user", [newSecret, oldSecret]), "ada");
 * assert.equal(await getSignedCookie(cookie, "user", newSecret), undefined);
 * const forged = new Headers({ cookie: "user=admin.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" });
 * assert.equal(await getSignedCookie(forged, "user", [newSecret, oldSecret]), undefined);
 * ```
 */
export async function getSignedCookie(
  headers: Headers,
  name: string,
  secrets: CookieSecret | readonly CookieSecret[],
): Promise<string | undefined> {
  const list = _secretList(secrets, "getSignedCookie()");
  const cookies = getCookies(headers);
  // Own properties only: "toString" is no cookie.
  if (!Object.hasOwn(cookies, name)) return undefined;
  return await _unsign(name, cookies[name] as string, list);
}

/**
 * HMAC-SHA-256 signatures for cookies, through WebCrypto: what
 * `setSignedCookie` appends to a value and `getSignedCookie` checks. The
 * signed message is `name=value`, so a signed value cannot be moved to
 * another cookie; the signature is 43 characters of unpadded base64url,
 * after the value's last `.`. Checking uses `crypto.subtle.verify`, which
 * compares in constant time.
 *
 * @module
 */

import type { CookieSecret } from "./_cookie_types.ts";

/** What `crypto.subtle` imports for a string secret; made once per secret. */
const KEYS = new Map<string, Promise<CryptoKey>>();

/** Different string secrets kept imported; emptied when full, so that a caller cannot grow it. */
const MAX_KEYS = 64;

/** 32 bytes in unpadded base64url: the last of 43 characters carries 4 bits, the low 2 always zero. */
const SIGNATURE = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

const encoder = new TextEncoder();

/**
 * `secrets` as a non-empty list.
 *
 * @throws {TypeError} When it is not a secret or a non-empty list of them.
 */
export function _secretList(
  secrets: CookieSecret | readonly CookieSecret[],
  caller: string,
): readonly CookieSecret[] {
  const list = Array.isArray(secrets)
    ? secrets as readonly CookieSecret[]
    : [secrets as CookieSecret];
  if (list.length === 0) {
    throw new TypeError(
      `${caller} needs at least one secret: pass a string (32 random bytes or more) or a list, newest first`,
    );
  }
  for (const secret of list) _checkSecret(secret, caller);
  return list;
}

/** The value to store for `value` of cookie `name`: `value.signature`. */
export async function _sign(name: string, value: string, secret: CookieSecret): Promise<string> {
  const key = await _keyOf(secret);
  const signature = await crypto.subtle.sign("HMAC", key, encoder.encode(`${name}=${value}`));
  return `${value}.${_base64url(new Uint8Array(signature))}`;
}

/** The value `stored` carries when one of `secrets` signed it for cookie `name`, else `undefined`. */
export async function _unsign(
  name: string,
  stored: string,
  secrets: readonly CookieSecret[],
): Promise<string | undefined> {
  const dot = stored.lastIndexOf(".");
  if (dot === -1) return undefined;
  const encoded = stored.slice(dot + 1);
  // A malformed signature cannot be one we made; and only the canonical spelling of each is accepted.
  if (!SIGNATURE.test(encoded)) return undefined;
  const signature = _fromBase64url(encoded);
  const value = stored.slice(0, dot);
  const message = encoder.encode(`${name}=${value}`);
  for (const secret of secrets) {
    // verify() compares in constant time, unlike comparing two signatures by hand.
    if (await crypto.subtle.verify("HMAC", await _keyOf(secret), signature, message)) return value;
  }
  return undefined;
}

function _checkSecret(secret: unknown, caller: string): void {
  if (typeof secret === "string") {
    if (secret === "") {
      throw new TypeError(
        `${caller} got an empty secret: pass a string of 32 random bytes or more, kept out of the code`,
      );
    }
    return;
  }
  if (secret instanceof CryptoKey) {
    const algorithm = secret.algorithm as Partial<HmacKeyAlgorithm>;
    if (algorithm.name === "HMAC" && algorithm.hash?.name === "SHA-256") return;
    throw new TypeError(
      `${caller} takes an HMAC key for SHA-256, got a ${
        String(algorithm.name)
      } key: import it with { name: "HMAC", hash: "SHA-256" }`,
    );
  }
  throw new TypeError(
    `${caller} takes a secret as a string or an HMAC CryptoKey, or a list of them, got ${typeof secret}`,
  );
}

function _keyOf(secret: CookieSecret): Promise<CryptoKey> {
  if (typeof secret !== "string") return Promise.resolve(secret);
  let key = KEYS.get(secret);
  if (key === undefined) {
    if (KEYS.size >= MAX_KEYS) KEYS.clear();
    key = crypto.subtle.importKey(
      "raw",
      encoder.encode(secret),
      { name: "HMAC", hash: "SHA-256" },
      false,
      ["sign", "verify"],
    );
    KEYS.set(secret, key);
  }
  return key;
}

function _base64url(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

function _fromBase64url(encoded: string): Uint8Array<ArrayBuffer> {
  const binary = atob(encoded.replaceAll("-", "+").replaceAll("_", "/"));
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

/**
 * `secureHeaders()`: a default set of security response headers (HSTS,
 * nosniff, framing, referrer, cross-origin isolation, a conservative CSP),
 * each one overridable or turned off, never overwriting what a handler set.
 *
 * @module
 */

import type { Middleware } from "../build.ts";
import type { AppTypes } from "../context.ts";
import { _withHeaders } from "./_headers.ts";

/**
 * Options for {@linkcode secureHeaders}: one per header, named after it. A
 * string replaces the default value; `false` leaves the header out.
 */
export interface SecureHeadersOptions {
  /** `Content-Security-Policy`. Defaults to `base-uri 'self'; frame-ancestors 'self'; object-src 'none'`. */
  contentSecurityPolicy?: string | false | undefined;
  /** `Cross-Origin-Opener-Policy`. Defaults to `same-origin`. */
  crossOriginOpenerPolicy?: string | false | undefined;
  /** `Cross-Origin-Resource-Policy`. Defaults to `same-origin`; use `cross-origin` for public assets. */
  crossOriginResourcePolicy?: string | false | undefined;
  /** `Origin-Agent-Cluster`. Defaults to `?1`. */
  originAgentCluster?: string | false | undefined;
  /** `Referrer-Policy`. Defaults to `no-referrer`. */
  referrerPolicy?: string | false | undefined;
  /** `Strict-Transport-Security`. Defaults to `max-age=31536000; includeSubDomains`. */
  strictTransportSecurity?: string | false | undefined;
  /** `X-Content-Type-Options`. Defaults to `nosniff`. */
  xContentTypeOptions?: string | false | undefined;
  /** `X-DNS-Prefetch-Control`. Defaults to `off`. */
  xDnsPrefetchControl?: string | false | undefined;
  /** `X-Frame-Options`, for browsers without CSP `frame-ancestors`. Defaults to `SAMEORIGIN`. */
  xFrameOptions?: string | false | undefined;
  /** `X-Permitted-Cross-Domain-Policies`. Defaults to `none`. */
  xPermittedCrossDomainPolicies?: string | false | undefined;
  /** `X-XSS-Protection`. Defaults to `0`, which turns off the old, exploitable XSS auditors. */
  xXssProtection?: string | false | undefined;
}

/** Every option, its header and its default. */
const DEFAULTS: Readonly<Record<keyof SecureHeadersOptions, readonly [string, string]>> = {
  contentSecurityPolicy: [
    "content-security-policy",
    "base-uri 'self'; frame-ancestors 'self'; object-src 'none'",
  ],
  crossOriginOpenerPolicy: ["cross-origin-opener-policy", "same-origin"],
  crossOriginResourcePolicy: ["cross-origin-resource-policy", "same-origin"],
  originAgentCluster: ["origin-agent-cluster", "?1"],
  referrerPolicy: ["referrer-policy", "no-referrer"],
  strictTransportSecurity: ["strict-transport-security", "max-age=31536000; includeSubDomains"],
  xContentTypeOptions: ["x-content-type-options", "nosniff"],
  xDnsPrefetchControl: ["x-dns-prefetch-control", "off"],
  xFrameOptions: ["x-frame-options", "SAMEORIGIN"],
  xPermittedCrossDomainPolicies: ["x-permitted-cross-domain-policies", "none"],
  xXssProtection: ["x-xss-protection", "0"],
};

/**
 * Adds security headers to every response, error responses included,
 * leaving alone any header the handler set itself.
 *
 * The default `Content-Security-Policy` is deliberately conservative: it
 * stops `<base>` hijacking, plugins and framing by other sites, and does not
 * restrict scripts or styles, which would break pages written for no policy.
 * Tighten it for HTML apps (`default-src 'self'` and up); an API that serves
 * only JSON can use `default-src 'none'; frame-ancestors 'none'`.
 * `Strict-Transport-Security` is ignored by browsers over plain HTTP, so it
 * does no harm in development.
 *
 * @param options A value per header to replace its default, or `false` to leave it out.
 * @returns The middleware.
 * @throws {TypeError} For an option that is not one of the headers, or a value that is neither a
 * non-empty string nor `false`.
 *
 * @example Serve public images to other sites, with no CSP
 * ```ts
 * import { App } from "@latch/latch";
 * import { secureHeaders } from "@latch/latch/middleware";
 * import assert from "node:assert/strict";
 *
 * const app = new App()
 *   .use(secureHeaders({ crossOriginResourcePolicy: "cross-origin", contentSecurityPolicy: false }))
 *   .get("/logo.svg", () => new Response("<svg/>", { headers: { "content-type": "image/svg+xml" } }));
 *
 * const response = await app.fetch(new Request("http://localhost/logo.svg"));
 * assert.equal(response.headers.get("cross-origin-resource-policy"), "cross-origin");
 * assert.equal(response.headers.get("x-content-type-options"), "nosniff");
 * assert.equal(response.headers.has("content-security-policy"), false);
 * ```
 */
export function secureHeaders<T extends AppTypes = AppTypes>(
  options: SecureHeadersOptions = {},
): Middleware<T> {
  for (const [key, value] of Object.entries(options)) {
    if (!Object.hasOwn(DEFAULTS, key)) {
      throw new TypeError(
        `secureHeaders() has no option "${key}": use one of ${Object.keys(DEFAULTS).join(", ")}`,
      );
    }
    if (
      value !== undefined && value !== false &&
      (typeof value !== "string" || value.trim() === "" || !_isHeaderValue(value))
    ) {
      throw new TypeError(
        `secureHeaders() ${key} must be a header value (a non-empty string on one line) or ` +
          `false to leave the header out, got ${JSON.stringify(value)}`,
      );
    }
  }
  const headers: { readonly name: string; readonly value: string }[] = [];
  for (const [key, [name, fallback]] of Object.entries(DEFAULTS)) {
    const value = options[key as keyof SecureHeadersOptions] ?? fallback;
    if (value !== false) headers.push({ name, value });
  }
  const apply = (target: Headers) => {
    for (const { name, value } of headers) {
      if (!target.has(name)) target.set(name, value);
    }
  };

  return (next, build) => (request, ctx) => _withHeaders(next, request, ctx, apply, build.respond);
}

/**
 * Whether `Headers` accepts `value`: no CR, LF or NUL, and no character past
 * Latin-1. Checked here, because a value it refuses would fail every request.
 */
function _isHeaderValue(value: string): boolean {
  try {
    new Headers().set("x-check", value);
    return true;
  } catch {
    return false;
  }
}

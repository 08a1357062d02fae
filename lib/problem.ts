/**
 * RFC 9457 problem details: the body of every error response latch makes
 * itself (404, 405, 500, 503, an unhandled `HttpError`).
 *
 * @module
 */

import { _statusText } from "./_status_text.ts";

/** Options for {@linkcode problemResponse}. */
export interface ProblemInit {
  /** A human-readable explanation of this occurrence; safe to show to the client. */
  detail?: string;
  /** A URI that identifies the problem type. Defaults to `"about:blank"`. */
  type?: string;
  /** A short summary of the problem type. Defaults to the status's reason phrase. */
  title?: string;
  /** Headers to add to the response. */
  headers?: HeadersInit;
  /** Extension members, such as `stack` in debug mode. They never replace the standard members. */
  extensions?: Record<string, unknown>;
}

/**
 * Makes an `application/problem+json` response as RFC 9457 describes it.
 *
 * @param status The HTTP status.
 * @param init The problem's members and extra headers.
 * @returns A response whose body has `type`, `title`, `status` and, when given, `detail`.
 *
 * @example Answer a conflict from an error handler
 * ```ts
 * import { problemResponse } from "@latch/latch";
 * import assert from "node:assert/strict";
 *
 * const response = problemResponse(409, { detail: "That name is taken" });
 * assert.equal(response.headers.get("content-type"), "application/problem+json");
 * ```
 */
export function problemResponse(status: number, init: ProblemInit = {}): Response {
  // The standard members first, in RFC 9457's order; extensions after, never replacing them.
  const body: Record<string, unknown> = {
    type: init.type ?? "about:blank",
    title: init.title ?? _statusText(status),
    status,
  };
  if (init.detail !== undefined) body.detail = init.detail;
  for (const [key, value] of Object.entries(init.extensions ?? {})) {
    if (!(key in body) && key !== "detail") body[key] = value;
  }
  const headers = new Headers(init.headers);
  headers.set("content-type", "application/problem+json");
  return new Response(JSON.stringify(body), { status, headers });
}

/**
 * `HttpError`, the one error class that latch callers are meant to throw and
 * catch: it carries the HTTP status to answer with, the headers to add, and
 * whether its message may be shown to the client.
 *
 * @module
 */

/** Options for {@linkcode HttpError}. */
export interface HttpErrorInit {
  /** Headers to set on the response, such as `Allow` or `Retry-After`. */
  headers?: HeadersInit;
  /** The error that caused this one; logged, never sent to the client. */
  cause?: unknown;
  /**
   * Whether `message` may be sent to the client as the problem's `detail`.
   * Defaults to `true` for 4xx statuses and `false` for 5xx.
   */
  expose?: boolean;
  /**
   * Extension members for the problem body latch answers with, such as a
   * list of `errors`. They never replace `type`, `title`, `status` or `detail`.
   */
  extensions?: Record<string, unknown>;
}

/**
 * An error that becomes an HTTP response with its status: thrown from a
 * handler or a middleware, it is answered with an RFC 9457 problem body, or by
 * the handler registered with `app.onError(status, …)` or `app.onError(HttpError, …)`.
 *
 * @example Refuse a request with 403
 * ```ts
 * import { App, HttpError } from "@latch/latch";
 * import assert from "node:assert/strict";
 *
 * const app = new App();
 * app.get("/admin", () => {
 *   throw new HttpError(403, "Admins only");
 * });
 * const response = await app.fetch(new Request("http://localhost/admin"));
 * assert.equal(response.status, 403);
 * ```
 */
export class HttpError extends Error {
  /** The HTTP status, from 400 to 599. */
  readonly status: number;
  /** Headers the response will carry. */
  readonly headers: Headers;
  /** Whether {@linkcode HttpError.message} may be shown to the client. */
  readonly expose: boolean;
  /** Extension members of the problem body; see {@linkcode HttpErrorInit.extensions}. */
  readonly extensions: Readonly<Record<string, unknown>> | undefined;

  /**
   * Makes an error that answers with `status`.
   *
   * @param status An HTTP error status, from 400 to 599.
   * @param message What went wrong; sent to the client for 4xx statuses unless `init.expose` says otherwise.
   * @param init Headers to add, the cause, and whether to expose the message.
   */
  constructor(status: number, message?: string, init: HttpErrorInit = {}) {
    if (!Number.isInteger(status) || status < 400 || status > 599) {
      throw new RangeError(
        `HttpError status must be an integer from 400 to 599, got ${String(status)}: ` +
          `use a client (4xx) or server (5xx) error status`,
      );
    }
    super(message ?? "", init.cause === undefined ? undefined : { cause: init.cause });
    this.name = "HttpError";
    this.status = status;
    this.headers = new Headers(init.headers);
    this.expose = init.expose ?? status < 500;
    this.extensions = init.extensions;
  }
}

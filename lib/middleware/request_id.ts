/**
 * `requestId()`: gives every request an id, taken from the incoming header
 * when it is well-formed or made with `crypto.randomUUID()`, for handlers on
 * `ctx.state.requestId` and for the client on the response.
 *
 * @module
 */

import type { Middleware } from "../build.ts";
import type { AppTypes } from "../context.ts";
import { _TOKEN } from "../_http.ts";
import { _withHeaders } from "./_headers.ts";

/**
 * What {@linkcode requestId} puts on `ctx.state`: declare it in the app's
 * types to read `ctx.state.requestId` as a string.
 *
 * @example
 * ```ts
 * import { App } from "@latch/latch";
 * import { requestId, type RequestIdState } from "@latch/latch/middleware";
 *
 * const app = new App<{ state: RequestIdState }>().use(requestId());
 * app.get("/", (_request, ctx) => new Response(ctx.state.requestId));
 * ```
 */
export interface RequestIdState {
  /** The request's id: the incoming one if it was accepted, else a new one. */
  requestId: string;
}

/** Options for {@linkcode requestId}. */
export interface RequestIdOptions {
  /** The request and response header that carries the id. Defaults to `X-Request-Id`. */
  header?: string | undefined;
  /**
   * Whether to reuse an id the client (or a proxy in front) sent. Turn it off
   * when requests come straight from the internet and ids must be unique.
   * Defaults to `true`.
   */
  trustIncoming?: boolean | undefined;
  /** The longest incoming id accepted. Defaults to 200. */
  maxLength?: number | undefined;
  /** Makes a new id. Defaults to `crypto.randomUUID()`. */
  generate?: (() => string) | undefined;
}

/** What an accepted incoming id may contain: letters, digits and `-_.:/+=@`, as in UUIDs, trace ids, base64. */
const ID_CHARACTERS = /^[A-Za-z0-9\-_.:/+=@]+$/;

/**
 * Gives every request an id, on `ctx.state.requestId` and on the response.
 *
 * An incoming id is reused when it is 1 to `maxLength` characters of letters,
 * digits and `-_.:/+=@` (so it cannot smuggle anything into logs or headers);
 * otherwise a new one is made. The response header is set on error responses
 * too, and on an `HttpError` thrown by a later middleware.
 *
 * @param options The header, whether to trust an incoming id, its length limit, and the generator.
 * @returns The middleware.
 * @throws {TypeError} When `header` is not a header name or `generate` is not a function.
 * @throws {RangeError} When `maxLength` is not a positive whole number.
 *
 * @example
 * ```ts
 * import { App } from "@latch/latch";
 * import { requestId, type RequestIdState } from "@latch/latch/middleware";
 * import assert from "node:assert/strict";
 *
 * const app = new App<{ state: RequestIdState }>().use(requestId());
 * app.get("/", (_request, ctx) => Response.json({ id: ctx.state.requestId }));
 *
 * const response = await app.fetch(
 *   new Request("http://localhost/", { headers: { "x-request-id": "abc-123" } }),
 * );
 * assert.equal(response.headers.get("x-request-id"), "abc-123");
 * assert.deepEqual(await response.json(), { id: "abc-123" });
 * ```
 */
export function requestId<T extends AppTypes = AppTypes>(
  options: RequestIdOptions = {},
): Middleware<T> {
  const header = options.header ?? "X-Request-Id";
  if (typeof header !== "string" || !_TOKEN.test(header)) {
    throw new TypeError(
      `requestId() header must be a header name like "X-Request-Id", got ${JSON.stringify(header)}`,
    );
  }
  const trustIncoming = options.trustIncoming ?? true;
  const maxLength = options.maxLength ?? 200;
  if (!Number.isInteger(maxLength) || maxLength < 1) {
    throw new RangeError(
      `requestId() maxLength must be a whole number of characters, 1 or more, got ${
        String(maxLength)
      }`,
    );
  }
  const generate = options.generate ?? (() => crypto.randomUUID());
  if (typeof generate !== "function") {
    throw new TypeError(`requestId() generate must be a function that returns a new id`);
  }

  return (next, build) => (request, ctx) => {
    const incoming = trustIncoming ? request.headers.get(header) : null;
    const id = incoming !== null && incoming.length <= maxLength && ID_CHARACTERS.test(incoming)
      ? incoming
      : generate();
    // The app may declare any state; this key is the one RequestIdState documents.
    (ctx.state as RequestIdState).requestId = id;
    return _withHeaders(next, request, ctx, (headers) => headers.set(header, id), build.respond);
  };
}

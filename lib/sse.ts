/**
 * Server-sent events: {@linkcode sse} answers a request with a
 * `text/event-stream` response and hands a callback the stream to send
 * events on, as the WHATWG HTML standard (section 9.2, "Server-sent events")
 * defines them for `EventSource`.
 *
 * Strings with line breaks become several `data:` lines, anything else is
 * sent as JSON; a comment line keeps an idle connection open; the stream's
 * `signal` aborts when the client goes away, so the producer stops; a
 * reconnecting client's `Last-Event-ID` is on `stream.lastEventId`. The
 * response is `Cache-Control: no-cache`, and latch's `compress()` and
 * `etag()` pass `text/event-stream` through untouched. Web standards only:
 * it runs on Deno, Bun, Node.js and workerd.
 *
 * @example
 * ```ts
 * import { App } from "@latch/latch";
 * import { sse } from "@latch/latch/sse";
 * import assert from "node:assert/strict";
 *
 * const app = new App().get("/clock", (request) =>
 *   sse(request, async (stream) => {
 *     for (let tick = 1; tick <= 3 && !stream.signal.aborted; tick++) {
 *       await stream.send({ event: "tick", id: tick, data: { tick } });
 *     }
 *   }));
 *
 * const response = await app.fetch(new Request("http://localhost/clock"));
 * assert.equal(response.headers.get("content-type"), "text/event-stream");
 * const text = await response.text();
 * assert.ok(text.startsWith('event: tick\nid: 1\ndata: {"tick":1}\n\n'));
 * ```
 *
 * @module
 */

import { _EventStream } from "./_sse_stream.ts";
import type { SseCallback, SseOptions } from "./_sse_types.ts";

export type { SseCallback, SseEvent, SseOptions, SseStream } from "./_sse_types.ts";

/** The longest delay `setInterval` keeps: 2^31 - 1 ms, about 24.8 days. */
const MAX_DELAY = 2_147_483_647;

const HEADERS = { "content-type": "text/event-stream", "cache-control": "no-cache" } as const;

/**
 * Answers `request` with a stream of server-sent events, which `callback`
 * writes with `stream.send({ data, event, id, retry })`.
 *
 * The response comes back at once, `200` with `Content-Type:
 * text/event-stream` and `Cache-Control: no-cache`; `callback` runs right
 * after, and the stream lasts as long as its promise: it closes when the
 * callback returns (after the events sent), or throws (the error is reported
 * to `logger` once, unless it is the stream's own `signal.reason`, as after
 * the client left). To keep a stream open until the client leaves, `await
 * stream.closed`. The stream also closes, and `stream.signal` aborts, when
 * the client disconnects (`request.signal`) or cancels its reader; the
 * keep-alive timer is cleared then.
 *
 * A `HEAD` request gets the headers alone, and `callback` is not called: a
 * producer that never ends would run for a body nobody reads.
 *
 * On Deno, reading `request.signal` makes `Deno.serve` print a notice about
 * its legacy abort behaviour once per process; run with
 * `--unstable-no-legacy-abort` to silence it.
 *
 * @param request The request to answer; its `Last-Event-ID` and `signal` are used.
 * @param callback Sends the events; the stream closes when its promise settles.
 * @param options The keep-alive interval and where errors go.
 * @returns The `text/event-stream` response.
 * @throws {TypeError} When `request` is not a request, `callback` not a function, `keepAlive`
 * not a number or `false`, or `logger` has no `error` method.
 * @throws {RangeError} When `keepAlive` is not a whole number of milliseconds from 1 to 2^31 - 1.
 *
 * @example Stay open until the client leaves
 * ```ts
 * import { sse } from "@latch/latch/sse";
 * import assert from "node:assert/strict";
 *
 * const listeners = new Set<(user: string) => void>();
 * const client = new AbortController();
 * const response = sse(
 *   new Request("http://localhost/presence", { signal: client.signal }),
 *   async (stream) => {
 *     const onJoin = (user: string) => void stream.send({ event: "join", data: user });
 *     listeners.add(onJoin);
 *     await stream.closed; // until the client disconnects
 *     listeners.delete(onJoin);
 *   },
 *   { keepAlive: 15_000 },
 * );
 *
 * await new Promise((resolve) => setTimeout(resolve, 0)); // the callback subscribes
 * for (const listener of listeners) listener("ada");
 * const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
 * assert.equal((await reader.read()).value, "event: join\ndata: ada\n\n");
 * client.abort();
 * await new Promise((resolve) => setTimeout(resolve, 0));
 * assert.equal(listeners.size, 0);
 * ```
 */
export function sse(request: Request, callback: SseCallback, options: SseOptions = {}): Response {
  if (typeof callback !== "function" || typeof request?.headers?.get !== "function") {
    throw new TypeError(
      `sse() takes the request and a callback: sse(request, async (stream) => { await stream.send({ data: "hello" }); })`,
    );
  }
  const keepAlive = options.keepAlive ?? 15_000;
  if (keepAlive !== false) {
    if (typeof keepAlive !== "number") {
      throw new TypeError(
        `sse() keepAlive must be a number of milliseconds or false, got ${typeof keepAlive}`,
      );
    }
    if (!Number.isInteger(keepAlive) || keepAlive < 1 || keepAlive > MAX_DELAY) {
      throw new RangeError(
        `sse() keepAlive must be a whole number of milliseconds from 1 to ${MAX_DELAY}, got ${keepAlive}: pass it like { keepAlive: 15_000 }, or false for none`,
      );
    }
  }
  const logger = options.logger ?? console;
  if (typeof logger?.error !== "function") {
    throw new TypeError(`sse() logger must have an error(message, error) method, like console`);
  }
  // Fast path: HEAD reads no body, so no producer is started for it.
  if (request.method === "HEAD") return new Response(null, { headers: HEADERS });
  const stream = new _EventStream(request, keepAlive);
  _run(callback, stream, request, logger);
  return new Response(stream.body, { headers: HEADERS });
}

/**
 * Runs `callback` on `stream` after `sse()` has returned, and closes the
 * stream when it settles, reporting its error once.
 */
function _run(
  callback: SseCallback,
  stream: _EventStream,
  request: Request,
  logger: NonNullable<SseOptions["logger"]>,
): void {
  const report = (error: unknown) => {
    // Rejecting with the stream's own reason is how a producer ends once the client is gone.
    if (stream.signal.aborted && error === stream.signal.reason) return;
    const path = _pathOf(request.url);
    try {
      logger.error(
        `sse() callback for ${request.method} ${path} threw: its event stream was closed`,
        error,
      );
    } catch {
      // A logger that throws has nowhere to report to; the stream still closes.
    }
  };
  Promise.resolve()
    .then(() => callback(stream))
    .then(undefined, report)
    .then(() => stream.closeAfterCallback());
}

/** The path of `url`, without its query, which often carries tokens. */
function _pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

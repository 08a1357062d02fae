/**
 * The shapes `@latch/latch/sse` takes and gives: an event to send, the
 * stream a callback writes to, and the options of `sse()`. Types only, so
 * that the stream, the event writer and `sse()` import them without a cycle.
 *
 * @module
 */

/**
 * One server-sent event, written as the WHATWG HTML standard's
 * `text/event-stream` fields. Every field is optional, but an event needs at
 * least one.
 *
 * @example
 * ```ts
 * import type { SseEvent } from "@latch/latch/sse";
 *
 * const event: SseEvent = { event: "join", id: "42", data: { user: "ada" } };
 * ```
 */
export interface SseEvent {
  /**
   * The payload: a string is sent as it is, one `data:` line per line (CR,
   * LF and CRLF all end a line, and the client joins them back with LF);
   * anything else is sent as JSON, on one line. Without `data`, a client
   * dispatches no event (but `id` and `retry` still take effect).
   */
  data?: unknown;
  /** The event type, the client's `addEventListener` name; `"message"` when left out. No CR or LF. */
  event?: string | undefined;
  /** The event's id, which the client sends back as `Last-Event-ID` when it reconnects. No CR, LF or NUL. */
  id?: string | number | undefined;
  /** How many milliseconds the client waits before reconnecting, a whole number, 0 or more. */
  retry?: number | undefined;
  /** A comment, which clients ignore: one `:` line per line. */
  comment?: string | undefined;
}

/**
 * What an {@linkcode SseCallback} writes to. The stream lasts as long as the
 * callback's promise: it closes when the callback returns or throws, when
 * {@linkcode SseStream.close} is called, or when the client goes away.
 *
 * @example
 * ```ts
 * import type { SseStream } from "@latch/latch/sse";
 *
 * async function countdown(stream: SseStream) {
 *   for (let n = 3; n > 0 && !stream.signal.aborted; n--) await stream.send({ data: n });
 * }
 * ```
 */
export interface SseStream {
  /**
   * Writes one event. The promise resolves once the client has room for
   * more (a slow client slows the producer down instead of filling memory),
   * and rejects with a `TypeError` or `RangeError` for an invalid field (the
   * message names it), or with `signal.reason` once the stream is closed, so
   * that a loop that forgets to check `signal` still ends. That last
   * rejection is never reported as unhandled, for a send not awaited.
   */
  send(event: SseEvent): Promise<void>;
  /** Closes the stream after what was sent; `signal` aborts. Calling it again does nothing. */
  close(): void;
  /**
   * Aborted when the stream closes, for any reason: the client disconnected
   * (`request.signal`) or cancelled its reader, the callback returned or
   * threw, or `close()` was called. Pass it to `fetch`, a database query or
   * an event source to stop producing.
   */
  readonly signal: AbortSignal;
  /** Resolves when the stream closes: `await stream.closed` keeps it open until the client leaves. */
  readonly closed: Promise<void>;
  /** The request's `Last-Event-ID` header, sent by a reconnecting client; `undefined` when absent. */
  readonly lastEventId: string | undefined;
}

/**
 * The function `sse()` calls with the stream: it sends events, and the
 * stream closes when its promise settles.
 *
 * @example
 * ```ts
 * import type { SseCallback } from "@latch/latch/sse";
 *
 * const hello: SseCallback = (stream) => stream.send({ data: "hello" });
 * ```
 */
export type SseCallback = (stream: SseStream) => unknown;

/**
 * Options for `sse()`.
 *
 * @example
 * ```ts
 * import type { SseOptions } from "@latch/latch/sse";
 *
 * const options: SseOptions = { keepAlive: 30_000, logger: console };
 * ```
 */
export interface SseOptions {
  /**
   * Milliseconds between the comment lines that keep an idle connection
   * open through proxies and load balancers (which often close one silent
   * for 30 to 60 s), from 1 to 2^31 - 1; `false` sends none. Defaults to
   * 15 000.
   */
  keepAlive?: number | false | undefined;
  /**
   * Where a callback's error is reported, once: `console`, the app's
   * `Logger`, or anything with that `error(message, error)` method. Defaults
   * to `console`.
   */
  logger?: { error(message: string, error?: unknown): void } | undefined;
}

/**
 * One event stream's lifetime, from the response's creation to its close:
 * the body that carries the events, the keep-alive timer, the signal that
 * tells the producer to stop, and the sends waiting for the client to read.
 * It closes once, whichever comes first: the client disconnects or cancels
 * its reader, or the server closes it.
 *
 * @module
 */

import { _formatEvent, _KEEP_ALIVE } from "./_sse_event.ts";
import type { SseEvent, SseStream } from "./_sse_types.ts";

const encoder = new TextEncoder();

/** A send waiting for the client to read what is queued. */
interface _Waiting {
  readonly resolve: () => void;
  readonly reject: (reason: unknown) => void;
}

/** The {@linkcode SseStream} a callback writes to, and the body of the response it feeds. */
export class _EventStream implements SseStream {
  /** The response body: queued events, at most one chunk ahead of the client. */
  readonly body: ReadableStream<Uint8Array>;
  readonly lastEventId: string | undefined;
  readonly closed: Promise<void>;
  readonly #abort = new AbortController();
  readonly #request: Request;
  readonly #onRequestAbort = () =>
    this.#finish(new DOMException("The client disconnected", "AbortError"), true);
  readonly #controller: ReadableStreamDefaultController<Uint8Array>;
  #waiting: _Waiting[] = [];
  #timer: ReturnType<typeof setInterval> | undefined;
  #resolveClosed: () => void = () => {};

  constructor(request: Request, keepAlive: number | false) {
    this.#request = request;
    this.lastEventId = request.headers.get("last-event-id") ?? undefined;
    this.closed = new Promise((resolve) => {
      this.#resolveClosed = resolve;
    });
    let controller: ReadableStreamDefaultController<Uint8Array> | undefined;
    this.body = new ReadableStream<Uint8Array>({
      start: (given) => {
        controller = given;
      },
      pull: () => this.#wake(),
      cancel: () =>
        this.#finish(new DOMException("The client cancelled the event stream", "AbortError"), true),
    }, { highWaterMark: 1 });
    // The constructor calls start() before it returns.
    this.#controller = controller as ReadableStreamDefaultController<Uint8Array>;
    if (request.signal.aborted) {
      this.#onRequestAbort();
      return;
    }
    request.signal.addEventListener("abort", this.#onRequestAbort, { once: true });
    if (keepAlive !== false) this.#timer = setInterval(() => this.#keepAlive(), keepAlive);
  }

  get signal(): AbortSignal {
    return this.#abort.signal;
  }

  send(event: SseEvent): Promise<void> {
    if (this.signal.aborted) return _handled(Promise.reject(this.signal.reason));
    let text: string;
    try {
      text = _formatEvent(event);
    } catch (error) {
      return Promise.reject(error);
    }
    this.#controller.enqueue(encoder.encode(text));
    if ((this.#controller.desiredSize ?? 0) > 0) {
      return Promise.resolve();
    }
    // Settled by the next pull (the client read), or by the close; a rejection there is handled
    // in advance, so that a send nobody awaits cannot become an unhandled rejection.
    return _handled(new Promise((resolve, reject) => this.#waiting.push({ resolve, reject })));
  }

  close(): void {
    this.#finish(new DOMException("The server closed the event stream", "AbortError"), false);
  }

  /** Closes the stream because its callback settled, with a reason that says how to keep it open. */
  closeAfterCallback(): void {
    const reason = new DOMException(
      "The event stream closed when its callback returned or threw: to keep it open, await stream.closed in the callback",
      "AbortError",
    );
    this.#finish(reason, false);
  }

  /** A comment line, unless the client is still behind: then the connection is not idle. */
  #keepAlive(): void {
    const controller = this.#controller;
    if ((controller.desiredSize ?? 0) > 0) controller.enqueue(encoder.encode(_KEEP_ALIVE));
  }

  /** The client read: the sends waiting for room go on. */
  #wake(): void {
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const send of waiting) send.resolve();
  }

  /**
   * Ends the stream once: stops the timer, lets go of the request, closes the
   * body (a client's signal can abort while it is still open, when a proxy or
   * a test holds it), aborts the signal, and settles the waiting sends:
   * resolved when the server closed the stream, so what they queued will
   * still be read; rejected when the client is gone.
   */
  #finish(reason: DOMException, clientGone: boolean): void {
    if (this.#abort.signal.aborted) return;
    clearInterval(this.#timer);
    this.#request.signal.removeEventListener("abort", this.#onRequestAbort);
    try {
      this.#controller.close();
    } catch {
      // Cancelled by the client already: nothing left to end.
    }
    this.#abort.abort(reason);
    const waiting = this.#waiting;
    this.#waiting = [];
    for (const send of waiting) clientGone ? send.reject(reason) : send.resolve();
    this.#resolveClosed();
  }
}

/** `promise`, with its rejection marked as handled: whoever awaits it still sees it. */
function _handled<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}

/**
 * An `EventSource`-style reader for the tests: it parses a `text/event-stream`
 * body by the WHATWG HTML standard's rules (section 9.2.6, "Interpreting an
 * event stream"), written here from the standard and not from latch's
 * writer, so that what latch sends is checked against what a browser would
 * read. It also counts comment lines, which a browser ignores, to see
 * keep-alives.
 *
 * @module
 */

/** An event as a browser dispatches it: its type, its data, and the last event ID so far. */
export interface ParsedEvent {
  readonly type: string;
  readonly data: string;
  readonly lastEventId: string;
}

/** Reads and parses an event stream as it arrives. */
export class EventStreamReader {
  /** Every event dispatched so far, in order. */
  readonly events: ParsedEvent[] = [];
  /** Every comment line so far, without its leading colon. */
  readonly comments: string[] = [];
  /** The reconnection time the last valid `retry` field set. */
  retry: number | undefined;
  /** Whether the body has ended. */
  ended = false;
  readonly #reader: ReadableStreamDefaultReader<string>;
  #buffer = "";
  /** A CR ended the last chunk: an LF that starts the next one belongs to it. */
  #afterCR = false;
  #data = "";
  #type = "";
  #lastEventId = "";
  #lastEventIdBuffer = "";

  constructor(body: ReadableStream<Uint8Array>) {
    // TextDecoderStream decodes UTF-8 and drops one leading BOM, as the standard asks.
    this.#reader = body.pipeThrough(new TextDecoderStream()).getReader();
  }

  /**
   * Reads until `condition()` holds or the body ends, checking after each
   * chunk; returns whether it holds.
   */
  async until(condition: () => boolean): Promise<boolean> {
    while (!condition()) {
      if (this.ended) return false;
      await this.#readChunk();
    }
    return true;
  }

  /** Reads until `count` events have been dispatched; fails when the body ends first. */
  async take(count: number): Promise<ParsedEvent[]> {
    if (!(await this.until(() => this.events.length >= count))) {
      throw new Error(`The stream ended after ${this.events.length} events, expected ${count}`);
    }
    return this.events.slice(0, count);
  }

  /** Reads to the end of the body. */
  async toEnd(): Promise<void> {
    await this.until(() => false);
  }

  /** Cancels the body, as a closing `EventSource` does. */
  async cancel(): Promise<void> {
    await this.#reader.cancel();
    this.ended = true;
  }

  async #readChunk(): Promise<void> {
    const { done, value } = await this.#reader.read();
    if (done) {
      // "Once the end of the file is reached, any pending data must be discarded."
      this.ended = true;
      return;
    }
    this.#feed(value);
  }

  #feed(text: string): void {
    let chunk = text;
    if (this.#afterCR && chunk.startsWith("\n")) chunk = chunk.slice(1);
    this.#afterCR = false;
    this.#buffer += chunk;
    for (;;) {
      const end = this.#buffer.search(/\r\n|\r|\n/);
      if (end === -1) return;
      const line = this.#buffer.slice(0, end);
      let next = end + 1;
      if (this.#buffer[end] === "\r") {
        if (end + 1 === this.#buffer.length) this.#afterCR = true;
        else if (this.#buffer[end + 1] === "\n") next = end + 2;
      }
      this.#buffer = this.#buffer.slice(next);
      this.#line(line);
    }
  }

  #line(line: string): void {
    if (line === "") return this.#dispatch();
    if (line.startsWith(":")) {
      this.comments.push(line.slice(1));
      return;
    }
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    let value = colon === -1 ? "" : line.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "event") this.#type = value;
    else if (field === "data") this.#data += `${value}\n`;
    else if (field === "id") {
      if (!value.includes("\0")) this.#lastEventIdBuffer = value;
    } else if (field === "retry") {
      if (/^[0-9]+$/.test(value)) this.retry = Number(value);
    }
    // Any other field is ignored.
  }

  #dispatch(): void {
    this.#lastEventId = this.#lastEventIdBuffer;
    if (this.#data === "") {
      this.#type = "";
      return;
    }
    const data = this.#data.endsWith("\n") ? this.#data.slice(0, -1) : this.#data;
    this.events.push({
      type: this.#type === "" ? "message" : this.#type,
      data,
      lastEventId: this.#lastEventId,
    });
    this.#data = "";
    this.#type = "";
  }
}

/** `promise`, or a rejection naming `what` when it has not settled within `ms`: a bound, not a timing. */
export function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  return Promise.race([promise, limit]).finally(() => clearTimeout(timer));
}

/**
 * Writing one server-sent event as `text/event-stream` text, the WHATWG HTML
 * standard's format (section 9.2.5): one `field: value` line per field, a
 * multi-line `data` or comment split into one line each, and a blank line
 * that dispatches the event. Every field is checked, so that no value can
 * end its line early and inject a field or an event.
 *
 * @module
 */

import type { SseEvent } from "./_sse_types.ts";

/** What ends a line in an event stream: CRLF, LF or CR alone. */
const LINE_BREAK = /\r\n|\r|\n/;

/** A field the format keeps on one line. */
const BREAK = /[\r\n]/;

/** `id` must not hold NUL either: a client ignores such an id. */
const ID_INVALID = /[\r\n\0]/;

/** The comment line that keeps an idle connection open. */
export const _KEEP_ALIVE = ": keep-alive\n\n";

/**
 * `event` as the lines of an event stream, its blank line included.
 *
 * @throws {TypeError} When a field holds what would break its line, or `data` has no JSON form.
 * @throws {RangeError} When `retry` is not a whole number, 0 or more.
 */
export function _formatEvent(event: SseEvent): string {
  if (typeof event !== "object" || event === null) {
    throw new TypeError(
      `stream.send() takes an event like { data: "hello", event?, id?, retry? }, got ${
        event === null ? "null" : typeof event
      }`,
    );
  }
  const { comment, event: type, id, retry, data } = event;
  if (
    comment === undefined && type === undefined && id === undefined && retry === undefined &&
    data === undefined
  ) {
    throw new TypeError(
      `stream.send() got an event with no field: give it data (and maybe event, id, retry or comment)`,
    );
  }
  let text = "";
  if (comment !== undefined) {
    if (typeof comment !== "string") {
      throw new TypeError(`An event's comment must be a string, got ${typeof comment}`);
    }
    for (const line of comment.split(LINE_BREAK)) text += `: ${line}\n`;
  }
  if (type !== undefined) {
    if (typeof type !== "string" || BREAK.test(type)) {
      throw new TypeError(
        `An event's type must be a string without CR or LF, got ${
          _quote(type)
        }: name it like "update"`,
      );
    }
    text += `event: ${type}\n`;
  }
  if (id !== undefined) {
    const value = typeof id === "number" && Number.isFinite(id) ? String(id) : id;
    if (typeof value !== "string" || ID_INVALID.test(value)) {
      throw new TypeError(
        `An event's id must be a string without CR, LF or NUL, or a finite number, got ${
          _quote(id)
        }`,
      );
    }
    text += `id: ${value}\n`;
  }
  if (retry !== undefined) {
    if (typeof retry !== "number" || !Number.isSafeInteger(retry) || retry < 0) {
      throw new RangeError(
        `An event's retry must be a whole number of milliseconds, 0 or more, got ${_quote(retry)}`,
      );
    }
    text += `retry: ${retry}\n`;
  }
  if (data !== undefined) {
    const payload = typeof data === "string" ? data : JSON.stringify(data);
    // JSON.stringify gives undefined for a function or a symbol: nothing a client could read.
    if (typeof payload !== "string") {
      throw new TypeError(
        `An event's data must be a string or have a JSON form, got ${typeof data}`,
      );
    }
    for (const line of payload.split(LINE_BREAK)) text += `data: ${line}\n`;
  }
  return `${text}\n`;
}

function _quote(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  return typeof value === "number" ? String(value) : typeof value;
}

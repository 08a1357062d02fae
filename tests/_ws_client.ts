/**
 * The client side of the WebSocket suites: the runtime's own `WebSocket`
 * (Deno's, Bun's) with its messages queued and its close awaited, a raw
 * opening handshake over `node:net` to see the status line a server sends,
 * and a reader of what the test app recorded. Every wait is bounded.
 *
 * @module
 */

import { connect } from "node:net";
import type { WsEvents } from "./_ws_app.ts";
import { within } from "./_event_stream.ts";

/** How long any one wait may take. */
const LIMIT_MS = 10_000;

/** A WebSocket client whose messages are queued until read. */
export class Client {
  readonly socket: WebSocket;
  /** Resolves with the close event's code and reason, whoever closed. */
  readonly closed: Promise<{ code: number; reason: string }>;
  readonly #queue: (string | Uint8Array)[] = [];
  readonly #waiting: ((message: string | Uint8Array) => void)[] = [];

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.binaryType = "arraybuffer";
    socket.addEventListener("message", (event) => {
      const data = event.data as unknown;
      const message = typeof data === "string" ? data : new Uint8Array(data as ArrayBuffer);
      const waiter = this.#waiting.shift();
      if (waiter === undefined) this.#queue.push(message);
      else waiter(message);
    });
    this.closed = new Promise((resolve) => {
      socket.addEventListener(
        "close",
        (event) => resolve({ code: event.code, reason: event.reason }),
      );
    });
  }

  /** Opens a connection to `url` (`http:` becomes `ws:`); rejects if it closes before it opens. */
  static async open(url: string): Promise<Client> {
    const client = new Client(new WebSocket(url.replace(/^http/, "ws")));
    const opened = new Promise<void>((resolve, reject) => {
      client.socket.addEventListener("open", () => resolve());
      client.closed.then(({ code }) => reject(new Error(`closed with ${code} before it opened`)));
    });
    await within(LIMIT_MS, `the WebSocket to ${url} opening`, opened);
    return client;
  }

  /** Tries to open `url` and resolves with the close code when the handshake fails. */
  static async refused(url: string): Promise<number> {
    const client = new Client(new WebSocket(url.replace(/^http/, "ws")));
    let opened = false;
    client.socket.addEventListener("open", () => opened = true);
    const { code } = await within(LIMIT_MS, `the WebSocket to ${url} failing`, client.closed);
    if (opened) throw new Error(`the WebSocket to ${url} opened`);
    return code;
  }

  /** The next message, in order. */
  next(): Promise<string | Uint8Array> {
    const queued = this.#queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return within(LIMIT_MS, "a message", new Promise((resolve) => this.#waiting.push(resolve)));
  }

  /** Waits for the close event. */
  close(): Promise<{ code: number; reason: string }> {
    return within(LIMIT_MS, "the close", this.closed);
  }
}

/** What a raw opening handshake got back: the status and the head. */
export interface RawAnswer {
  readonly status: number;
  readonly head: string;
  /** Ends the connection without a closing handshake. */
  destroy(): void;
}

/** The request headers of a valid opening handshake (RFC 6455 §4.1). */
export const HANDSHAKE: Readonly<Record<string, string>> = {
  upgrade: "websocket",
  connection: "Upgrade",
  "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==",
  "sec-websocket-version": "13",
};

/** Sends `GET path` with `headers` over a plain TCP socket and reads the response head. */
export function rawHandshake(
  url: string,
  path: string,
  headers: Readonly<Record<string, string>> = HANDSHAKE,
): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}\r\n`).join("");
  socket.write(`GET ${path} HTTP/1.1\r\nhost: ${hostname}:${port}\r\n${lines}\r\n`);
  let received = "";
  const answer = new Promise<RawAnswer>((resolve, reject) => {
    socket.on("data", (chunk: Uint8Array) => {
      received += new TextDecoder().decode(chunk);
      const end = received.indexOf("\r\n\r\n");
      if (end === -1) return;
      const head = received.slice(0, end);
      resolve({ status: Number(head.split(" ")[1]), head, destroy: () => socket.destroy() });
    });
    socket.on("error", reject);
    socket.on("close", () => reject(new Error(`closed before a response head: ${received}`)));
  });
  return within(LIMIT_MS, `the answer to GET ${path}`, answer);
}

/** What the test app recorded for `id`. */
export async function eventsOf(url: string, id: string): Promise<WsEvents> {
  const response = await fetch(`${url}/events/${id}`);
  return await response.json() as WsEvents;
}

/**
 * What the app recorded for `id`, once `done` holds for it: the server hears
 * of a close after the client does. Bounded: 500 reads, 10 ms apart.
 */
export async function eventsWhen(
  url: string,
  id: string,
  done: (events: WsEvents) => boolean,
): Promise<WsEvents> {
  let events = await eventsOf(url, id);
  for (let attempt = 0; attempt < 500 && !done(events); attempt++) {
    await new Promise((resolve) => setTimeout(resolve, 10));
    events = await eventsOf(url, id);
  }
  if (!done(events)) {
    throw new Error(`the app never recorded what was awaited: ${JSON.stringify(events)}`);
  }
  return events;
}

/** Whether the events hold a close. */
export function hasClose(events: WsEvents): boolean {
  return events.events.some((entry) =>
    typeof entry === "object" && entry !== null && "close" in entry
  );
}

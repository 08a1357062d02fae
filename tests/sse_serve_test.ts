// sse() over a real socket (Deno.serve on Deno, Bun.serve on Bun), read by
// an EventSource-style parser through fetch: events parsed back exactly,
// keep-alives, Last-Event-ID, a disconnect that stops the producer, HEAD, an
// error mid-stream, and the built-in middleware (compress, etag, timeout,
// logger) leaving the stream alone, each event arriving before the next is
// produced.
import { test } from "node:test";
import assert from "node:assert/strict";
import { App } from "../mod.ts";
import { compress, etag, logger, timeout } from "../lib/middleware/mod.ts";
import { sse, type SseCallback, type SseEvent, type SseOptions } from "../lib/sse.ts";
import { recordingLogger } from "./_helpers.ts";
import { EventStreamReader, within } from "./_event_stream.ts";
import { serve, type TestServer } from "./_serve.ts";

/** A server whose /events answers sse(request, callback, options). */
async function serving<T>(
  callback: SseCallback,
  options: SseOptions,
  body: (server: TestServer) => Promise<T>,
): Promise<T> {
  const server = serve((request) => sse(request, callback, options));
  try {
    return await body(server);
  } finally {
    await server.stop();
  }
}

/** A promise and the function that resolves it. */
function signal<T = void>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve: (value: T) => void = () => {};
  const promise = new Promise<T>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

const EVENTS: SseEvent[] = [
  { data: "plain" },
  { event: "join", id: "1", data: { user: "ada", note: "line\nbreak" } },
  { data: "two\nlines\r\nand\rthree" },
  { data: "ünïcödé ✓ 🎉 ".repeat(50) },
  { data: "" },
  { data: " leading space and: colon" },
  { id: "2", retry: 1500, event: "update", data: 42 },
  { data: "no id here" },
  { comment: "ignored by clients", data: "with a comment" },
];

test("Events sent over a real socket are parsed back exactly by an EventSource-style reader", async () => {
  await serving(
    async (stream) => {
      for (const event of EVENTS) await stream.send(event);
    },
    { keepAlive: false },
    async (server) => {
      const response = await fetch(`${server.url}/events`, {
        headers: { accept: "text/event-stream" },
      });
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("content-type"), "text/event-stream");
      assert.equal(response.headers.get("cache-control"), "no-cache");
      const reader = new EventStreamReader(response.body!);
      await within(5000, "the end of the stream", reader.toEnd());
      assert.deepEqual(reader.events, [
        { type: "message", data: "plain", lastEventId: "" },
        { type: "join", data: '{"user":"ada","note":"line\\nbreak"}', lastEventId: "1" },
        { type: "message", data: "two\nlines\nand\nthree", lastEventId: "1" },
        { type: "message", data: "ünïcödé ✓ 🎉 ".repeat(50), lastEventId: "1" },
        { type: "message", data: "", lastEventId: "1" },
        { type: "message", data: " leading space and: colon", lastEventId: "1" },
        { type: "update", data: "42", lastEventId: "2" },
        { type: "message", data: "no id here", lastEventId: "2" },
        { type: "message", data: "with a comment", lastEventId: "2" },
      ]);
      assert.equal(reader.retry, 1500);
      assert.deepEqual(reader.comments, [" ignored by clients"]);
    },
  );
});

test("Keep-alive comments arrive over the wire while the stream is idle", async () => {
  await serving((stream) => stream.closed, { keepAlive: 10 }, async (server) => {
    const client = new AbortController();
    const response = await fetch(`${server.url}/events`, { signal: client.signal });
    const reader = new EventStreamReader(response.body!);
    await within(5000, "three keep-alives", reader.until(() => reader.comments.length >= 3));
    assert.ok(reader.comments.every((comment) => comment === " keep-alive"));
    assert.equal(reader.events.length, 0);
    client.abort();
  });
});

test("stream.lastEventId carries the Last-Event-ID a reconnecting client sends", async () => {
  const seen: Array<string | undefined> = [];
  await serving(
    async (stream) => {
      seen.push(stream.lastEventId);
      await stream.send({ id: String(Number(stream.lastEventId ?? 0) + 1), data: "next" });
    },
    { keepAlive: false },
    async (server) => {
      const first = new EventStreamReader((await fetch(`${server.url}/events`)).body!);
      await first.toEnd();
      const resumed = await fetch(`${server.url}/events`, {
        headers: { "last-event-id": first.events[0]!.lastEventId },
      });
      const second = new EventStreamReader(resumed.body!);
      await second.toEnd();
      assert.deepEqual(seen, [undefined, "1"]);
      assert.equal(second.events[0]!.lastEventId, "2");
    },
  );
});

test("A client that disconnects stops the producer: no send succeeds after the signal aborts", async () => {
  const logger = recordingLogger();
  let sends = 0;
  let sendsAfterAbort = 0;
  const finished = signal<AbortSignal>();
  await serving(
    async (stream) => {
      try {
        while (!stream.signal.aborted) {
          await stream.send({ data: sends });
          if (stream.signal.aborted) sendsAfterAbort++;
          sends++;
          await new Promise((resolve) => setTimeout(resolve, 1));
        }
      } finally {
        finished.resolve(stream.signal);
      }
    },
    { keepAlive: 5, logger },
    async (server) => {
      const client = new AbortController();
      const response = await fetch(`${server.url}/events`, { signal: client.signal });
      const reader = new EventStreamReader(response.body!);
      await within(5000, "three events", reader.take(3));
      client.abort();
      const aborted = await within(5000, "the producer's end", finished.promise);
      assert.equal(aborted.aborted, true);
      assert.equal((aborted.reason as DOMException).name, "AbortError");
    },
  );
  assert.equal(sendsAfterAbort, 0);
  assert.ok(sends >= 3);
  assert.equal(logger.entries.length, 0, "a client leaving is not an error");
});

test("HEAD over the wire answers the headers, and the callback never runs", async () => {
  let calls = 0;
  const app = new App().get("/events", (request) =>
    sse(request, () => {
      calls++;
    }));
  const server = serve(app.fetch);
  try {
    const response = await fetch(`${server.url}/events`, { method: "HEAD" });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/event-stream");
    assert.equal(await response.text(), "");
  } finally {
    await server.stop();
  }
  assert.equal(calls, 0);
});

test("A callback that throws mid-stream ends the response cleanly after its events, logged once", async () => {
  const logger = recordingLogger();
  await serving(
    async (stream) => {
      await stream.send({ data: "one" });
      await stream.send({ data: "two" });
      throw new Error("the feed broke");
    },
    { keepAlive: false, logger },
    async (server) => {
      const reader = new EventStreamReader((await fetch(`${server.url}/events`)).body!);
      await within(5000, "the end of the stream", reader.toEnd());
      assert.deepEqual(reader.events.map((event) => event.data), ["one", "two"]);
    },
  );
  assert.equal(logger.entries.length, 1);
  assert.equal((logger.entries[0]!.error as Error).message, "the feed broke");
});

test("compress(), etag(), timeout() and logger() leave an event stream alone: each event arrives before the next is made", async () => {
  const lines: string[] = [];
  const acks: Array<{ promise: Promise<void>; resolve: () => void }> = [];
  const ack = (index: number) => (acks[index] ??= signal());
  const app = new App().use(
    logger({ write: (line) => lines.push(line), build: false }),
    timeout(20),
    compress({ threshold: 0 }),
    etag(),
  ).get("/events", async (request) => {
    await new Promise((resolve) => setTimeout(resolve, 1)); // an async handler: timeout() sets its timer
    return sse(request, async (stream) => {
      for (let index = 0; index < 4; index++) {
        await stream.send({ id: String(index), data: `event ${index}` });
        // The next event is made only once the client has this one: a buffering middleware
        // (a compressor holding bytes, an etag reading the body) would never let it through.
        await ack(index).promise;
      }
    }, { keepAlive: false });
  });
  const server = serve(app.fetch);
  try {
    const response = await fetch(`${server.url}/events`, {
      headers: { "accept-encoding": "gzip, deflate, br" },
    });
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-encoding"), null);
    assert.equal(response.headers.get("etag"), null);
    assert.equal(response.headers.get("content-type"), "text/event-stream");
    const reader = new EventStreamReader(response.body!);
    for (let index = 0; index < 4; index++) {
      const events = await within(5000, `event ${index}`, reader.take(index + 1));
      assert.equal(events[index]!.data, `event ${index}`);
      // Past the 20 ms timeout by now for the later events: the stream is not cut.
      if (index === 1) await new Promise((resolve) => setTimeout(resolve, 40));
      ack(index).resolve();
    }
    await within(5000, "the end of the stream", reader.toEnd());
    assert.equal(reader.events.length, 4);
  } finally {
    await server.stop();
  }
  assert.equal(lines.length, 1);
  assert.match(lines[0]!, /^GET \/events 200 /);
});

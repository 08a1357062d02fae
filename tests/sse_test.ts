// sse() in memory: the headers, the text each event becomes (read back by a
// WHATWG-rules parser), the checks on every field, keep-alives and their
// timer, the stream's lifetime (signal, closed, sends after close,
// backpressure), Last-Event-ID, errors logged once, and HEAD.
import { test } from "node:test";
import assert from "node:assert/strict";
import { App } from "../mod.ts";
import { sse, type SseCallback, type SseOptions, type SseStream } from "../lib/sse.ts";
import { recordingLogger, settle, watchUnhandledRejections } from "./_helpers.ts";
import { EventStreamReader, within } from "./_event_stream.ts";

const URL = "http://localhost/events";

/** A response from sse(), the stream its callback was given, and a parser on its body. */
interface Opened {
  readonly response: Response;
  readonly stream: SseStream;
  readonly reader: EventStreamReader;
}

/** Calls sse() and hands back the stream its callback was given, with the response. */
async function opened(
  init: RequestInit = {},
  options: SseOptions = { keepAlive: false },
  body: (stream: SseStream) => unknown = (stream) => stream.closed,
): Promise<Opened> {
  let given: SseStream | undefined;
  const response = sse(new Request(URL, init), (stream) => {
    given = stream;
    return body(stream);
  }, options);
  await settle();
  assert.ok(given !== undefined, "the callback ran");
  return { response, stream: given, reader: new EventStreamReader(response.body!) };
}

/** The text sse() writes for the events `callback` sends. */
async function written(callback: SseCallback): Promise<string> {
  return await sse(new Request(URL), callback, { keepAlive: false }).text();
}

/** Counts the intervals set and cleared while `body` runs. */
async function countingIntervals<T>(
  body: () => Promise<T>,
): Promise<{ set: number; active: () => number }> {
  const active = new Set<unknown>();
  let set = 0;
  const original = { setInterval: globalThis.setInterval, clearInterval: globalThis.clearInterval };
  globalThis.setInterval = ((handler: () => void, ms: number) => {
    const id = original.setInterval(handler, ms);
    set++;
    active.add(id);
    return id;
  }) as typeof setInterval;
  globalThis.clearInterval = ((id: ReturnType<typeof setInterval>) => {
    active.delete(id);
    original.clearInterval(id);
  }) as typeof clearInterval;
  try {
    await body();
  } finally {
    Object.assign(globalThis, original);
  }
  return { set, active: () => active.size };
}

test("sse() answers at once: 200, text/event-stream, no-cache, a streamed body", () => {
  const response = sse(new Request(URL), () => {}, { keepAlive: false });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "text/event-stream");
  assert.equal(response.headers.get("cache-control"), "no-cache");
  assert.ok(response.body instanceof ReadableStream);
});

test("stream.send() writes one line per field and a blank line that dispatches the event", async () => {
  const text = await written(async (stream) => {
    await stream.send({ event: "update", id: "7", retry: 3000, data: "hello" });
    await stream.send({ data: "plain" });
    await stream.send({ id: 8 });
  });
  assert.equal(text, "event: update\nid: 7\nretry: 3000\ndata: hello\n\ndata: plain\n\nid: 8\n\n");
});

test("stream.send() splits data at CR, LF and CRLF into several data: lines", async () => {
  const text = await written((stream) => stream.send({ data: "one\ntwo\r\nthree\rfour" }));
  assert.equal(text, "data: one\ndata: two\ndata: three\ndata: four\n\n");
});

test("Data read back by an EventSource-style parser is what was sent, line breaks as LF", async () => {
  const sent = [
    "plain",
    "two\nlines",
    "crlf\r\nline",
    "cr\ronly",
    "",
    "\n",
    "trailing\n",
    " leading space",
    ":colon first",
    "data: inside",
    "ünïcödé ✓ 🎉",
  ];
  const reader = new EventStreamReader(
    sse(new Request(URL), async (stream) => {
      for (const data of sent) await stream.send({ data });
    }, { keepAlive: false }).body!,
  );
  await reader.toEnd();
  assert.deepEqual(
    reader.events.map((event) => event.data),
    sent.map((data) => data.replaceAll(/\r\n|\r/g, "\n")),
  );
  assert.ok(reader.events.every((event) => event.type === "message"));
});

test("stream.send() sends anything but a string as JSON on one line", async () => {
  const values = [{ user: "ada", note: "two\nlines" }, [1, 2], 42, true, null, "text"];
  const reader = new EventStreamReader(
    sse(new Request(URL), async (stream) => {
      for (const data of values) await stream.send({ data });
    }, { keepAlive: false }).body!,
  );
  await reader.toEnd();
  assert.deepEqual(reader.events.map((event) => event.data), [
    '{"user":"ada","note":"two\\nlines"}',
    "[1,2]",
    "42",
    "true",
    "null",
    "text",
  ]);
  assert.deepEqual(JSON.parse(reader.events[0]!.data), values[0]);
});

test("Event types, ids and retry are read back by the parser", async () => {
  const reader = new EventStreamReader(
    sse(new Request(URL), async (stream) => {
      await stream.send({ event: "join", id: "a1", data: "ada" });
      await stream.send({ data: "no id: keeps the last" });
      await stream.send({ id: "", retry: 250, event: "reset", data: "x" });
      await stream.send({ comment: "a note\nover two lines" });
    }, { keepAlive: false }).body!,
  );
  await reader.toEnd();
  assert.deepEqual(reader.events, [
    { type: "join", data: "ada", lastEventId: "a1" },
    { type: "message", data: "no id: keeps the last", lastEventId: "a1" },
    { type: "reset", data: "x", lastEventId: "" },
  ]);
  assert.equal(reader.retry, 250);
  assert.deepEqual(reader.comments, [" a note", " over two lines"]);
});

test("stream.send() refuses a field that would break its line, and writes nothing for it", async () => {
  const errors: unknown[] = [];
  const text = await written(async (stream) => {
    const attempts: Array<[Parameters<SseStream["send"]>[0], RegExp]> = [
      [{ event: "a\nb", data: "x" }, /type must be a string without CR or LF/],
      [{ event: "a\rb", data: "x" }, /type/],
      [{ id: "1\n2", data: "x" }, /id must be a string without CR, LF or NUL/],
      [{ id: "1\r", data: "x" }, /id/],
      [{ id: "a\0b", data: "x" }, /NUL/],
      [{ id: Number.NaN, data: "x" }, /finite number/],
      [{ data: () => 1 }, /data must be a string or have a JSON form/],
      [{ data: Symbol("s") }, /JSON form/],
      [{}, /no field: give it data/],
      [null as unknown as { data: string }, /takes an event like/],
      [{ comment: 5 as unknown as string }, /comment must be a string/],
    ];
    for (const [event, message] of attempts) {
      await assert.rejects(stream.send(event), (error: unknown) => {
        assert.ok(error instanceof TypeError, String(error));
        assert.match(error.message, message);
        errors.push(error);
        return true;
      });
    }
    for (const retry of [-1, 1.5, Infinity]) {
      await assert.rejects(stream.send({ retry }), RangeError);
      errors.push(retry);
    }
    await assert.rejects(stream.send({ data: { big: 1n } }), TypeError);
    await stream.send({ data: "still open" });
  });
  assert.equal(errors.length, 14);
  assert.equal(text, "data: still open\n\n");
});

test("sse() checks keepAlive and the callback eagerly, before anything runs", () => {
  let calls = 0;
  const callback = () => {
    calls++;
  };
  for (const keepAlive of [0, -1, 1.5, 2 ** 31, Number.NaN]) {
    assert.throws(() => sse(new Request(URL), callback, { keepAlive }), (error: unknown) => {
      assert.ok(error instanceof RangeError);
      assert.match(
        error.message,
        /keepAlive must be a whole number of milliseconds from 1 to 2147483647/,
      );
      return true;
    });
  }
  assert.throws(
    () => sse(new Request(URL), callback, { keepAlive: "15s" as unknown as number }),
    TypeError,
  );
  assert.throws(
    () => sse(new Request(URL), "nope" as unknown as SseCallback),
    /takes the request and a callback/,
  );
  assert.equal(calls, 0);
});

test("A comment line is sent every keepAlive milliseconds, and the parser sees no event in it", async () => {
  const { reader, stream } = await opened({}, { keepAlive: 5 });
  await within(2000, "three keep-alives", reader.until(() => reader.comments.length >= 3));
  assert.deepEqual(reader.comments.slice(0, 3), [" keep-alive", " keep-alive", " keep-alive"]);
  assert.equal(reader.events.length, 0);
  stream.close();
  await reader.toEnd();
});

test("The keep-alive timer is set once and cleared however the stream closes", async () => {
  const closings: Array<
    [string, (open: Opened, client: AbortController) => unknown]
  > = [
    ["close()", ({ stream }) => stream.close()],
    ["the reader cancels", ({ reader }) => reader.cancel()],
    ["the client disconnects", (_, client) => client.abort()],
  ];
  for (const [how, close] of closings) {
    const client = new AbortController();
    const timers = await countingIntervals(async () => {
      const open = await opened({ signal: client.signal }, { keepAlive: 1000 });
      await close(open, client);
      await open.stream.closed;
    });
    assert.equal(timers.set, 1, how);
    assert.equal(timers.active(), 0, how);
  }
  const returned = await countingIntervals(() =>
    sse(new Request(URL), () => {}, { keepAlive: 1000 }).text()
  );
  assert.equal(returned.set, 1);
  assert.equal(returned.active(), 0, "the callback returned");
  const none = await countingIntervals(async () => {
    await sse(new Request(URL), () => {}, { keepAlive: false }).text();
  });
  assert.equal(none.set, 0, "keepAlive: false sets no timer");
});

test("The default keep-alive is every 15 seconds", async () => {
  const delays: number[] = [];
  const original = globalThis.setInterval;
  globalThis.setInterval = ((handler: () => void, ms: number) => {
    delays.push(ms);
    return original(handler, ms);
  }) as typeof setInterval;
  try {
    await sse(new Request(URL), () => {}).text();
  } finally {
    globalThis.setInterval = original;
  }
  assert.deepEqual(delays, [15_000]);
});

test("stream.signal aborts and stream.closed resolves when the reader cancels", async () => {
  const { reader, stream } = await opened();
  assert.equal(stream.signal.aborted, false);
  await reader.cancel();
  await stream.closed;
  assert.equal(stream.signal.aborted, true);
  assert.equal((stream.signal.reason as DOMException).name, "AbortError");
});

test("stream.signal aborts and the body ends when the request's signal aborts (the client left)", async () => {
  const client = new AbortController();
  const { reader, stream } = await opened({ signal: client.signal });
  client.abort();
  await stream.closed;
  assert.equal(stream.signal.aborted, true);
  assert.match((stream.signal.reason as Error).message, /client disconnected/);
  await within(1000, "the body's end", reader.toEnd());
});

test("The stream closes when the callback returns, after the events it sent", async () => {
  let signal: AbortSignal | undefined;
  const text = await written(async (stream) => {
    signal = stream.signal;
    await stream.send({ data: "last" });
  });
  assert.equal(text, "data: last\n\n");
  assert.equal(signal?.aborted, true);
  assert.match((signal?.reason as Error).message, /to keep it open, await stream.closed/);
});

test("stream.close() ends the stream after what was sent, and a second close does nothing", async () => {
  const { reader, stream } = await opened();
  void stream.send({ data: "before" });
  stream.close();
  stream.close();
  await reader.toEnd();
  assert.deepEqual(reader.events.map((event) => event.data), ["before"]);
});

test("A send after the stream closed rejects with the signal's reason, and is never unhandled", async () => {
  const rejections = watchUnhandledRejections();
  try {
    const { reader, stream } = await opened();
    await reader.cancel();
    await assert.rejects(stream.send({ data: "late" }), (error) => error === stream.signal.reason);
    void stream.send({ data: "late, not awaited" });
    await settle();
    await settle();
    assert.equal(rejections.count(), 0);
  } finally {
    rejections.stop();
  }
});

test("A producer loop that never checks the signal still ends when the client leaves", async () => {
  const logger = recordingLogger();
  let sends = 0;
  let ended = false;
  const response = sse(new Request(URL), async (stream) => {
    try {
      for (;;) {
        await stream.send({ data: "tick" });
        sends++;
      }
    } finally {
      ended = true;
    }
  }, { keepAlive: false, logger });
  const reader = new EventStreamReader(response.body!);
  await reader.take(3);
  await reader.cancel();
  await within(
    1000,
    "the producer's end",
    (async () => {
      while (!ended) await settle();
    })(),
  );
  assert.ok(sends >= 3 && sends <= 5, `${sends} sends: the producer waits for the reader`);
  assert.equal(logger.entries.length, 0, "ending because the client left is not an error");
});

/** sse() read by a plain reader, which pulls nothing ahead, unlike a pipe through a decoder. */
async function openedRaw(): Promise<
  { stream: SseStream; reader: ReadableStreamDefaultReader<Uint8Array> }
> {
  let given: SseStream | undefined;
  const response = sse(new Request(URL), (stream) => {
    given = stream;
    return stream.closed;
  }, { keepAlive: false });
  await settle();
  assert.ok(given !== undefined);
  return { stream: given, reader: response.body!.getReader() };
}

test("stream.send() resolves once the reader has room, so a slow client slows the producer", async () => {
  const { reader, stream } = await openedRaw();
  const resolved: string[] = [];
  void stream.send({ data: "1" }).then(() => resolved.push("1"));
  void stream.send({ data: "2" }).then(() => resolved.push("2"));
  await settle();
  assert.deepEqual(resolved, [], "nothing was read yet");
  assert.equal(new TextDecoder().decode((await reader.read()).value), "data: 1\n\n");
  await settle();
  assert.deepEqual(resolved, [], "the second event still waits in the queue");
  assert.equal(new TextDecoder().decode((await reader.read()).value), "data: 2\n\n");
  await settle();
  assert.deepEqual(resolved, ["1", "2"]);
  stream.close();
});

test("Sends waiting for the reader reject when the client leaves and resolve when the server closes", async () => {
  const gone = await openedRaw();
  const waiting = gone.stream.send({ data: "1" });
  await gone.reader.cancel();
  await assert.rejects(waiting, (error) => error === gone.stream.signal.reason);

  const closed = await openedRaw();
  const queued = closed.stream.send({ data: "1" });
  closed.stream.close();
  await queued;
  assert.equal(new TextDecoder().decode((await closed.reader.read()).value), "data: 1\n\n");
  assert.equal((await closed.reader.read()).done, true);
});

test("Events sent without awaiting keep their order", async () => {
  const text = await written((stream) => {
    for (let index = 0; index < 5; index++) void stream.send({ data: index });
  });
  assert.equal(text, "data: 0\n\ndata: 1\n\ndata: 2\n\ndata: 3\n\ndata: 4\n\n");
});

test("stream.lastEventId is the request's Last-Event-ID, undefined without one", async () => {
  const resumed = await opened({ headers: { "last-event-id": "41" } });
  assert.equal(resumed.stream.lastEventId, "41");
  resumed.stream.close();
  const fresh = await opened();
  assert.equal(fresh.stream.lastEventId, undefined);
  fresh.stream.close();
});

test("A callback that throws closes the stream after its events and is logged once, naming the request", async () => {
  const callbacks: Array<[string, SseCallback]> = [
    ["rejects", async (stream) => {
      await stream.send({ data: "before" });
      throw new Error("boom");
    }],
    ["throws", (stream) => {
      void stream.send({ data: "before" });
      throw new Error("boom");
    }],
  ];
  for (const [how, callback] of callbacks) {
    const logger = recordingLogger();
    const response = sse(new Request(`${URL}?token=secret`), callback, {
      keepAlive: false,
      logger,
    });
    const reader = new EventStreamReader(response.body!);
    await reader.toEnd();
    assert.deepEqual(reader.events.map((event) => event.data), ["before"], how);
    await settle();
    assert.equal(logger.entries.length, 1, how);
    assert.equal(
      logger.entries[0]!.message,
      "sse() callback for GET /events threw: its event stream was closed",
    );
    assert.equal((logger.entries[0]!.error as Error).message, "boom");
  }
});

test("A callback's error goes to console.error when no logger is given", async () => {
  const original = console.error;
  const lines: unknown[][] = [];
  console.error = (...args: unknown[]) => void lines.push(args);
  try {
    await sse(new Request(URL), () => {
      throw new Error("boom");
    }, { keepAlive: false }).text();
    await settle();
  } finally {
    console.error = original;
  }
  assert.equal(lines.length, 1);
  assert.match(String(lines[0]![0]), /sse\(\) callback for GET \/events threw/);
});

test("A logger that throws does not stop the stream from closing, nor leave an unhandled rejection", async () => {
  const rejections = watchUnhandledRejections();
  try {
    const logger = {
      error() {
        throw new Error("logger down");
      },
    };
    const text = await sse(new Request(URL), () => {
      throw new Error("boom");
    }, { keepAlive: false, logger }).text();
    assert.equal(text, "");
    await settle();
    assert.equal(rejections.count(), 0);
  } finally {
    rejections.stop();
  }
});

test("A request whose client has already gone closes at once, and nothing is logged", async () => {
  const logger = recordingLogger();
  let aborted: boolean | undefined;
  const response = sse(new Request(URL, { signal: AbortSignal.abort() }), async (stream) => {
    aborted = stream.signal.aborted;
    await stream.send({ data: "nobody" });
  }, { keepAlive: 5, logger });
  assert.equal(await response.text(), "");
  await settle();
  assert.equal(aborted, true);
  assert.equal(logger.entries.length, 0);
});

test("HEAD gets the headers without a body, and the callback never runs", async () => {
  let calls = 0;
  const callback = () => {
    calls++;
  };
  const direct = sse(new Request(URL, { method: "HEAD" }), callback);
  assert.equal(direct.headers.get("content-type"), "text/event-stream");
  assert.equal(direct.body, null);

  const app = new App().get("/events", (request) => sse(request, callback));
  const head = await app.fetch(new Request(URL, { method: "HEAD" }));
  assert.equal(head.status, 200);
  assert.equal(head.headers.get("content-type"), "text/event-stream");
  assert.equal(head.headers.get("cache-control"), "no-cache");
  assert.equal(head.body, null);
  await settle();
  assert.equal(calls, 0);
});

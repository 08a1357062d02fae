import { test } from "node:test";
import assert from "node:assert/strict";
import { App, type Middleware } from "../mod.ts";
import { cors, timeout, type TimeoutState } from "../lib/middleware/mod.ts";
import {
  fakeClock,
  recordingLogger,
  request,
  settle,
  watchUnhandledRejections,
} from "./_helpers.ts";
import { hasSettled, within } from "./_reliability.ts";

/** A promise for the abort of `signal`. */
function aborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) =>
    signal.addEventListener("abort", () => resolve(), { once: true })
  );
}

test("timeout() answers 504 with a problem body when the handler is too slow, and aborts its signal", async () => {
  using clock = fakeClock();
  let signal: AbortSignal | undefined;
  const app = new App<{ state: TimeoutState }>().use(timeout(5))
    .get("/slow", async (_request, ctx) => {
      signal = ctx.state.signal;
      await aborted(ctx.state.signal);
      return new Response("too late");
    });
  const pending = Promise.resolve(app.fetch(new Request("http://localhost/slow")));
  await clock.advance(4);
  assert.equal(await hasSettled(pending), false, "not a millisecond early");
  assert.equal(signal?.aborted, false);
  await clock.advance(1);
  const response = await within(1000, pending, "an answer once the limit has passed");
  assert.equal(response.status, 504);
  assert.equal(response.headers.get("content-type"), "application/problem+json");
  assert.deepEqual(await response.json(), {
    type: "about:blank",
    title: "Gateway Timeout",
    status: 504,
    detail: "The server did not answer within 5 ms",
  });
  assert.equal(signal?.aborted, true);
  assert.ok(signal.reason instanceof DOMException);
  assert.equal(signal.reason.name, "TimeoutError");
});

test("timeout() hands on the handler's response and clears its timer when the handler is first", async () => {
  using timers = fakeClock();
  let signal: AbortSignal | undefined;
  const app = new App<{ state: TimeoutState }>().use(timeout(60_000))
    .get("/", async (_request, ctx) => {
      signal = ctx.state.signal;
      await Promise.resolve();
      return new Response("fast");
    });
  await app.ready();
  const before = timers.set();
  const response = await app.fetch(new Request("http://localhost/"));
  assert.equal(await response.text(), "fast");
  assert.equal(timers.set() - before, 1, "one timer for the async handler");
  assert.equal(timers.pending(), 0, "and it was cleared");
  assert.equal(signal?.aborted, false);
});

test("timeout() sets no timer for a handler that answers sync, and stays sync", async () => {
  using timers = fakeClock();
  const app = new App().use(timeout(1000)).get("/", () => new Response("sync"));
  await app.ready();
  const before = timers.set();
  const result = app.fetch(new Request("http://localhost/"));
  assert.ok(result instanceof Response);
  assert.equal(timers.set(), before);
});

test("timeout() drops a late rejection from a later middleware without an unhandled rejection", async () => {
  using clock = fakeClock();
  const rejections = watchUnhandledRejections();
  try {
    const late = Promise.withResolvers<void>();
    const rejectsLate: Middleware = () => async () => {
      await late.promise;
      throw new Error("too late to matter");
    };
    const logger = recordingLogger();
    const app = new App({ logger }).use(timeout(5), rejectsLate).get("/", () => new Response());
    const pending = request(app, "/");
    await clock.advance(5);
    const response = await within(1000, pending, "an answer once the limit has passed");
    assert.equal(response.status, 504);
    late.resolve();
    await settle();
    await settle();
    assert.equal(rejections.count(), 0);
    // The 504 is a 5xx the app answered, logged as such; the dropped error is not reported.
    assert.deepEqual(logger.entries.map((entry) => (entry.error as Error).message), [
      "The server did not answer within 5 ms",
    ]);
  } finally {
    rejections.stop();
  }
});

test("timeout() cancels the body of a response that comes too late", async () => {
  using clock = fakeClock();
  const late = Promise.withResolvers<void>();
  const cancelled = Promise.withResolvers<unknown>();
  const app = new App().use(timeout(5)).get("/", async () => {
    await late.promise;
    return new Response(
      new ReadableStream({ cancel: (reason) => cancelled.resolve(reason ?? "cancelled") }),
    );
  });
  const pending = request(app, "/");
  await clock.advance(5);
  const response = await within(1000, pending, "an answer once the limit has passed");
  assert.equal(response.status, 504);
  late.resolve();
  assert.ok(await cancelled.promise);
});

test("timeout() passes on a handler's error response and a middleware's rejection before the limit", async () => {
  const app = new App({ logger: recordingLogger() }).use(timeout(1000)).get("/boom", async () => {
    await Promise.resolve();
    throw new Error("boom");
  });
  assert.equal((await request(app, "/boom")).status, 500);

  const rejects: Middleware = () => async () => {
    await Promise.resolve();
    throw new Error("middleware failed");
  };
  const logger = recordingLogger();
  const failing = new App({ logger }).use(timeout(1000), rejects).get("/", () => new Response());
  assert.equal((await request(failing, "/")).status, 500);
  assert.match(logger.entries[0]!.message, /unhandled error/);
});

test("timeout()'s 504 passes back through outer middleware, which add their headers", async () => {
  using clock = fakeClock();
  const app = new App<{ state: TimeoutState }>().use(cors(), timeout(5)).get(
    "/",
    async (_request, ctx) => {
      await aborted(ctx.state.signal);
      return new Response("stopped");
    },
  );
  const pending = Promise.resolve(app.fetch(
    new Request("http://localhost/", { headers: { origin: "https://a.example" } }),
  ));
  await clock.advance(5);
  const response = await within(1000, pending, "an answer once the limit has passed");
  assert.equal(response.status, 504);
  assert.equal(response.headers.get("access-control-allow-origin"), "*");
});

test("timeout() refuses a limit that is not a whole number of milliseconds in setTimeout's range", () => {
  for (const bad of [0, -1, 1.5, Number.NaN, Infinity, 2 ** 31]) {
    assert.throws(() => timeout(bad), {
      name: "RangeError",
      message: /timeout\(\) takes a whole number of milliseconds .* pass it like timeout\(5000\)/,
    }, String(bad));
  }
  assert.doesNotThrow(() => timeout(2 ** 31 - 1));
});

test("timeout() inside another timeout hands on a signal that the outer one's limit aborts too", async () => {
  using clock = fakeClock();
  const late = Promise.withResolvers<void>();
  let signal: AbortSignal | undefined;
  const app = new App<{ state: TimeoutState }>().use(timeout(5), timeout(60_000))
    .get("/", async (_request, ctx) => {
      signal = ctx.state.signal;
      await late.promise;
      return new Response("too late");
    });
  const pending = request(app, "/");
  await clock.advance(5);
  const response = await within(1000, pending, "an answer once the limit has passed");
  assert.equal(response.status, 504);
  assert.equal(signal?.aborted, true, "the handler is told to stop when the 504 is sent");
  assert.equal((signal.reason as DOMException).name, "TimeoutError");
  late.resolve();
});

test("timeout() in a mounted app still follows the parent app's timeout", async () => {
  using clock = fakeClock();
  const late = Promise.withResolvers<void>();
  let signal: AbortSignal | undefined;
  const api = new App<{ state: TimeoutState }>().use(timeout(60_000))
    .get("/", async (_request, ctx) => {
      signal = ctx.state.signal;
      await late.promise;
      return new Response("too late");
    });
  const app = new App().use(timeout(5)).mount("/api", api);
  const pending = request(app, "/api/");
  await clock.advance(5);
  const response = await within(1000, pending, "an answer once the limit has passed");
  assert.equal(response.status, 504);
  assert.equal(signal?.aborted, true);
  late.resolve();
});

test("timeout() answers through app.onError(504), like any error the app answers", async () => {
  using clock = fakeClock();
  const never = Promise.withResolvers<Response>();
  const app = new App({ logger: recordingLogger() })
    .onError(504, (error) => new Response(`custom: ${error.message}`, { status: 504 }))
    .use(timeout(5))
    .get("/", () => never.promise);
  const pending = request(app, "/");
  await clock.advance(5);
  const response = await within(1000, pending, "an answer once the limit has passed");
  assert.equal(response.status, 504);
  assert.equal(await response.text(), "custom: The server did not answer within 5 ms");
  never.resolve(new Response());
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { App } from "../mod.ts";
import {
  fakeClock,
  ok,
  recordingLogger,
  request,
  settle,
  watchUnhandledRejections,
} from "./_helpers.ts";
import { hasSettled, within } from "./_reliability.ts";

/** A promise settled from outside, to stand for set-up that hangs until the test says so. */
function hang<T = void>(): PromiseWithResolvers<T> {
  return Promise.withResolvers<T>();
}

test("App answers 503 with Retry-After to requests waiting on a build that runs over buildTimeout", async () => {
  using clock = fakeClock();
  const rejections = watchUnhandledRejections();
  const logger = recordingLogger();
  const hung = hang();
  const app = new App({ logger, buildTimeout: 5 }).use(async (next) => {
    await hung.promise;
    return next;
  }).get("/", ok);

  const waiting = Promise.all(Array.from({ length: 20 }, () => request(app, "/")));
  await clock.advance(4);
  assert.equal(await hasSettled(waiting), false, "not a millisecond before buildTimeout");
  await clock.advance(1);
  const responses = await within(1000, waiting, "503s once buildTimeout has passed");

  assert.deepEqual(new Set(responses.map((response) => response.status)), new Set([503]));
  assert.equal(responses[0]!.headers.get("retry-after"), "1");
  assert.equal(responses[0]!.headers.get("content-type"), "application/problem+json");
  assert.equal(app.built, false);
  assert.equal(app.stats.failures, 1);
  assert.equal(logger.entries.length, 1, "the timeout is logged once, not per request");
  assert.match(logger.entries[0]!.message, /attempt 1 was abandoned/);
  assert.match(String(logger.entries[0]!.error), /buildTimeout \(5 ms\)/);
  hung.resolve();
  await settle();
  rejections.stop();
  assert.equal(rejections.count(), 0);
});

test("App.ready() rejects with an error that names buildTimeout and says what to do", async () => {
  using clock = fakeClock();
  const app = new App({ logger: recordingLogger(), buildTimeout: 5 }).onStartup(() =>
    hang().promise
  );

  const rejected = assert.rejects(app.ready(), (error: Error) => {
    assert.equal(error.name, "BuildTimeoutError");
    assert.match(error.message, /longer than buildTimeout \(5 ms\)/);
    assert.match(error.message, /raise buildTimeout/);
    return true;
  });
  await clock.advance(5);
  await within(1000, rejected, "ready() to reject once buildTimeout has passed");
});

test("App starts a fresh attempt after a timeout and serves it, never the abandoned one", async () => {
  using clock = fakeClock();
  const hung = hang();
  const opened: number[] = [];
  const closed: number[] = [];
  let calls = 0;
  const app = new App({ logger: recordingLogger(), buildTimeout: 5 }).use(async (_next, build) => {
    const attempt = ++calls;
    if (attempt === 1) await hung.promise;
    opened.push(attempt);
    build.defer(() => closed.push(attempt));
    return () => new Response(`attempt ${attempt}`);
  }).get("/", ok);

  const first = request(app, "/");
  await clock.advance(5);
  assert.equal((await within(1000, first, "a 503 after buildTimeout")).status, 503);
  const second = await request(app, "/");
  assert.equal(await second.text(), "attempt 2");

  hung.resolve();
  await settle();
  assert.deepEqual(opened, [2, 1], "the abandoned factory finished late");
  assert.deepEqual(closed, [1], "and what it opened was disposed at once");
  assert.equal(await (await request(app, "/")).text(), "attempt 2");
  assert.equal(app.stats.builds, 2);
  await app.close();
  assert.deepEqual(closed, [1, 2]);
});

test("App stops an abandoned attempt at its hung step: no later factory runs", async () => {
  using clock = fakeClock();
  const hung = hang();
  const calls: string[] = [];
  let inner = 0;
  const app = new App({ logger: recordingLogger(), buildTimeout: 5 })
    .use((next) => {
      calls.push("outer");
      return next;
    })
    .use(async (next) => {
      if (++inner === 1) await hung.promise;
      calls.push("inner");
      return next;
    })
    .get("/", ok);

  const rejected = assert.rejects(app.ready(), { name: "BuildTimeoutError" });
  await clock.advance(5);
  await within(1000, rejected, "ready() to reject once buildTimeout has passed");
  hung.resolve();
  await settle();
  assert.deepEqual(calls, ["inner"], "the outer factory of the abandoned attempt never ran");
  await app.ready();
  assert.deepEqual(calls, ["inner", "inner", "outer"]);
});

test("App undoes what an abandoned attempt's startup hooks registered before the next attempt", async () => {
  using clock = fakeClock();
  const hung = hang();
  let runs = 0;
  const app = new App({ logger: recordingLogger(), buildTimeout: 5 }).onStartup(async (app) => {
    app.get("/hooked", ok);
    if (++runs === 1) await hung.promise;
  });

  const rejected = assert.rejects(app.ready(), { name: "BuildTimeoutError" });
  await clock.advance(5);
  await within(1000, rejected, "ready() to reject once buildTimeout has passed");
  await app.ready();
  assert.equal(app.stats.routes, 1, "the route was registered once, not twice");
  assert.equal((await request(app, "/hooked")).status, 200);
  hung.resolve();
  await settle();
  assert.equal(app.stats.routes, 1);
});

test("App leaves the build alone when it settles within buildTimeout", async () => {
  using clock = fakeClock();
  const logger = recordingLogger();
  const app = new App({ logger, buildTimeout: 1_000 }).use(async (next) => {
    await Promise.resolve();
    return next;
  }).get("/", ok);

  assert.equal((await request(app, "/")).status, 200);
  assert.equal(clock.pending(), 0, "the build's timer was cleared when it settled");
  await clock.advance(1_000);
  assert.equal(app.stats.failures, 0);
  assert.equal(logger.entries.length, 0);
});

test("App refuses a buildTimeout that is not a positive number, saying what to pass", () => {
  for (
    const buildTimeout of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, "5" as unknown as number]
  ) {
    assert.throws(() => new App({ buildTimeout }), (error: Error) => {
      assert.ok(error instanceof RangeError);
      assert.match(error.message, /buildTimeout must be a positive number of milliseconds/);
      assert.match(error.message, /\{ buildTimeout: 10_000 \}/);
      return true;
    });
  }
});

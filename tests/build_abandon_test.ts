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

/** `pending`'s status once settled, or "still waiting" if it has not settled by the end of this turn. */
async function statusOrWaiting(pending: Promise<Response>): Promise<number | "still waiting"> {
  return await hasSettled(pending) ? (await pending).status : "still waiting";
}

test("App answers a request waiting on a hung build with 503 and finishes close() when closed during the hang with buildTimeout set", async () => {
  using clock = fakeClock();
  const hung = Promise.withResolvers<void>();
  const app = new App({ logger: recordingLogger(), buildTimeout: 5 }).use(async (next) => {
    await hung.promise;
    return next;
  }).get("/", ok);

  const waiting = request(app, "/");
  await settle();
  const closing = app.close();
  const both = Promise.all([waiting, closing]).then(([response]) => response);
  await clock.advance(4);
  assert.equal(await statusOrWaiting(both), "still waiting", "close() waits for the build");
  await clock.advance(1);
  const outcome = await statusOrWaiting(both);
  hung.resolve();
  assert.equal(outcome, 503, "the timeout still applies once close() was called");
});

test("App logs an abandoned attempt once, even when its hung step rejects later", async () => {
  using clock = fakeClock();
  const logger = recordingLogger();
  const hung = Promise.withResolvers<void>();
  let calls = 0;
  const app = new App({ logger, buildTimeout: 5 }).use(async (next) => {
    if (++calls === 1) await hung.promise;
    return next;
  }).get("/", ok);

  const rejected = assert.rejects(app.ready(), { name: "BuildTimeoutError" });
  await clock.advance(5);
  await within(1000, rejected, "ready() to reject once buildTimeout has passed");
  await app.ready();
  hung.reject(new Error("connect timed out"));
  await settle();
  assert.equal((await request(app, "/")).status, 200);
  assert.equal(logger.entries.length, 1, logger.entries.map((entry) => entry.message).join("\n"));
  assert.match(logger.entries[0]!.message, /attempt 1 was abandoned/);
  assert.equal(app.stats.failures, 1);
});

test("App numbers build attempts one by one after an abandoned attempt", async () => {
  using clock = fakeClock();
  const logger = recordingLogger();
  let calls = 0;
  const app = new App({ logger, buildTimeout: 5 }).use(async (next) => {
    if (++calls === 1) await new Promise(() => {});
    if (calls === 2) throw new Error("second attempt failed");
    return next;
  });

  const rejected = assert.rejects(app.ready(), { name: "BuildTimeoutError" });
  await clock.advance(5);
  await within(1000, rejected, "ready() to reject once buildTimeout has passed");
  await assert.rejects(app.ready(), /second attempt failed/);
  assert.equal(app.stats.builds, 2);
  assert.match(logger.entries[1]!.message, /\(attempt 2\)/);
});

test("App lets a startup hook keep the app it was given and call its other methods when buildTimeout is set", async () => {
  let kept: App | undefined;
  const app = new App({ buildTimeout: 1_000 }).onStartup((app) => {
    kept = app;
  }).get("/", ok);

  await app.ready();
  assert.ok(kept instanceof App);
  assert.equal(kept.built, true);
  await kept.ready();
  assert.equal((await kept.fetch(new Request("http://localhost/"))).status, 200);
  await kept.close();
  assert.equal((await request(app, "/")).status, 503);
});

test("App contains a rejection from an async build.onBuilt callback and logs it", async () => {
  const rejections = watchUnhandledRejections();
  const logger = recordingLogger();
  const app = new App({ logger }).use((next, build) => {
    build.onBuilt(async () => {
      await Promise.resolve();
      throw new Error("metrics endpoint down");
    });
    return next;
  }).get("/", ok);

  await app.ready();
  await settle();
  await settle();
  rejections.stop();
  assert.equal(rejections.count(), 0);
  assert.equal((await request(app, "/")).status, 200);
  assert.equal(logger.entries.length, 1);
  assert.match(String(logger.entries[0]!.error), /metrics endpoint down/);
});

test("App serves what a mounted app's slow startup hook registered after its parent's buildTimeout abandoned an attempt", async () => {
  using clock = fakeClock();
  const slow = Promise.withResolvers<void>();
  const child = new App({ logger: recordingLogger() }).onStartup(async (child) => {
    await slow.promise;
    child.get("/late", ok);
  });
  const parent = new App({ logger: recordingLogger(), buildTimeout: 5 }).mount("/child", child);

  const first = request(parent, "/child/late");
  await clock.advance(5);
  assert.equal((await within(1000, first, "a 503 after buildTimeout")).status, 503);
  slow.resolve();
  await settle();
  assert.equal((await request(parent, "/child/late")).status, 200);
  assert.equal(child.stats.routes, 1);
  await parent.close();
});

test("App closes a mounted app that a startup hook of an abandoned attempt mounted, once its build settles", async () => {
  using clock = fakeClock();
  const slow = Promise.withResolvers<void>();
  const opened: number[] = [];
  const closed: number[] = [];
  let runs = 0;
  const parent = new App({ logger: recordingLogger(), buildTimeout: 5 }).onStartup((app) => {
    const run = ++runs;
    app.mount(
      "/child",
      new App().use(async (next, build) => {
        if (run === 1) await slow.promise;
        opened.push(run);
        build.defer(() => {
          closed.push(run);
        });
        return next;
      }).get("/", ok),
    );
  });

  const first = request(parent, "/child");
  await clock.advance(5);
  assert.equal((await within(1000, first, "a 503 after buildTimeout")).status, 503);
  assert.equal((await request(parent, "/child")).status, 200);
  slow.resolve();
  await settle();
  await parent.close();
  assert.deepEqual(opened, [2, 1]);
  assert.deepEqual(
    closed.sort(),
    [1, 2],
    "what the abandoned attempt's mounted app opened is closed",
  );
});

test("App recovers after an abandoned attempt whose startup hook registered on a mounted app that had built", async () => {
  using clock = fakeClock();
  const logger = recordingLogger();
  const child = new App();
  let calls = 0;
  const parent = new App({ logger, buildTimeout: 5 })
    .mount("/child", child)
    .onStartup(() => {
      child.get("/hooked", ok);
    })
    .use(async (next) => {
      if (++calls === 1) await new Promise(() => {});
      return next;
    });

  const first = request(parent, "/child/hooked");
  await clock.advance(5);
  assert.equal((await within(1000, first, "a 503 after buildTimeout")).status, 503);
  assert.equal((await request(parent, "/child/hooked")).status, 200);
  assert.equal(logger.entries.length, 1, logger.entries.map((entry) => entry.message).join("\n"));
  assert.equal(child.stats.routes, 1);
  await parent.close();
});

test("App finishes close() called while a mounted app's build hangs, once its own buildTimeout runs out", async () => {
  using clock = fakeClock();
  const hung = Promise.withResolvers<void>();
  const closed: string[] = [];
  const child = new App().onStartup(async () => {
    await hung.promise;
    return () => {
      closed.push("child");
    };
  });
  const parent = new App({ logger: recordingLogger(), buildTimeout: 5 }).mount("/child", child);

  const waiting = request(parent, "/child");
  await settle();
  const both = Promise.all([waiting, parent.close()]).then(([response]) => response);
  await clock.advance(4);
  assert.equal(await statusOrWaiting(both), "still waiting", "close() waits for the build");
  await clock.advance(1);
  const outcome = await statusOrWaiting(both);
  assert.equal(outcome, 503);
  hung.resolve();
  await settle();
  assert.deepEqual(closed, ["child"], "the mounted app is closed once its build settles");
});

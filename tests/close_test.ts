import { test } from "node:test";
import assert from "node:assert/strict";
import { App } from "../mod.ts";
import { ok, recordingLogger, request, settle } from "./_helpers.ts";

test("App.close() runs every cleanup once, in reverse order, and later calls are no-ops", async () => {
  const cleaned: string[] = [];
  const app = new App();
  app.onStartup(() => () => {
    cleaned.push("hook");
  });
  app.use((next, build) => {
    build.defer(() => {
      cleaned.push("outer");
    });
    return next;
  });
  app.use((next, build) => {
    build.defer(() => {
      cleaned.push("inner");
    });
    return next;
  });
  app.get("/", ok);
  await app.ready();
  const [first, second] = [app.close(), app.close()];
  assert.equal(first, second);
  await first;
  await app.close();
  assert.deepEqual(cleaned, ["outer", "inner", "hook"]);
});

test("App.close() waits for a build in flight, then cleans it up", async () => {
  const gate = Promise.withResolvers<void>();
  const cleaned: string[] = [];
  const app = new App().use(async (next, build) => {
    await gate.promise;
    build.defer(() => {
      cleaned.push("pool");
    });
    return next;
  }).get("/", ok);
  const pending = request(app, "/");
  await settle();
  const closing = app.close();
  let closed = false;
  void closing.then(() => (closed = true));
  await settle();
  assert.equal(closed, false, "close() waits for the build");
  gate.resolve();
  await closing;
  assert.deepEqual(cleaned, ["pool"]);
  assert.equal((await pending).status, 503, "a request that waited through close() is refused");
});

test("App answers 503 after close() and refuses to build or register again", async () => {
  const app = new App().get("/", ok);
  await request(app, "/");
  await app.close();
  const response = await request(app, "/");
  assert.equal(response.status, 503);
  assert.equal((await response.json()).detail, "The app has shut down");
  await assert.rejects(app.ready(), /closed: create a new App/);
  assert.throws(() => app.get("/x", ok), /the app was closed; create a new App/);
  assert.equal(app.built, false);
});

test("App.close() on an app that never built resolves and refuses requests", async () => {
  let factoryCalls = 0;
  const app = new App().use((next) => {
    factoryCalls++;
    return next;
  });
  await app.close();
  assert.equal((await request(app, "/")).status, 503);
  assert.equal(factoryCalls, 0);
});

test("App.close() rejects with an AggregateError after running every cleanup", async () => {
  const cleaned: string[] = [];
  const app = new App();
  app.use((next, build) => {
    build.defer(() => {
      throw new Error("first");
    });
    build.defer(() => {
      cleaned.push("middle");
    });
    build.defer(() => Promise.reject(new Error("last")));
    return next;
  });
  await app.ready();
  await assert.rejects(app.close(), (error) => {
    assert.ok(error instanceof AggregateError);
    assert.deepEqual(error.errors.map((each: Error) => each.message), ["last", "first"]);
    return true;
  });
  assert.deepEqual(cleaned, ["middle"]);
});

test("App supports await using, which closes it", async () => {
  let cleaned = 0;
  {
    await using app = new App().use((next, build) => {
      build.defer(() => {
        cleaned++;
      });
      return next;
    });
    await app.ready();
  }
  assert.equal(cleaned, 1);
});

test("App runs a cleanup deferred after close() at once, instead of leaking it", async () => {
  const logger = recordingLogger();
  let deferLater: ((cleanup: () => void) => void) | undefined;
  const cleaned: string[] = [];
  const app = new App({ logger }).use((next, build) => {
    deferLater = (cleanup) => build.defer(cleanup);
    return next;
  });
  await app.ready();
  await app.close();
  deferLater!(() => {
    cleaned.push("late");
  });
  assert.deepEqual(cleaned, ["late"]);
  deferLater!(() => {
    throw new Error("late cleanup broke");
  });
  await settle();
  assert.match(logger.entries[0]!.message, /a cleanup deferred after its build ended threw/);
});

test("App.close() in the same tick as the first request stops the build before it opens anything", async () => {
  const calls = { hooks: 0, factories: 0 };
  const logger = recordingLogger();
  const app = new App({ logger }).onStartup(() => {
    calls.hooks++;
  }).use((next) => {
    calls.factories++;
    return next;
  });
  const pending = request(app, "/");
  await app.close();
  const response = await pending;
  assert.equal(response.status, 503);
  assert.equal((await response.json()).detail, "The app has shut down");
  assert.deepEqual(calls, { hooks: 0, factories: 0 });
  assert.equal(logger.entries.length, 0, "a build that close() overtook is not a failure");
});

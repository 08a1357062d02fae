import { test } from "node:test";
import assert from "node:assert/strict";
import { App } from "../mod.ts";
import { ok, recordingLogger, request, settle, watchUnhandledRejections } from "./_helpers.ts";

test("App answers 503 to every waiter when the build fails, logs once, and rejects ready()", async () => {
  const rejections = watchUnhandledRejections();
  const logger = recordingLogger();
  const failure = new Error("no database");
  const gate = Promise.withResolvers<void>();
  const app = new App({ logger }).use(async () => {
    await gate.promise;
    throw failure;
  }).get("/", ok);

  const waiting = Array.from({ length: 50 }, () => request(app, "/"));
  const ready = app.ready();
  gate.resolve();
  await assert.rejects(ready, (error) => error === failure);
  const responses = await Promise.all(waiting);

  assert.ok(responses.every((response) => response.status === 503));
  const body = await responses[0]!.json();
  assert.equal(responses[0]!.headers.get("content-type"), "application/problem+json");
  assert.equal(body.status, 503);
  assert.equal(body.title, "Service Unavailable");
  assert.ok(!JSON.stringify(body).includes("no database"), "the cause is not leaked");
  assert.equal(logger.entries.length, 1);
  assert.match(logger.entries[0]!.message, /failed to build \(attempt 1\)/);
  assert.equal(logger.entries[0]!.error, failure);
  assert.equal(app.stats.failures, 1);
  await settle();
  rejections.stop();
  assert.equal(rejections.count(), 0);
});

test("App retries a failed build on the next request, from the registrations before it", async () => {
  let attempts = 0;
  let hookRuns = 0;
  const app = new App({ logger: recordingLogger() });
  app.onStartup((app) => {
    hookRuns++;
    app.use((next) => async (request, ctx) => {
      const response = await next(request, ctx);
      response.headers.append("x-hook-middleware", String(hookRuns));
      return response;
    });
    app.get("/from-hook", ok);
    app.onError(RangeError, () => new Response("range", { status: 422 }));
  });
  app.use((next) => {
    attempts++;
    if (attempts === 1) throw new Error("first attempt fails");
    return next;
  });
  app.get("/", () => {
    throw new RangeError("bad");
  });

  assert.equal((await request(app, "/")).status, 503);
  assert.equal(app.built, false);
  const response = await request(app, "/");
  assert.equal(response.status, 422);
  assert.equal(response.headers.get("x-hook-middleware"), "2", "the middleware is there once");
  assert.equal((await request(app, "/from-hook")).status, 200);
  assert.equal(app.stats.builds, 2);
  assert.equal(app.stats.middleware, 2, "one from use(), one from the hook's second run");
  assert.equal(hookRuns, 2);
});

test("App retries a build whose first factory throws synchronously, before any await", async () => {
  let attempts = 0;
  const app = new App({ logger: recordingLogger() }).use((next) => {
    if (++attempts === 1) throw new Error("sync");
    return next;
  }).get("/", ok);
  await assert.rejects(app.ready(), /sync/);
  await app.ready();
  assert.equal((await request(app, "/")).status, 200);
});

test("App retries a build whose startup hook throws, and runs the failed attempt's cleanups", async () => {
  const cleaned: string[] = [];
  let hookRuns = 0;
  const app = new App({ logger: recordingLogger() });
  app.onStartup(() => () => {
    cleaned.push("first hook");
  });
  app.onStartup(() => {
    if (++hookRuns === 1) throw new Error("config missing");
  });
  app.get("/", ok);
  await assert.rejects(app.ready(), /config missing/);
  assert.deepEqual(cleaned, ["first hook"]);
  await app.ready();
  assert.equal(hookRuns, 2);
  await app.close();
  assert.deepEqual(cleaned, ["first hook", "first hook"]);
});

test("App runs the deferred cleanups of a failed build, newest first, and only once", async () => {
  const cleaned: string[] = [];
  let fail = true;
  const app = new App({ logger: recordingLogger() });
  app.use((next, build) => {
    build.defer(() => {
      cleaned.push("outer");
    });
    if (fail) throw new Error("outer fails");
    return next;
  });
  app.use((next, build) => {
    build.defer(async () => {
      await Promise.resolve();
      cleaned.push("inner");
    });
    return next;
  });
  app.get("/", ok);
  await assert.rejects(app.ready());
  assert.deepEqual(cleaned, ["outer", "inner"]);
  fail = false;
  await app.ready();
  await app.close();
  assert.deepEqual(cleaned, ["outer", "inner", "outer", "inner"]);
});

test("App refuses a factory that returns no handler, naming it and saying what to return", async () => {
  const logger = recordingLogger();
  const app = new App({ logger }).use(function auth() {
    return undefined as never;
  });
  await assert.rejects(
    app.ready(),
    /Middleware factory #1 \(auth\) returned undefined instead of a handler: return \(request, ctx\) => next\(request, ctx\)/,
  );
});

test("App refuses a startup hook that returns something other than a cleanup", async () => {
  const app = new App({ logger: recordingLogger() }).onStartup(() => 42 as never);
  await assert.rejects(
    app.ready(),
    /Startup hook #1 \(anonymous\) returned a number: return nothing, or a cleanup/,
  );
});

test("App reopens registration after a failed build, so the retry can take a fix", async () => {
  let fail = true;
  const app = new App({ logger: recordingLogger() }).use((next) => {
    if (fail) throw new Error("missing route table");
    return next;
  });
  await assert.rejects(app.ready());
  app.get("/added-after-failure", ok);
  fail = false;
  assert.equal((await request(app, "/added-after-failure")).status, 200);
});

test("App finishes a failed build's clean-up and rejects with its error when the logger throws", async () => {
  const cleaned: string[] = [];
  const failure = new Error("the build's own error");
  const app = new App({
    logger: {
      error() {
        throw new Error("logger down");
      },
    },
  }).use((next, build) => {
    build.defer(() => {
      cleaned.push("pool");
    });
    if (cleaned.length < 2) throw failure;
    return next;
  });
  await assert.rejects(app.ready(), (error) => error === failure);
  assert.deepEqual(cleaned, ["pool"]);
  const response = await request(app, "/");
  assert.equal(response.status, 503);
  assert.equal((await response.json()).detail, "The app could not start; retry the request later");
  assert.deepEqual(cleaned, ["pool", "pool"]);
});

test("App logs every failed attempt, even when each throws the same error object", async () => {
  const logger = recordingLogger();
  const sameError = new Error("still down");
  const app = new App({ logger }).use(() => {
    throw sameError;
  });
  for (let attempt = 0; attempt < 3; attempt++) await assert.rejects(app.ready());
  assert.equal(logger.entries.length, 3);
});

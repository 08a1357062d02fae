import { test } from "node:test";
import assert from "node:assert/strict";
import { App, type Middleware } from "../mod.ts";
import { recordingLogger, request, settle, watchUnhandledRejections } from "./_helpers.ts";

const ok = () => new Response("ok");

test("App.fetch() is an own, bound property that works detached from the app", async () => {
  const app = new App().get("/", ok);
  assert.ok(Object.hasOwn(app, "fetch"));
  const { fetch } = app;
  const response = await fetch(new Request("http://localhost/"));
  assert.equal(await response.text(), "ok");
});

test("App.fetch() builds once when 1000 first requests arrive together", async () => {
  const rejections = watchUnhandledRejections();
  const gate = Promise.withResolvers<void>();
  const calls = { hook: 0, outer: 0, inner: 0 };
  const app = new App({ logger: recordingLogger() });
  app.onStartup(async () => {
    calls.hook++;
    await gate.promise;
  });
  app.use(async (next) => {
    calls.outer++;
    await Promise.resolve();
    return next;
  });
  app.use((next) => {
    calls.inner++;
    return next;
  });
  app.get("/items/:id", (_request, ctx) => new Response(ctx.params.id));

  const pending = Array.from({ length: 1000 }, (_, index) => request(app, `/items/${index}`));
  await settle();
  assert.equal(app.built, false, "the build waits on the startup hook");
  gate.resolve();
  const responses = await Promise.all(pending);

  assert.deepEqual(calls, { hook: 1, outer: 1, inner: 1 });
  assert.equal(app.stats.builds, 1);
  const bodies = await Promise.all(responses.map((response) => response.text()));
  assert.deepEqual(bodies, Array.from({ length: 1000 }, (_, index) => String(index)));
  assert.ok(responses.every((response) => response.status === 200));
  rejections.stop();
  assert.equal(rejections.count(), 0);
});

test("App.ready() and first requests share one build", async () => {
  let factoryCalls = 0;
  const app = new App().use((next) => {
    factoryCalls++;
    return next;
  }).get("/", ok);
  const [, response] = await Promise.all([app.ready(), request(app, "/"), app.ready()]);
  await app.ready();
  assert.equal(response.status, 200);
  assert.equal(factoryCalls, 1);
  assert.equal(app.stats.builds, 1);
  assert.equal(app.built, true);
});

test("App builds in order: startup hooks, then factories innermost first, then serves", async () => {
  const order: string[] = [];
  const app = new App();
  app.onStartup(() => {
    order.push("hook 1");
  });
  app.onStartup(async () => {
    await Promise.resolve();
    order.push("hook 2");
  });
  const named = (name: string): Middleware => async (next) => {
    await Promise.resolve();
    order.push(`factory ${name}`);
    return (request, ctx) => {
      order.push(`request ${name}`);
      return next(request, ctx);
    };
  };
  app.use(named("first"), named("second"));
  app.use(named("third"));
  app.get("/", () => {
    order.push("handler");
    return ok();
  });
  await request(app, "/");
  assert.deepEqual(order, [
    "hook 1",
    "hook 2",
    "factory third",
    "factory second",
    "factory first",
    "request first",
    "request second",
    "request third",
    "handler",
  ]);
});

test("App takes middleware, routes and error handlers registered by a startup hook", async () => {
  class Gone extends Error {}
  const app = new App();
  app.onStartup((app) => {
    app.use((next) => async (request, ctx) => {
      const response = await next(request, ctx);
      response.headers.set("x-from-hook", "yes");
      return response;
    });
    app.get("/late", () => {
      throw new Gone();
    });
    app.onError(Gone, () => new Response("gone", { status: 410 }));
  });
  const response = await request(app, "/late");
  assert.equal(response.status, 410);
  assert.equal(await response.text(), "gone");
  assert.equal(response.headers.get("x-from-hook"), "yes");
});

test("App runs a startup hook that a startup hook registered, in the same build", async () => {
  const order: string[] = [];
  const app = new App().onStartup((app) => {
    order.push("outer");
    app.onStartup(() => {
      order.push("inner");
    });
  });
  await app.ready();
  assert.deepEqual(order, ["outer", "inner"]);
});

test("App serves a built request without awaiting: a sync handler's response is returned sync", async () => {
  const app = new App().use((next) => (request, ctx) => next(request, ctx)).get("/", ok);
  await app.ready();
  const result = app.fetch(new Request("http://localhost/"));
  assert.ok(result instanceof Response, "no promise on the built path of a sync stack");
  assert.equal(await result.text(), "ok");
});

test("App calls the first registered middleware outermost", async () => {
  const seen: number[] = [];
  const app = new App();
  for (const index of [1, 2, 3]) {
    app.use((next) => (request, ctx) => {
      seen.push(index);
      return next(request, ctx);
    });
  }
  app.get("/", ok);
  await request(app, "/");
  await request(app, "/");
  assert.deepEqual(seen, [1, 2, 3, 1, 2, 3]);
});

test("App refuses registration after the build has started, saying what to do", async () => {
  const gate = Promise.withResolvers<void>();
  const app = new App().onStartup(() => gate.promise).get("/", ok);
  const building = app.ready();
  const expected =
    /after the app has started: register it before the first request or app\.ready\(\), or in a startup hook/;
  // During the startup hooks registration is still open; once frozen, it throws.
  gate.resolve();
  await building;
  assert.throws(() => app.use((next) => next), expected);
  assert.throws(() => app.get("/x", ok), expected);
  assert.throws(() => app.post("/x", ok), expected);
  assert.throws(() => app.on("PUT", "/x", ok), expected);
  assert.throws(() => app.all("/x", ok), expected);
  assert.throws(() => app.mount("/sub", ok), expected);
  assert.throws(() => app.onError(Error, ok), expected);
  assert.throws(() => app.onStartup(() => {}), expected);
});

test("App refuses registration from a middleware factory, which runs after the freeze", async () => {
  const app = new App().get("/", ok);
  let thrown: unknown;
  app.use((next, build) => {
    try {
      build.app.get("/late", ok);
    } catch (error) {
      thrown = error;
    }
    return next;
  });
  await app.ready();
  assert.match(String(thrown), /Cannot add the route GET "\/late" after the app has started/);
  assert.equal((await request(app, "/late")).status, 404);
});

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

test("App.stats tells whether it built, how many builds ran and how long the last took", async () => {
  const app = new App({ logger: recordingLogger() });
  let fail = true;
  app.use((next) => {
    if (fail) throw new Error("once");
    return next;
  });
  app.get("/", ok).get("/a/:id", ok);
  assert.deepEqual(app.stats, {
    builds: 0,
    failures: 0,
    lastBuildMs: undefined,
    middleware: 0,
    routes: 0,
  });
  await assert.rejects(app.ready());
  fail = false;
  await app.ready();
  const stats = app.stats;
  assert.equal(stats.builds, 2);
  assert.equal(stats.failures, 1);
  assert.equal(stats.middleware, 1);
  assert.equal(stats.routes, 2);
  assert.equal(typeof stats.lastBuildMs, "number");
  assert.ok(stats.lastBuildMs! >= 0);
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

test("App refuses a startup hook that waits on its own build, instead of hanging", async () => {
  const logger = recordingLogger();
  const seen: unknown[] = [];
  // Each call is made in the hook's synchronous part, where it can be told apart
  // from a request arriving from outside; the README says a hook must not await them.
  const app = new App({ logger }).onStartup(async (app) => {
    const ready = app.ready();
    const fetched = app.fetch(new Request("http://localhost/"));
    const closing = app.close();
    await ready.catch((error: Error) => seen.push(error.message));
    seen.push((await fetched).status);
    await closing.catch((error: Error) => seen.push(error.message));
  }).get("/", ok);
  await app.ready();
  const refusal =
    /was called from a startup hook while this app is building: the build waits for the hook, so awaiting it would never end/;
  assert.match(String(seen[0]), refusal);
  assert.equal(seen[1], 503);
  assert.match(String(seen[2]), refusal);
  assert.equal((await request(app, "/")).status, 200, "the build went on and serves");
  assert.equal(app.stats.builds, 1);
  assert.match(logger.entries[0]!.message, refusal);
});

test("App refuses a mounted app's startup hook that waits on its parent's build", async () => {
  let refused: unknown;
  const parent = new App();
  const child = new App().onStartup(async () => {
    await parent.ready().catch((error) => (refused = error));
  });
  parent.mount("/c", child);
  await parent.ready();
  assert.match(String(refused), /called from a startup hook while this app is building/);
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

test("App runs at once a cleanup deferred after the app closed, instead of leaking it", async () => {
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

test("App logs every failed attempt, even when each throws the same error object", async () => {
  const logger = recordingLogger();
  const sameError = new Error("still down");
  const app = new App({ logger }).use(() => {
    throw sameError;
  });
  for (let attempt = 0; attempt < 3; attempt++) await assert.rejects(app.ready());
  assert.equal(logger.entries.length, 3);
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

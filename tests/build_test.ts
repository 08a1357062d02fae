import { test } from "node:test";
import assert from "node:assert/strict";
import { App, type Middleware } from "../mod.ts";
import { ok, recordingLogger, request, settle, watchUnhandledRejections } from "./_helpers.ts";

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

test("App keeps registration open while startup hooks run, then refuses it, saying what to do", async () => {
  const gate = Promise.withResolvers<void>();
  const hookRunning = Promise.withResolvers<void>();
  const app = new App().onStartup(() => {
    hookRunning.resolve();
    return gate.promise;
  }).get("/", ok);
  const building = app.ready();
  await hookRunning.promise;
  app.get("/during-hooks", ok);
  gate.resolve();
  await building;
  assert.equal((await request(app, "/during-hooks")).status, 200);
  const expected =
    /after the app has started: register it before the first request or app\.ready\(\), or in a startup hook/;
  assert.throws(() => app.use((next) => next), expected);
  assert.throws(() => app.get("/x", ok), expected);
  assert.throws(() => app.post("/x", ok), expected);
  assert.throws(() => app.on("PUT", "/x", ok), expected);
  assert.throws(
    () => app.all("/x", ok),
    /Cannot add the route ALL "\/x" after the app has started/,
  );
  assert.throws(() => app.mount("/sub", ok), expected);
  assert.throws(() => app.onError(Error, ok), expected);
  assert.throws(() => app.onStartup(() => {}), expected);
});

test("App refuses registration from a middleware factory, which runs after the freeze", async () => {
  const app = new App().get("/", ok);
  let thrown: unknown;
  app.use((next, build) => {
    try {
      // build.app is typed without registration methods; at run time it is the App, which refuses.
      (build.app as App).get("/late", ok);
    } catch (error) {
      thrown = error;
    }
    return next;
  });
  await app.ready();
  assert.match(String(thrown), /Cannot add the route GET "\/late" after the app has started/);
  assert.equal((await request(app, "/late")).status, 404);
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

test("App calls build.onBuilt callbacks once the build succeeded, with its stats, before serving", async () => {
  const seen: { builds: number; lastBuildMs: number | undefined; middleware: number }[] = [];
  let servedBeforeCallback = false;
  const app = new App().use((next, build) => {
    build.onBuilt((stats) => {
      servedBeforeCallback = served > 0;
      seen.push({
        builds: stats.builds,
        lastBuildMs: stats.lastBuildMs,
        middleware: stats.middleware,
      });
    });
    return next;
  }).get("/", () => {
    served++;
    return new Response("ok");
  });
  let served = 0;

  await Promise.all([request(app, "/"), request(app, "/")]);

  assert.equal(seen.length, 1);
  assert.equal(seen[0]!.builds, 1);
  assert.equal(seen[0]!.middleware, 1);
  assert.ok(seen[0]!.lastBuildMs !== undefined && seen[0]!.lastBuildMs >= 0);
  assert.equal(servedBeforeCallback, false);
});

test("App fails the build when a build.onBuilt callback throws, and retries", async () => {
  let calls = 0;
  const app = new App({ logger: recordingLogger() }).use((next, build) => {
    build.onBuilt(() => {
      if (++calls === 1) throw new Error("metrics down");
    });
    return next;
  }).get("/", ok);

  assert.equal((await request(app, "/")).status, 503);
  assert.equal((await request(app, "/")).status, 200);
  assert.equal(calls, 2);
});

test("build.onBuilt refuses a non-function, saying what it takes", async () => {
  const app = new App({ logger: recordingLogger() }).use((next, build) => {
    build.onBuilt("log" as unknown as () => void);
    return next;
  });

  await assert.rejects(app.ready(), /build\.onBuilt\(\) takes a function \(stats\) => void, got/);
});

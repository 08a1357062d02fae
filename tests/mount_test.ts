import { test } from "node:test";
import assert from "node:assert/strict";
import { Hono } from "hono";
import { App } from "../mod.ts";
import { recordingLogger, request, text } from "./_helpers.ts";

test("App.mount() serves another App under a prefix, with its middleware only there", async () => {
  const order: string[] = [];
  const api = new App()
    .use((next) => (request, ctx) => {
      order.push(`api middleware ${ctx.path}`);
      return next(request, ctx);
    })
    .get("/", text("api root"))
    .get("/users/:id", (_request, ctx) => new Response(`user ${ctx.params.id}`));
  const app = new App()
    .use((next) => (request, ctx) => {
      order.push(`root middleware ${ctx.path}`);
      return next(request, ctx);
    })
    .get("/", text("root"))
    .mount("/api", api);
  assert.equal(await (await request(app, "/api/users/7")).text(), "user 7");
  assert.equal(await (await request(app, "/api")).text(), "api root");
  assert.equal(await (await request(app, "/")).text(), "root");
  assert.equal((await request(app, "/api/nope")).status, 404);
  assert.equal((await request(app, "/apix")).status, 404);
  assert.deepEqual(order, [
    "root middleware /api/users/7",
    "api middleware /users/7",
    "root middleware /api",
    "api middleware /",
    "root middleware /",
    "root middleware /api/nope",
    "api middleware /nope",
    "root middleware /apix",
  ]);
  assert.equal(api.built, true, "the mounted app is built inside the parent's build");
});

test("App.mount() builds a mounted App inside the parent's build, once", async () => {
  let childFactories = 0;
  let childHooks = 0;
  const child = new App().onStartup(() => {
    childHooks++;
  }).use((next) => {
    childFactories++;
    return next;
  }).get("/", text("child"));
  const app = new App().mount("/child", child);
  await Promise.all(Array.from({ length: 20 }, () => request(app, "/child")));
  assert.equal(childFactories, 1);
  assert.equal(childHooks, 1);
  assert.throws(() => child.get("/late", text("late")), /after the app has started/);
});

test("App.mount() lets a mounted App's own error handlers win, and falls back to the parent's", async () => {
  class Teapot extends Error {}
  class Missing extends Error {}
  const child = new App()
    .onError(Teapot, () => new Response("child teapot", { status: 418 }))
    .get("/teapot", () => {
      throw new Teapot();
    })
    .get("/missing", () => {
      throw new Missing();
    });
  const app = new App()
    .onError(Teapot, () => new Response("parent teapot", { status: 418 }))
    .onError(Missing, () => new Response("parent missing", { status: 404 }))
    .mount("/c", child);
  assert.equal(await (await request(app, "/c/teapot")).text(), "child teapot");
  assert.equal(await (await request(app, "/c/missing")).text(), "parent missing");
});

test("App.mount() closes a mounted App's cleanups with the parent", async () => {
  const cleaned: string[] = [];
  const child = new App().use((next, build) => {
    build.defer(() => {
      cleaned.push("child");
    });
    return next;
  });
  const app = new App().use((next, build) => {
    build.defer(() => {
      cleaned.push("parent");
    });
    return next;
  }).mount("/c", child);
  await app.ready();
  await app.close();
  assert.deepEqual(cleaned, ["parent", "child"]);
  assert.equal((await request(child, "/")).status, 503);
});

test("App.mount() rebuilds a mounted App cleanly when the parent's build fails", async () => {
  let parentAttempts = 0;
  let childHooks = 0;
  const cleaned: string[] = [];
  const child = new App().onStartup((app) => {
    childHooks++;
    app.get("/from-hook", text("hooked"));
    return () => {
      cleaned.push("child hook");
    };
  });
  const app = new App({ logger: { error() {} } }).use((next) => {
    if (++parentAttempts === 1) throw new Error("parent fails once");
    return next;
  }).mount("/c", child);
  await assert.rejects(app.ready(), /parent fails once/);
  assert.deepEqual(cleaned, ["child hook"]);
  assert.equal(await (await request(app, "/c/from-hook")).text(), "hooked");
  assert.equal(childHooks, 2);
});

test("App.mount() forwards to a fetch handler with the prefix removed from the URL", async () => {
  const seen: string[] = [];
  const foreign = (request: Request, env: unknown) => {
    seen.push(`${request.method} ${new URL(request.url).pathname}${new URL(request.url).search}`);
    return new Response(`foreign ${String(env)}`);
  };
  const app = new App().mount("/static", foreign);
  const response = await app.fetch(new Request("http://localhost/static/css/a.css?v=2"), "env");
  assert.equal(await response.text(), "foreign env");
  await request(app, "/static", { method: "POST", body: "x" });
  assert.deepEqual(seen, ["GET /css/a.css?v=2", "POST /"]);
});

test("App.mount() at / hands every unmatched path to the target", async () => {
  const app = new App().get("/own", text("own")).mount(
    "/",
    (request) => new Response(`fallback ${new URL(request.url).pathname}`),
  );
  assert.equal(await (await request(app, "/own")).text(), "own");
  assert.equal(await (await request(app, "/other/x")).text(), "fallback /other/x");
  assert.equal(await (await request(app, "/")).text(), "fallback /");
});

test("App.mount() recovers when a startup hook mounts an app and the first build fails", async () => {
  let attempts = 0;
  const logger = recordingLogger();
  const child = new App().get("/", text("child"));
  const app = new App({ logger }).onStartup((app) => {
    app.mount("/c", child);
    if (++attempts === 1) throw new Error("transient");
  });
  assert.equal((await request(app, "/c")).status, 503);
  const response = await request(app, "/c");
  assert.equal(response.status, 200);
  assert.equal(await response.text(), "child");
  assert.equal(logger.entries.length, 1);
});

test("App.mount() strips an encoded or non-ASCII prefix by segments, however the client spelled it", async () => {
  const seen: string[] = [];
  const handler = (request: Request) => {
    seen.push(new URL(request.url).pathname);
    return new Response();
  };
  const child = new App().get(
    "/users/:id",
    (_request, ctx) => new Response(`user ${ctx.params.id}`),
  );
  const app = new App().mount("/café", handler).mount("/a b", handler).mount("/api", child);
  await request(app, "/caf%C3%A9/x");
  await request(app, "/a%20b/y");
  assert.deepEqual(seen, ["/x", "/y"]);
  assert.equal(await (await request(app, "/%61pi/users/7")).text(), "user 7");
});

test("App.mount() at / serves a mounted App under every path no other route takes", async () => {
  const child = new App().get("/", text("child root")).get(
    "/x/:id",
    (_request, ctx) => new Response(`x ${ctx.params.id}`),
  );
  const app = new App().get("/own", text("own")).mount("/", child);
  assert.equal(await (await request(app, "/")).text(), "child root");
  assert.equal(await (await request(app, "/x/1")).text(), "x 1");
  assert.equal(await (await request(app, "/own")).text(), "own");
  assert.equal(app.stats.routes, 2, "a route and a mount");
});

test("App.mount() shares ctx.state between the parent's middleware and the mounted app", async () => {
  const child = new App().get("/", (_request, ctx) => new Response(String(ctx.state.user)));
  const app = new App().use((next) => (request, ctx) => {
    ctx.state.user = "ada";
    return next(request, ctx);
  }).mount("/c", child);
  assert.equal(await (await request(app, "/c")).text(), "ada");
});

test("App.mount() keeps the parent's error handlers behind a child that was built first", async () => {
  class Missing extends Error {}
  const child = new App().get("/", () => {
    throw new Missing();
  });
  const app = new App().onError(Missing, () => new Response("parent handled", { status: 404 }))
    .mount("/c", child);
  await child.ready();
  assert.equal(await (await request(app, "/c")).text(), "parent handled");
});

test("App.mount() answers 503 under the prefix once the mounted app is closed on its own", async () => {
  const child = new App().get("/", text("child"));
  const app = new App().get("/", text("parent")).mount("/c", child);
  assert.equal((await request(app, "/c")).status, 200);
  await child.close();
  assert.equal((await request(app, "/c")).status, 503);
  assert.equal((await request(app, "/")).status, 200);
});

test("App.mount() answers 503 under the prefix of an app closed before the parent's first build", async () => {
  let childFactories = 0;
  const child = new App().use((next) => {
    childFactories++;
    return next;
  });
  const app = new App().get("/", text("parent")).mount("/c", child);
  await child.close();
  assert.equal((await request(app, "/c")).status, 503);
  assert.equal((await request(app, "/")).status, 200, "the rest of the parent serves");
  assert.equal(childFactories, 0);
});

test("App.mount() logs a mounted app's failed build once, not again for the parent", async () => {
  const logger = recordingLogger();
  const child = new App({ logger }).use(() => {
    throw new Error("child broke");
  });
  const app = new App({ logger }).mount("/c", child);
  assert.equal((await request(app, "/c")).status, 503);
  assert.equal(logger.entries.length, 1);
  assert.equal(child.built, false);
});

test("App.close() closes mounted apps even when the parent never built", async () => {
  const child = new App();
  const app = new App().mount("/c", child);
  await app.close();
  assert.equal((await request(child, "/")).status, 503);
});

test("App.mount() leaves a mounted app unbuilt after the parent's build fails", async () => {
  const child = new App().get("/", text("child"));
  const app = new App({ logger: { error() {} } }).use(() => {
    throw new Error("parent broke");
  }).mount("/c", child);
  await assert.rejects(app.ready());
  assert.equal(child.built, false);
});

test("App.mount() retries cleanly after a parent's startup hook registered on the child and the build failed", async () => {
  let attempts = 0;
  const child = new App();
  const app = new App({ logger: recordingLogger() }).mount("/c", child).onStartup(() => {
    child.get("/users", text("users"));
    if (++attempts === 1) throw new Error("transient");
  });
  await assert.rejects(app.ready(), /transient/);
  await app.ready();
  assert.equal(await (await request(app, "/c/users")).text(), "users");
});

test("App.close() reports a mounted app's cleanup error once", async () => {
  const child = new App().use((next, build) => {
    build.defer(() => {
      throw new Error("child pool");
    });
    return next;
  });
  const app = new App().mount("/c", child);
  await app.ready();
  await assert.rejects(app.close(), (error) => {
    assert.ok(error instanceof AggregateError);
    assert.equal(error.errors.length, 1);
    return true;
  });
});

test("App.mount() keeps the parent serving when a child is closed during the parent's build", async () => {
  const childHook = Promise.withResolvers<void>();
  const childHookRunning = Promise.withResolvers<void>();
  const child = new App().onStartup(() => {
    childHookRunning.resolve();
    return childHook.promise;
  }).get("/", text("child"));
  const app = new App().get("/", text("parent")).mount("/c", child);
  const building = app.ready();
  await childHookRunning.promise;
  const closing = child.close();
  childHook.resolve();
  await building;
  await closing;
  assert.equal((await request(app, "/")).status, 200);
  assert.equal((await request(app, "/c")).status, 503);
});

test("App.close() during a build closes an app that a startup hook mounted", async () => {
  const secondHook = Promise.withResolvers<void>();
  const secondHookRunning = Promise.withResolvers<void>();
  const child = new App().get("/", text("child"));
  const app = new App({ logger: recordingLogger() });
  app.onStartup((app) => {
    app.mount("/c", child);
  });
  app.onStartup(() => {
    secondHookRunning.resolve();
    return secondHook.promise;
  });
  const building = app.ready().catch(() => {});
  await secondHookRunning.promise;
  const closing = app.close();
  secondHook.resolve();
  await Promise.all([building, closing]);
  assert.equal((await request(child, "/")).status, 503);
});

test("App.mount() serves a Hono app's fetch under a prefix", async () => {
  const hono = new Hono();
  hono.get("/hello/:name", (c) => c.text(`hono says hi to ${c.req.param("name")}`));
  hono.post("/echo", async (c) => c.text(await c.req.text()));
  const app = new App().get("/", text("latch")).mount("/hono", hono.fetch);
  assert.equal(await (await request(app, "/hono/hello/ada")).text(), "hono says hi to ada");
  const echoed = await request(app, "/hono/echo", { method: "POST", body: "a body" });
  assert.equal(await echoed.text(), "a body");
  assert.equal((await request(app, "/hono/missing")).status, 404);
  assert.equal(await (await request(app, "/")).text(), "latch");
});

test("App.mount() lets the parent's middleware read, after next(), what the mounted app put in ctx.state", async () => {
  const child = new App().use((next) => (request, ctx) => {
    ctx.state.setBy = "child";
    return next(request, ctx);
  }).get("/", text("child"));
  const app = new App().use((next) => async (request, ctx) => {
    const response = await next(request, ctx);
    return new Response(String(ctx.state.setBy), response);
  }).mount("/c", child);
  assert.equal(await (await request(app, "/c")).text(), "child");
});

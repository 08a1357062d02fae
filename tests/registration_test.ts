import { test } from "node:test";
import assert from "node:assert/strict";
import { App } from "../mod.ts";
import { ok } from "./_helpers.ts";

test("App refuses a route path without a leading slash and says how to write it", () => {
  assert.throws(
    () => new App().get("users" as string, ok),
    {
      name: "TypeError",
      message:
        'Route path must be a string starting with "/", got "users": write it as "/users/:id"',
    },
  );
});

test("App refuses a wildcard that is not the whole last segment", () => {
  assert.throws(() => new App().get("/a/*/b", ok), /a wildcard may only be the last segment/);
  assert.throws(() => new App().get("/a/b*", ok), /a wildcard is a whole last segment/);
});

test("App refuses a bad or repeated param name", () => {
  assert.throws(() => new App().get("/a/:", ok), /has a param named "": name params with letters/);
  assert.throws(() => new App().get("/a/:x-y", ok), /param named "x-y"/);
  assert.throws(() => new App().get("/a/:id/b/:id", ok), /uses the param ":id" twice/);
});

test("App refuses a route registered twice, even with other param names", () => {
  const app = new App().get("/users/:id", ok);
  assert.throws(
    () => app.get("/users/:userId", ok),
    /Route GET "\/users\/:userId" clashes with the route GET "\/users\/:id" \(paths that differ only in param names or in percent-encoding are the same\)/,
  );
  app.post("/users/:id", ok);
  app.all("/any", ok);
  assert.throws(() => app.all("/any", ok), /Route ALL "\/any" clashes with the route ALL "\/any"/);
});

test("App refuses non-function handlers, middleware, hooks and error handlers, naming what it got", () => {
  const app = new App();
  assert.throws(
    () => app.get("/", "hello" as never),
    /Route handler for GET "\/" must be a function \(request, ctx\) => Response, got a string/,
  );
  assert.throws(
    () => app.use({} as never),
    /app\.use\(\) takes middleware factories, \(next, build\) => handler, but argument #1 is an object \(Object\)/,
  );
  assert.throws(
    () => app.onStartup(null as never),
    /app\.onStartup\(\) takes a function \(app\) => cleanup\?, got null/,
  );
  assert.throws(
    () => app.onError(Error, undefined as never),
    /app\.onError\(\) takes a handler \(error, request, ctx\) => Response, got undefined/,
  );
});

test("App refuses an error handler key that is neither an Error class nor an error status", () => {
  const app = new App();
  assert.throws(
    () => app.onError(200, ok),
    /keyed by an Error class or a status from 400 to 599, got 200/,
  );
  assert.throws(() => app.onError(Date as never, ok), /keyed by an Error class/);
  app.onError(404, ok);
  assert.throws(() => app.onError(404, ok), /An error handler for 404 is already registered/);
});

test("App refuses an invalid method token", () => {
  assert.throws(
    () => new App().on("GE T", "/", ok),
    /Route method must be an HTTP method token such as "GET", got "GE T"/,
  );
  assert.throws(() => new App().on([], "/", ok), /needs at least one method/);
});

test("App.mount() refuses a prefix with a trailing slash, a param or a wildcard", () => {
  const app = new App();
  for (const prefix of ["/api/", "/:tenant", "/files/*", "api"]) {
    assert.throws(
      () => app.mount(prefix, ok),
      /Mount prefix must be a path such as "\/api", without a trailing "\/", params or "\*"/,
      prefix,
    );
  }
});

test("App.mount() refuses to mount an app in itself, or something that is not a handler", () => {
  const app = new App();
  assert.throws(
    () => app.mount("/self", app),
    /Cannot mount an app in itself \(at "\/self"\): mount another App/,
  );
  assert.throws(() => app.mount("/x", 42 as never), /takes an App or a fetch handler/);
});

test("App.mount() refuses an app that has started", async () => {
  const started = new App();
  await started.ready();
  assert.throws(
    () => new App().mount("/started", started),
    /Cannot mount an app at "\/started": it has started; mount it before its first request or ready\(\)/,
  );
});

test("App.mount() refuses an app mounted elsewhere, and a second target at one prefix", () => {
  const child = new App();
  const app = new App().mount("/one", child);
  assert.throws(
    () => new App().mount("/two", child),
    /Cannot mount an app at "\/two": it is already mounted elsewhere; create one App per mount point/,
  );
  assert.throws(
    () => app.mount("/one", ok),
    /Cannot mount at "\/one": the mount at "\/one" is already there; mount one target per prefix/,
  );
});

test("build.defer() refuses a non-function cleanup", async () => {
  const app = new App({ logger: { error() {} } }).use((next, build) => {
    build.defer("not a function" as never);
    return next;
  });
  await assert.rejects(app.ready(), /build\.defer\(\) takes a cleanup function, got a string/);
});

test("App refuses a duplicate route spelled with another percent-encoding, at registration", () => {
  const app = new App().get("/café", ok);
  assert.throws(
    () => app.get("/caf%C3%A9", ok),
    /Route GET "\/caf%C3%A9" clashes with the route GET "\/café"/,
  );
});

test("App refuses an ALL route on a mounted prefix, naming the mount", () => {
  const app = new App().mount("/api", new App());
  assert.throws(
    () => app.all("/api/*", ok),
    /Route ALL "\/api\/\*" clashes with the mount at "\/api"/,
  );
});

test("App.mount() refuses an app that was closed, saying so", async () => {
  const closed = new App();
  await closed.close();
  assert.throws(
    () => new App().mount("/c", closed),
    /Cannot mount an app at "\/c": it was closed; create a new App/,
  );
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { App, HttpError, type Middleware } from "../mod.ts";
import { serverTiming } from "../lib/middleware/mod.ts";
import { recordingLogger, request } from "./_helpers.ts";

const APP_ONLY = /^app;dur=\d+(\.\d)?$/;

test("serverTiming() reports the build on the first response only, then the app's time alone", async () => {
  const app = new App().use(serverTiming()).get("/", () => new Response("ok"));
  const first = (await request(app, "/")).headers.get("server-timing")!;
  const match = /^app;dur=(\d+(?:\.\d)?), build;dur=(\d+(?:\.\d)?)$/.exec(first);
  assert.ok(match, first);
  assert.equal(Number(match[2]), Math.round(app.stats.lastBuildMs! * 10) / 10);
  for (let index = 0; index < 3; index++) {
    assert.match((await request(app, "/")).headers.get("server-timing")!, APP_ONLY);
  }
});

test("serverTiming() times the handler, to 0.1 ms", async () => {
  const app = new App().use(serverTiming({ build: false })).get("/slow", async () => {
    const until = performance.now() + 15;
    while (performance.now() < until) await Promise.resolve();
    return new Response("done");
  });
  const header = (await request(app, "/slow")).headers.get("server-timing")!;
  assert.match(header, APP_ONLY);
  assert.ok(Number(header.slice("app;dur=".length)) >= 15, header);
});

test("serverTiming() keeps the handler's own metrics and adds its own after them", async () => {
  const app = new App().use(serverTiming({ name: "total", build: false }))
    .get("/", () => new Response("", { headers: { "server-timing": "db;dur=3.5" } }));
  const header = (await request(app, "/")).headers.get("server-timing")!;
  assert.match(header, /^db;dur=3\.5, total;dur=\d+(\.\d)?$/);
});

test("serverTiming() times error responses and copies immutable ones", async () => {
  const app = new App({ logger: recordingLogger() }).use(serverTiming({ build: false }))
    .get("/boom", () => {
      throw new Error("boom");
    })
    .get("/redirect", () => Response.redirect("http://localhost/", 307));
  for (const [path, status] of [["/boom", 500], ["/missing", 404], ["/redirect", 307]] as const) {
    const response = await request(app, path);
    assert.equal(response.status, status);
    assert.match(response.headers.get("server-timing")!, APP_ONLY, path);
  }
});

test("serverTiming() reports each new build once, on the first response after it", async () => {
  let fail = true;
  const app = new App({ logger: recordingLogger() }).use(serverTiming(), (next) => {
    if (fail) throw new Error("not yet");
    return next;
  }).get("/", () => new Response());
  assert.equal((await request(app, "/")).status, 503, "the first build fails");
  fail = false;
  assert.match((await request(app, "/")).headers.get("server-timing")!, /, build;dur=/);
  assert.match((await request(app, "/")).headers.get("server-timing")!, APP_ONLY);
});

test("serverTiming() stays sync for a sync handler", async () => {
  const app = new App().use(serverTiming()).get("/", () => new Response());
  await app.ready();
  assert.ok(app.fetch(new Request("http://localhost/")) instanceof Response);
});

test("serverTiming() refuses a metric name that is not a token", () => {
  assert.throws(() => serverTiming({ name: "app time" }), {
    name: "TypeError",
    message: /token like "app" or "db-query"/,
  });
});

test("serverTiming() adds its metric, once, to an HttpError thrown by a later middleware", async () => {
  const unauthorized = new HttpError(401, "Log in");
  const refuse: Middleware = () => () => {
    throw unauthorized;
  };
  const app = new App().use(serverTiming({ build: false }), refuse).get("/", () => new Response());
  for (let index = 0; index < 3; index++) {
    const response = await request(app, "/");
    assert.equal(response.status, 401);
    assert.match(
      response.headers.get("server-timing") ?? "",
      APP_ONLY,
      "one metric, not one per throw",
    );
  }
});

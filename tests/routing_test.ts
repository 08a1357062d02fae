import { test } from "node:test";
import assert from "node:assert/strict";
import { App } from "../mod.ts";
import { request, text } from "./_helpers.ts";

test("App routes each method helper to its own handler", async () => {
  const app = new App()
    .get("/r", text("get"))
    .post("/r", text("post"))
    .put("/r", text("put"))
    .patch("/r", text("patch"))
    .delete("/r", text("delete"))
    .options("/r", text("options"));
  for (const method of ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
    const response = await request(app, "/r", { method });
    assert.equal(await response.text(), method.toLowerCase(), method);
  }
});

test("App.on() takes one method or several, in any case", async () => {
  const app = new App().on(["put", "PATCH"], "/r", (request) => new Response(request.method))
    .on("post", "/p", text("post"));
  assert.equal(await (await request(app, "/r", { method: "PUT" })).text(), "PUT");
  assert.equal(await (await request(app, "/r", { method: "PATCH" })).text(), "PATCH");
  assert.equal(await (await request(app, "/p", { method: "POST" })).text(), "post");
});

test("App.all() answers every method, unknown ones included", async () => {
  const app = new App().all("/any", (request) => new Response(request.method));
  for (const method of ["GET", "POST", "DELETE", "PROPFIND"]) {
    assert.equal(await (await request(app, "/any", { method })).text(), method);
  }
});

test("App gives handlers decoded params and the trailing wildcard", async () => {
  const app = new App()
    .get("/users/:id/posts/:post", (_request, ctx) => Response.json(ctx.params))
    .get("/files/*", (_request, ctx) => new Response(ctx.params["*"]));
  const params = await (await request(app, "/users/a%20b/posts/caf%C3%A9")).json();
  assert.deepEqual(params, { id: "a b", post: "café" });
  assert.equal(await (await request(app, "/files/docs/a.txt")).text(), "docs/a.txt");
  assert.equal(await (await request(app, "/files/")).text(), "");
  assert.equal((await request(app, "/files")).status, 404);
});

test("App keeps an encoded slash inside its param instead of splitting on it", async () => {
  const app = new App().get("/files/:name", (_request, ctx) => new Response(ctx.params.name));
  assert.equal(await (await request(app, "/files/a%2Fb")).text(), "a/b");
});

test("App answers 400 with a problem body for a malformed percent-encoding", async () => {
  const app = new App().get("/users/:id", text("user"));
  const response = await request(app, "/users/%E0%A4%A");
  assert.equal(response.status, 400);
  assert.equal(response.headers.get("content-type"), "application/problem+json");
  assert.equal((await response.json()).status, 400);
});

test("App prefers a static segment, then a param, then a wildcard", async () => {
  const app = new App()
    .get("/users/me", text("static"))
    .get("/users/:id", text("param"))
    .get("/users/*", text("wildcard"));
  assert.equal(await (await request(app, "/users/me")).text(), "static");
  assert.equal(await (await request(app, "/users/7")).text(), "param");
  assert.equal(await (await request(app, "/users/7/more")).text(), "wildcard");
});

test("App falls through a static route without the method to a param route that has it", async () => {
  const app = new App().get("/users/me", text("me")).post("/users/:id", text("post by id"));
  const response = await request(app, "/users/me", { method: "POST" });
  assert.equal(await response.text(), "post by id");
});

test("App answers 404 with a problem body when no route matches", async () => {
  const app = new App().get("/a", text("a"));
  const response = await request(app, "/b");
  assert.equal(response.status, 404);
  assert.equal(response.headers.get("content-type"), "application/problem+json");
  assert.deepEqual(await response.json(), {
    type: "about:blank",
    title: "Not Found",
    status: 404,
    detail: "No route for /b",
  });
});

test("App treats a trailing slash and a double slash as different paths", async () => {
  const app = new App().get("/a", text("a")).get("/a/:id", text("id"));
  assert.equal((await request(app, "/a/")).status, 404);
  assert.equal((await request(app, "/a//")).status, 404);
  assert.equal((await request(app, "//a")).status, 404);
});

test("App answers 405 with an Allow header when the path matches under other methods", async () => {
  const app = new App().get("/r", text("get")).post("/r", text("post"));
  const response = await request(app, "/r", { method: "DELETE" });
  assert.equal(response.status, 405);
  assert.equal(response.headers.get("allow"), "GET, HEAD, POST, OPTIONS");
  assert.equal((await response.json()).status, 405);
});

test("App serves HEAD with the GET route, without the body", async () => {
  let calls = 0;
  const app = new App().get("/r", () => {
    calls++;
    return new Response("body", { headers: { "x-custom": "1" } });
  }).get("/async", async () => {
    await Promise.resolve();
    return new Response("async body");
  });
  const response = await request(app, "/r", { method: "HEAD" });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("x-custom"), "1");
  assert.equal(response.body, null);
  assert.equal(calls, 1);
  assert.equal((await request(app, "/async", { method: "HEAD" })).body, null);
});

test("App uses a HEAD route over the GET route when both exist", async () => {
  const app = new App().get("/r", text("get")).on(
    "HEAD",
    "/r",
    () => new Response(null, { headers: { "x-head": "own" } }),
  );
  const response = await request(app, "/r", { method: "HEAD" });
  assert.equal(response.headers.get("x-head"), "own");
});

test("App answers OPTIONS with 204 and Allow when no route claims it", async () => {
  const app = new App().get("/r", text("get")).put("/r", text("put"));
  const response = await request(app, "/r", { method: "OPTIONS" });
  assert.equal(response.status, 204);
  assert.equal(response.headers.get("allow"), "GET, HEAD, PUT, OPTIONS");
  assert.equal((await request(app, "/nothing", { method: "OPTIONS" })).status, 404);
});

test("App gives middleware no params and the handler its route's params", async () => {
  const seen: unknown[] = [];
  const app = new App().use((next) => (request, ctx) => {
    seen.push({ ...ctx.params });
    return next(request, ctx);
  }).get("/u/:id", (_request, ctx) => {
    seen.push({ ...ctx.params });
    return new Response();
  });
  await request(app, "/u/1");
  assert.deepEqual(seen, [{}, { id: "1" }]);
});

test("App gives params a null prototype, so __proto__ is just a name", async () => {
  let prototype: unknown = "not called";
  const app = new App().get("/p/:__proto__/:constructor", (_request, ctx) => {
    prototype = Object.getPrototypeOf(ctx.params);
    return Response.json({ proto: ctx.params.__proto__, ctor: ctx.params.constructor });
  });
  const response = await request(app, "/p/polluted/x");
  assert.deepEqual(await response.json(), { proto: "polluted", ctor: "x" });
  assert.equal(prototype, null);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test("App gives each request a fresh ctx.state and the runtime's extra fetch arguments", async () => {
  const statesSeen: unknown[] = [];
  const appsSeen: unknown[] = [];
  const app = new App().use((next) => (request, ctx) => {
    statesSeen.push({ ...ctx.state });
    ctx.state.seen = true;
    return next(request, ctx);
  }).get("/", (_request, ctx) => {
    appsSeen.push(ctx.app);
    return Response.json({ env: ctx.env, waits: typeof ctx.executionContext?.waitUntil });
  });
  const env = { DB: "binding" };
  const executionContext = { waitUntil: () => {} };
  const response = await app.fetch(new Request("http://localhost/?q=1"), env, executionContext);
  assert.deepEqual(await response.json(), { env, waits: "function" });
  assert.deepEqual(await (await request(app, "/")).json(), { waits: "undefined" });
  assert.deepEqual(statesSeen, [{}, {}], "the second request does not see the first one's state");
  assert.deepEqual(appsSeen, [app, app]);
});

test("App ignores the query string and fragment when routing", async () => {
  const app = new App().get("/search", (request) => new Response(new URL(request.url).search));
  assert.equal(await (await request(app, "/search?q=a/b#frag")).text(), "?q=a/b");
});

test("App matches a root wildcard at the root path", async () => {
  const app = new App().get("/*", (_request, ctx) => new Response(`rest "${ctx.params["*"]}"`));
  assert.equal(await (await request(app, "/")).text(), 'rest ""');
  assert.equal(await (await request(app, "/a/b")).text(), 'rest "a/b"');
});

test("App strips the body of HEAD from a GET handler that returns a thenable", async () => {
  const app = new App().get("/", () =>
    ({
      then(resolve: (response: Response) => void) {
        resolve(new Response("BODY"));
      },
    }) as unknown as Response);
  const response = await request(app, "/", { method: "HEAD" });
  assert.equal(response.status, 200);
  assert.equal(response.body, null);
});

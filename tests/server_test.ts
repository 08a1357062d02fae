import { test } from "node:test";
import assert from "node:assert/strict";
import { App } from "../mod.ts";
import { runtime, serve } from "./_serve.ts";

test(`App behind ${runtime}'s server builds once for a burst of 200 concurrent first requests`, async () => {
  let factoryCalls = 0;
  let hookCalls = 0;
  const gate = Promise.withResolvers<void>();
  const buildStarted = Promise.withResolvers<void>();
  const app = new App();
  app.onStartup(() => {
    hookCalls++;
  });
  app.use(async (next) => {
    factoryCalls++;
    buildStarted.resolve();
    await gate.promise;
    return (request, ctx) => next(request, ctx);
  });
  app.get("/users/:id", (_request, ctx) => Response.json({ id: ctx.params.id }));
  const server = serve(app.fetch);
  try {
    const responses = Array.from(
      { length: 200 },
      (_, index) => fetch(`${server.url}/users/${index}`),
    );
    // The build waits until a request has reached the app and started it.
    await buildStarted.promise;
    gate.resolve();
    const bodies = await Promise.all(
      responses.map(async (pending) => {
        const response = await pending;
        assert.equal(response.status, 200);
        return (await response.json()).id;
      }),
    );
    assert.deepEqual(bodies, Array.from({ length: 200 }, (_, index) => String(index)));
    assert.equal(factoryCalls, 1);
    assert.equal(hookCalls, 1);
    assert.equal(app.stats.builds, 1);
  } finally {
    await server.stop();
    await app.close();
  }
});

test(`App behind ${runtime}'s server gets the runtime's second fetch argument as ctx.env`, async () => {
  const app = new App().get("/", (_request, ctx) => {
    const env = ctx.env as object | undefined;
    return new Response(env === undefined ? "none" : "present");
  });
  const server = serve(app.fetch);
  try {
    const response = await fetch(`${server.url}/`);
    assert.equal(await response.text(), "present");
  } finally {
    await server.stop();
  }
});

test(`App behind ${runtime}'s server answers HEAD without a body and errors as problem+json`, async () => {
  const app = new App({ logger: { error() {} } }).get("/", () => new Response("hello")).get(
    "/boom",
    () => {
      throw new Error("secret");
    },
  );
  const server = serve(app.fetch);
  try {
    const head = await fetch(`${server.url}/`, { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(await head.text(), "");
    const boom = await fetch(`${server.url}/boom`);
    assert.equal(boom.status, 500);
    assert.equal(boom.headers.get("content-type"), "application/problem+json");
    assert.ok(!(await boom.text()).includes("secret"));
  } finally {
    await server.stop();
  }
});

// Hono and latch, both ways, as the README's migration does it: a Hono app
// mounted in latch (`app.mount("/legacy", hono.fetch)`), and a latch app
// mounted in Hono (`hono.mount("/new", app.fetch)`). Through fetch, and
// through serve() over HTTP.
import { test } from "node:test";
import assert from "node:assert/strict";
import { Hono } from "hono";
import { App } from "../mod.ts";
import { requestId, type RequestIdState } from "../lib/middleware/mod.ts";
import { serve } from "../lib/serve/mod.ts";
import { recordingLogger } from "./_helpers.ts";

/** The legacy Hono app: params, a body, its own middleware and 404, and `c.env`. */
function legacyHono(): Hono<{ Bindings: { region?: string } }> {
  const hono = new Hono<{ Bindings: { region?: string } }>();
  hono.use(async (c, next) => {
    await next();
    c.header("x-served-by", "hono");
  });
  hono.get(
    "/users/:id",
    (c) => c.json({ id: c.req.param("id"), from: "hono" }),
  );
  hono.post("/echo", async (c) => c.text(await c.req.text()));
  hono.get("/region", (c) => c.text(c.env?.region ?? "none"));
  return hono;
}

test("A Hono app mounted in latch answers its routes under the prefix, with latch's middleware around it", async () => {
  const app = new App<{ state: RequestIdState; env: { region: string } }>()
    .use(requestId())
    .get(
      "/users/:id",
      (_request, ctx) => Response.json({ id: ctx.params.id, from: "latch" }),
    )
    .mount("/legacy", legacyHono().fetch);
  const env = { region: "eu-west" };
  const call = (path: string, init?: RequestInit) =>
    app.fetch(new Request(`http://localhost${path}`, init), env);

  const fromHono = await call("/legacy/users/7");
  assert.deepEqual(await fromHono.json(), { id: "7", from: "hono" });
  assert.equal(
    fromHono.headers.get("x-served-by"),
    "hono",
    "Hono's middleware ran",
  );
  assert.match(
    fromHono.headers.get("x-request-id") ?? "",
    /^[\w-]+$/,
    "latch's ran around it",
  );
  assert.deepEqual(await (await call("/users/7")).json(), {
    id: "7",
    from: "latch",
  });
  const echoed = await call("/legacy/echo", { method: "POST", body: "a body" });
  assert.equal(await echoed.text(), "a body");
  assert.equal(
    await (await call("/legacy/region")).text(),
    "eu-west",
    "ctx.env is Hono's c.env",
  );
  const missing = await call("/legacy/nope");
  assert.equal(missing.status, 404);
  assert.equal(
    missing.headers.get("x-served-by"),
    "hono",
    "Hono answered its own 404",
  );
  await app.close();
});

test("A latch app mounted in Hono answers its routes under the prefix, built once for concurrent first requests", async () => {
  let builds = 0;
  const latch = new App({ logger: recordingLogger() })
    .use(async (next) => {
      builds++;
      await Promise.resolve();
      return next;
    })
    .get(
      "/users/:id",
      (_request, ctx) => Response.json({ id: ctx.params.id, from: "latch" }),
    )
    .get("/boom", () => {
      throw new Error("secret");
    });
  const hono = new Hono();
  hono.use(async (c, next) => {
    await next();
    c.header("x-served-by", "hono");
  });
  hono.get("/old", (c) => c.text("still Hono"));
  hono.mount("/new", latch.fetch);

  const responses = await Promise.all(
    Array.from(
      { length: 20 },
      (_, index) => hono.request(`/new/users/${index}`),
    ),
  );
  assert.deepEqual(
    await Promise.all(
      responses.map(async (response) => (await response.json()).id),
    ),
    Array.from({ length: 20 }, (_, index) => String(index)),
  );
  assert.equal(builds, 1, "one build for all of them");
  assert.equal(
    responses[0]!.headers.get("x-served-by"),
    "hono",
    "Hono's middleware ran around it",
  );
  assert.equal(await (await hono.request("/old")).text(), "still Hono");
  const missing = await hono.request("/new/nope");
  assert.equal(missing.status, 404);
  assert.equal(
    missing.headers.get("content-type"),
    "application/problem+json",
    "latch's 404",
  );
  const boom = await hono.request("/new/boom");
  assert.equal(boom.status, 500);
  assert.doesNotMatch(
    await boom.text(),
    /secret/,
    "latch's 500 shows no message",
  );
  await latch.close();
});

test("A Hono app mounted in latch is served by serve() over HTTP", async () => {
  const app = new App().get("/", () => new Response("latch")).mount(
    "/legacy",
    legacyHono().fetch,
  );
  const server = serve(app, { port: 0, onListen() {} });
  try {
    const url = await server.url;
    assert.deepEqual(await (await fetch(`${url}/legacy/users/1`)).json(), {
      id: "1",
      from: "hono",
    });
    assert.equal(await (await fetch(`${url}/`)).text(), "latch");
  } finally {
    await server.shutdown();
  }
});

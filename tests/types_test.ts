// Type-level tests: `deno check tests/` fails if an expectation below stops
// holding. Each is also a runtime test so that both runners count it.
import { test } from "node:test";
import assert from "node:assert/strict";
import {
  App,
  type AppTypes,
  type Context,
  type Handler,
  type HttpError,
  type Middleware,
  type RouteParams,
} from "../mod.ts";

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true
  : false;
function expectType<T extends true>(value: T): T {
  return value;
}

test("RouteParams types each :param and a trailing * as a string", () => {
  expectType<Equal<RouteParams<"/users/:id">, { id: string }>>(true);
  expectType<Equal<RouteParams<"/a/:x/b/:y">, { x: string; y: string }>>(true);
  expectType<Equal<RouteParams<"/files/*">, { "*": string }>>(true);
  expectType<Equal<RouteParams<"/static">, Record<never, never>>>(true);
  expectType<Equal<RouteParams<string>, Record<string, string>>>(true);
  const params: RouteParams<"/users/:id/*"> = { id: "1", "*": "rest" };
  assert.deepEqual(params, { id: "1", "*": "rest" });
});

test("App.get() types ctx.params from the path and rejects a missing param", async () => {
  const app = new App().get("/users/:id", (_request, ctx) => {
    const id: string = ctx.params.id;
    // @ts-expect-error: the route has no :name param
    const name: string = ctx.params.name;
    return Response.json({ id, name: name ?? null });
  });
  app.post("/orgs/:org/members/:member", (_request, ctx) => {
    expectType<Equal<typeof ctx.params, { org: string; member: string }>>(true);
    return new Response();
  });
  const response = await app.fetch(new Request("http://localhost/users/7"));
  assert.deepEqual(await response.json(), { id: "7", name: null });
});

test("App accepts a plain (request) => Response as a handler", async () => {
  const plain = (request: Request) => new Response(request.method);
  const app = new App().get("/", plain);
  assert.equal(await (await app.fetch(new Request("http://localhost/"))).text(), "GET");
});

test("App.fetch fits Deno.serve's handler type and a Worker's fetch, and answers through them", async () => {
  const app = new App<{ env: { DB: string } }>().get(
    "/",
    (_request, ctx) => new Response(ctx.env.DB),
  );
  // Deno's own type: `deno check` fails here if app.fetch stops fitting Deno.serve.
  const deno: Deno.ServeHandler = app.fetch;
  type WorkerFetch = (
    request: Request,
    env: { DB: string },
    ctx: { waitUntil(promise: Promise<unknown>): void },
  ) => Response | Promise<Response>;
  const worker: WorkerFetch = app.fetch;
  const exported: { fetch: Deno.ServeHandler } = app;
  const response = await worker(new Request("http://localhost/"), { DB: "d1" }, {
    waitUntil() {},
  });
  assert.equal(await response.text(), "d1");
  assert.equal(deno, exported.fetch);
});

test("Context and Handler default to string params", () => {
  const handler: Handler = (_request, ctx: Context) => {
    expectType<Equal<typeof ctx.params, Record<string, string>>>(true);
    return new Response(ctx.params.anything ?? "none");
  };
  assert.equal(typeof handler, "function");
});

test("App<{ state, env }> types ctx.state and ctx.env in middleware, handlers and error handlers", async () => {
  interface Pool {
    query(sql: string): string;
  }
  const app = new App<{ state: { pool: Pool; user?: string }; env: { region: string } }>();
  app.use((next) => (request, ctx) => {
    ctx.state.pool = { query: (sql) => `ran ${sql}` };
    // @ts-expect-error: user is a string, not a number
    ctx.state.user = 42;
    ctx.state.user = request.headers.get("x-user") ?? "guest";
    return next(request, ctx);
  });
  app.get("/", (_request, ctx) => {
    expectType<Equal<typeof ctx.env, { region: string }>>(true);
    // @ts-expect-error: the state declares no such key
    void ctx.state.missing;
    return Response.json({ result: ctx.state.pool.query("select 1"), region: ctx.env.region });
  });
  app.onError(
    RangeError,
    (error, _request, ctx) => new Response(`${error.message} ${ctx.state.user}`),
  );
  const response = await app.fetch(new Request("http://localhost/"), { region: "eu" });
  assert.deepEqual(await response.json(), { result: "ran select 1", region: "eu" });
});

test("App.onError() types a status key's error: unknown for 500, HttpError for the others", () => {
  const app = new App();
  app.onError(500, (error) => {
    // @ts-expect-error: a 500 handler also gets thrown non-Errors, so narrow first
    void error.message;
    return new Response(error instanceof Error ? error.message : String(error), { status: 500 });
  });
  app.onError(404, (error) => {
    expectType<Equal<typeof error.status, number>>(true);
    return new Response(null, { status: error.status });
  });
  assert.ok(app instanceof App);
});

test("A middleware written generically fits an app with declared state", async () => {
  function poweredBy<T extends AppTypes>(name: string): Middleware<T> {
    return (next) => async (request, ctx) => {
      const response = await next(request, ctx);
      const stamped = new Response(response.body, response);
      stamped.headers.set("x-powered-by", name);
      return stamped;
    };
  }
  const app = new App<{ state: { user: string } }>().use(poweredBy("latch")).get(
    "/",
    () => new Response("ok"),
  );
  const response = await app.fetch(new Request("http://localhost/"));
  assert.equal(response.headers.get("x-powered-by"), "latch");
});

test("A typed app mounts in an untyped one and the other way round", async () => {
  const typed = new App<{ state: { user: string } }>().get(
    "/",
    (_request, ctx) => new Response(ctx.state.user ?? "nobody"),
  );
  const untyped = new App().mount("/t", typed);
  const outer = new App<{ env: { region: string } }>().mount("/u", untyped);
  assert.equal(await (await outer.fetch(new Request("http://localhost/u/t"))).text(), "nobody");
});

test("App.onError(500) refuses a handler that assumes the error is an Error", () => {
  const app = new App();
  // @ts-expect-error: a 500 handler gets unknown; annotating it as HttpError must not slip through
  app.onError(500, (error: HttpError) => new Response(String(error.status)));
  app.onError(503, (error: HttpError) => new Response(String(error.status)));
  assert.ok(app instanceof App);
});

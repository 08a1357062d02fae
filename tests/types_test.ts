// Type-level tests: `deno check tests/` fails if an expectation below stops
// holding. Each is also a runtime test so that both runners count it.
import { test } from "node:test";
import assert from "node:assert/strict";
import { App, type Context, type Handler, type RouteParams } from "../mod.ts";

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

test("App.fetch fits Deno.serve, Bun.serve and a Worker's fetch", () => {
  const app = new App();
  type DenoHandler = (
    request: Request,
    info: { remoteAddr: unknown },
  ) => Response | Promise<Response>;
  type BunFetch = (request: Request, server: { port: number }) => Response | Promise<Response>;
  type WorkerFetch = (
    request: Request,
    env: { DB: string },
    ctx: { waitUntil(promise: Promise<unknown>): void },
  ) => Response | Promise<Response>;
  const deno: DenoHandler = app.fetch;
  const bun: BunFetch = app.fetch;
  const worker: WorkerFetch = app.fetch;
  const exported: { fetch: DenoHandler } = app;
  assert.equal(typeof deno, "function");
  assert.equal(typeof bun, "function");
  assert.equal(typeof worker, "function");
  assert.equal(exported.fetch, app.fetch);
});

test("Context and Handler default to string params", () => {
  const handler: Handler = (_request, ctx: Context) => {
    expectType<Equal<typeof ctx.params, Record<string, string>>>(true);
    return new Response(ctx.params.anything ?? "none");
  };
  assert.equal(typeof handler, "function");
});

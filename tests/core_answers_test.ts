import { test } from "node:test";
import assert from "node:assert/strict";
import { App, BuildTimeoutError, HttpError } from "../mod.ts";
import { ok, recordingLogger, request, settle, text } from "./_helpers.ts";

test("App answers a 405 through an onError(Error) catch-all with the router's Allow header kept", async () => {
  const app = new App({ logger: recordingLogger() }).get("/items", ok).post("/items", ok);
  app.onError(
    Error,
    (error) =>
      Response.json({ caught: error instanceof HttpError ? error.status : 500 }, {
        status: error instanceof HttpError ? error.status : 500,
      }),
  );
  const response = await request(app, "/items", { method: "DELETE" });
  assert.equal(response.status, 405);
  assert.deepEqual(await response.json(), { caught: 405 });
  assert.equal(response.headers.get("allow"), "GET, HEAD, POST, OPTIONS");
});

test("App keeps the Allow header an error handler set itself on a 405", async () => {
  const app = new App().get("/items", ok);
  app.onError(405, () => new Response("no", { status: 405, headers: { allow: "GET" } }));
  const response = await request(app, "/items", { method: "PUT" });
  assert.equal(response.headers.get("allow"), "GET");
});

test("App never writes an error's headers into a Response an error handler returns again", async () => {
  const shared = new Response(null, { status: 405 });
  const app = new App().get("/items", ok).onError(405, () => shared.clone());
  const response = await request(app, "/items", { method: "PUT" });
  assert.equal(response.headers.get("allow"), "GET, HEAD, OPTIONS");
  assert.equal(shared.headers.has("allow"), false);
});

test("App answers its own 503s through onError(503): a failed build, and once closed", async () => {
  const seen: string[] = [];
  const app = new App({ logger: recordingLogger() }).get("/", ok);
  app.onError(503, (error) => {
    seen.push(error.message);
    return new Response("custom 503", { status: 503 });
  });
  let fail = true;
  app.use((next) => {
    if (fail) throw new Error("pool down");
    return next;
  });
  const failed = await request(app, "/");
  assert.equal(failed.status, 503);
  assert.equal(await failed.text(), "custom 503");
  fail = false;
  assert.equal((await request(app, "/")).status, 200);
  await app.close();
  const closed = await request(app, "/");
  assert.equal(await closed.text(), "custom 503");
  assert.deepEqual(seen, [
    "The app could not start; retry the request later",
    "The app has shut down",
  ]);
});

test("App answers a timed-out build through onError(503) and keeps its Retry-After", async () => {
  const logger = recordingLogger();
  const app = new App({ logger, buildTimeout: 5 }).get("/", ok);
  const hung = Promise.withResolvers<void>();
  app.onStartup(() => hung.promise);
  app.onError(503, () => new Response("starting", { status: 503 }));
  const response = await request(app, "/");
  assert.equal(await response.text(), "starting");
  assert.equal(response.headers.get("retry-after"), "1");
  hung.resolve();
  await app.close();
});

/** Deno's Request constructor refuses CONNECT (the Fetch standard forbids it); Bun's accepts it. */
const refusesConnect = (() => {
  try {
    new Request("http://localhost/", { method: "CONNECT" });
    return false;
  } catch {
    return true;
  }
})();

test(
  "App answers a CONNECT for a mounted fetch handler with 501 through onError(501), unlogged, where Request refuses CONNECT",
  {
    skip: !refusesConnect,
  },
  async () => {
    const logger = recordingLogger();
    const app = new App({ logger }).mount("/legacy", () => new Response("legacy"));
    app.onError(501, (error) => new Response(`custom: ${error.message}`, { status: 501 }));
    await app.ready();
    // A Request cannot say CONNECT; Deno's server can hand one in. A Proxy stands in for it.
    const connect = new Proxy(new Request("http://localhost/legacy/x"), {
      get: (target, key) => key === "method" ? "CONNECT" : Reflect.get(target, key, target),
    });
    const response = await app.fetch(connect);
    assert.equal(response.status, 501);
    assert.match(await response.text(), /^custom: CONNECT requests cannot be forwarded/);
    assert.deepEqual(logger.entries, []);
  },
);

test("App logs a message without an error object as the message alone, with no stray undefined", async () => {
  const calls: unknown[][] = [];
  const app = new App({ logger: { error: (...args: unknown[]) => calls.push(args) } });
  app.use(() => () => undefined as unknown as Response).get("/", ok);
  assert.equal((await request(app, "/")).status, 500);
  assert.equal(calls.length, 1);
  assert.equal(calls[0]?.length, 1, "called with the message only");
  assert.match(String(calls[0]?.[0]), /did you forget to return next\(request, ctx\)\?$/);
});

test("App still hands a thrown undefined to the logger, as the error it is", async () => {
  const calls: unknown[][] = [];
  const app = new App({ logger: { error: (...args: unknown[]) => calls.push(args) } });
  app.get("/", () => {
    throw undefined;
  });
  assert.equal((await request(app, "/")).status, 500);
  assert.equal(calls[0]?.length, 2);
});

test("App.ready() rejects with the exported BuildTimeoutError, logged under its public name", async () => {
  const logger = recordingLogger();
  const app = new App({ logger, buildTimeout: 5 });
  const hung = Promise.withResolvers<void>();
  app.onStartup(() => hung.promise);
  const error = await app.ready().catch((error: unknown) => error);
  assert.ok(error instanceof BuildTimeoutError);
  assert.equal(error.name, "BuildTimeoutError");
  assert.equal(error.constructor.name, "BuildTimeoutError");
  assert.ok(logger.entries.some((entry) => entry.error === error));
  hung.resolve();
  await app.close();
});

test("App fails the build of Hono-style middleware (c, next) => ... with a message showing latch's shape", async () => {
  const logger = recordingLogger();
  const app = new App({ logger }).get("/", ok);
  // The shape Hono and Koa use; typed loosely, as JavaScript or a hasty cast would pass it.
  const honoStyle = async (_c: unknown, next: () => Promise<void>) => {
    await next();
  };
  app.use(honoStyle as never);
  const error = await app.ready().catch((error: unknown) => error);
  assert.ok(error instanceof TypeError);
  assert.match(error.message, /Middleware factory #1 \(honoStyle\) called its second argument/);
  assert.match(error.message, /\(next, build\) => \(request, ctx\) => next\(request, ctx\)/);
  assert.equal((await request(app, "/")).status, 503);
});

test("App recovers from a hung build inside a mounted app once the parent's buildTimeout abandons it", async () => {
  const logger = recordingLogger();
  let factoryRuns = 0;
  const hung = Promise.withResolvers<void>();
  const child = new App({ logger }).use(async (next) => {
    if (++factoryRuns === 1) await hung.promise;
    return next;
  }).get("/", text("child"));
  const parent = new App({ logger, buildTimeout: 5 }).mount("/child", child);
  assert.equal((await request(parent, "/child")).status, 503);
  const second = await request(parent, "/child");
  assert.equal(second.status, 200, "the next attempt built the mounted app afresh");
  assert.equal(await second.text(), "child");
  assert.equal(factoryRuns, 2);
  hung.resolve();
  await settle();
  assert.equal(
    (await request(parent, "/child")).status,
    200,
    "the hung build, settled, is not served",
  );
  assert.equal(factoryRuns, 2);
  await parent.close();
});

test("App leaves a mounted app's own, shorter buildTimeout to abandon its build", async () => {
  const logger = recordingLogger();
  let factoryRuns = 0;
  const child = new App({ logger, buildTimeout: 2 }).use(async (next) => {
    if (++factoryRuns === 1) await new Promise(() => {});
    return next;
  }).get("/", ok);
  const parent = new App({ logger, buildTimeout: 1_000 }).mount("/child", child);
  assert.equal((await request(parent, "/child")).status, 503, "the child's own limit ran out");
  assert.equal((await request(parent, "/child")).status, 200);
  assert.equal(factoryRuns, 2);
  await parent.close();
});

// Route options at registration (what is refused, and how it is said),
// what build.routes shows of them, ValidationError and HttpError extensions
// on their own, validated routes over a real socket, and app.request().
import { test } from "node:test";
import assert from "node:assert/strict";
import { z } from "zod";
import { type as ark } from "arktype";
import { App, HttpError, type RouteInfo, type StandardSchemaV1, ValidationError } from "../mod.ts";
import { recordingLogger, watchUnhandledRejections } from "./_helpers.ts";
import { serve } from "./_serve.ts";

const ok = () => new Response("ok");
const title = z.object({ title: z.string().min(1) });

test("A route option that is not a Standard Schema throws a TypeError saying what to pass", () => {
  for (const part of ["params", "query", "headers", "body"]) {
    assert.throws(
      () => new App().post("/todos", { [part]: { title: "string" } } as never, ok),
      (error: Error) => {
        assert.ok(error instanceof TypeError);
        assert.match(
          error.message,
          new RegExp(`^Route POST "/todos": option ${part} must be a Standard Schema`),
        );
        assert.match(error.message, /z\.object/);
        return true;
      },
    );
  }
  // A function is no schema either, unless it is one (an arktype type is a function).
  assert.throws(() => new App().get("/", { query: (() => {}) as never }, ok), TypeError);
  new App().get("/", { query: ark({ q: "string" }) }, ok);
});

test("Unknown options, wrong documentation fields and misplaced arguments are refused at registration", () => {
  const cases: [() => unknown, RegExp][] = [
    [
      () => new App().post("/x", { bdy: title } as never, ok),
      /unknown option "bdy"; the options are params, query, headers, body, bodyLimit/,
    ],
    [
      () => new App().post("/x", { summary: 1 } as never, ok),
      /option summary must be a string, got a number/,
    ],
    [
      () => new App().post("/x", { tags: ["a", 2] } as never, ok),
      /option tags must be an array of strings/,
    ],
    [
      () => new App().post("/x", { deprecated: "yes" } as never, ok),
      /option deprecated must be a boolean/,
    ],
    [
      () => new App().post("/x", { body: title, bodyLimit: -1 }, ok),
      /option bodyLimit must be a whole number of bytes/,
    ],
    [
      () => new App().post("/x", { body: title, bodyLimit: 1.5 }, ok),
      /option bodyLimit must be a whole number of bytes/,
    ],
    [
      () => new App().post("/x", { bodyLimit: 10 }, ok),
      /bodyLimit applies to a validated body; add a body schema, or limit every body with the bodyLimit\(\) middleware/,
    ],
    [
      () => new App().post("/x", { responses: { 99: title } } as never, ok),
      /option responses must be keyed by statuses/,
    ],
    [
      () => new App().post("/x", { responses: { 200: "ok" } } as never, ok),
      /option responses\[200\] must be a Standard Schema or \{ description\?, schema\?, contentType\? \}/,
    ],
    [
      () => new App().get("/x", { body: title } as never, ok),
      /Route GET "\/x": a GET request has no body to validate; validate the query instead/,
    ],
    [() => new App().on(["GET", "POST"], "/x", { body: title }, ok), /a GET request has no body/],
    [
      () => new App().post("/x", { body: title } as never),
      /has options but no handler: pass \(request, ctx\) => Response after the options/,
    ],
    [
      () => new App().post("/x", [title] as never, ok),
      /the argument before the handler must be an options object/,
    ],
  ];
  for (const [register, message] of cases) {
    assert.throws(register, (error: Error) => {
      assert.ok(error instanceof TypeError, `${error}`);
      assert.match(error.message, message);
      return true;
    });
  }
  // A handler that is not a function still gets the registry's own message.
  assert.throws(() => new App().post("/x", { body: title }, "nope" as never), /must be a function/);
});

test("Options registered after the start throw like any other registration", async () => {
  const app = new App().get("/", ok);
  await app.ready();
  assert.throws(
    () => app.post("/late", { body: title }, ok),
    /Cannot add the route POST "\/late" after the app has started/,
  );
});

test("build.routes shows each route's options as a frozen copy, and undefined for a route without", async () => {
  const options = { body: title, summary: "Create", tags: ["todos"] };
  let routes: readonly RouteInfo[] = [];
  const app = new App()
    .use((next, build) => {
      routes = build.routes;
      return next;
    })
    .post("/todos", options, ok)
    .get("/health", ok)
    .all("/any", { summary: "Any" }, ok);
  await app.ready();
  assert.deepEqual(routes.map(({ method, path }) => `${method} ${path}`), [
    "POST /todos",
    "GET /health",
    "* /any",
  ]);
  assert.deepEqual(routes[0]?.options, options);
  assert.notEqual(
    routes[0]?.options,
    options,
    "a copy: later changes to the object do not leak in",
  );
  assert.ok(Object.isFrozen(routes[0]?.options));
  assert.equal(routes[1]?.options, undefined);
  options.summary = "Changed";
  assert.equal(routes[0]?.options?.summary, "Create");
});

test("A route with options but no schema is not wrapped: its handler answers as registered, sync", async () => {
  const app = new App().get(
    "/docs-only",
    { summary: "Just documented" },
    (_request, ctx) => new Response(String("valid" in ctx)),
  );
  await app.ready();
  const response = app.fetch(new Request("http://localhost/docs-only"));
  assert.ok(response instanceof Response);
  assert.equal(await response.text(), "false");
});

test("A handler may throw a ValidationError itself; the problem lists its issues", async () => {
  const app = new App().post(
    "/transfer",
    { body: z.object({ from: z.string(), to: z.string() }) },
    (_request, ctx) => {
      if (ctx.valid.body.from === ctx.valid.body.to) {
        throw new ValidationError([{ in: "body", path: ["to"], message: "Must differ from from" }]);
      }
      return ok();
    },
  );
  const response = await app.request("/transfer", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ from: "a", to: "a" }),
  });
  assert.equal(response.status, 422);
  assert.deepEqual(await response.json(), {
    type: "about:blank",
    title: "Unprocessable Content",
    status: 422,
    detail: "The request does not match its schema: 1 issue in the body, listed in errors",
    errors: [{ in: "body", path: ["to"], message: "Must differ from from" }],
  });
  const error = new ValidationError([{ in: "query", path: [], message: "m" }], "custom");
  assert.ok(error instanceof HttpError);
  assert.equal(error.name, "ValidationError");
  assert.equal(error.message, "custom");
  assert.ok(Object.isFrozen(error.issues));
  assert.throws(() => new ValidationError("nope" as never), TypeError);
});

test("HttpError extensions become problem members without replacing the standard ones; debug adds the stack", async () => {
  const thrower = () => {
    throw new HttpError(409, "Taken", { extensions: { field: "email", status: 200, title: "x" } });
  };
  for (const debug of [false, true]) {
    const app = new App({ debug }).get("/", thrower);
    const problem = await (await app.request("/")).json();
    assert.equal(problem.status, 409);
    assert.equal(problem.title, "Conflict");
    assert.equal(problem.field, "email");
    assert.equal(problem.detail, "Taken");
    assert.equal("stack" in problem, debug);
  }
  const app = new App({ debug: true }).get("/q", { query: z.object({ n: z.string() }) }, ok);
  const problem = await (await app.request("/q")).json();
  assert.equal(problem.errors.length, 1);
  assert.equal(typeof problem.stack, "string");
});

test("A schema whose validate throws is a logged 500, and a rejected async validate too, with no unhandled rejection", async () => {
  const rejections = watchUnhandledRejections();
  const logger = recordingLogger();
  const broken = (async: boolean): StandardSchemaV1 => ({
    "~standard": {
      version: 1,
      vendor: "broken",
      validate: () => {
        if (async) return Promise.reject(new Error("validator crashed"));
        throw new Error("validator crashed");
      },
    },
  });
  const app = new App({ logger })
    .get("/sync", { query: broken(false) }, ok)
    .get("/async", { query: broken(true) }, ok);
  assert.equal((await app.request("/sync")).status, 500);
  assert.equal((await app.request("/async")).status, 500);
  await new Promise((resolve) => setTimeout(resolve, 0));
  rejections.stop();
  assert.equal(rejections.count(), 0);
  assert.equal(logger.entries.length, 2);
});

test("Over a real socket: a validated POST gets 201, a 422, and 413 for a chunked upload over bodyLimit", async () => {
  const app = new App().post(
    "/todos",
    { body: title, bodyLimit: 1024 },
    (_request, ctx) => Response.json(ctx.valid.body, { status: 201 }),
  );
  const server = serve(app.fetch);
  try {
    const post = (
      body: BodyInit,
      headers: Record<string, string> = { "content-type": "application/json" },
    ) =>
      fetch(
        `${server.url}/todos`,
        { method: "POST", headers, body, duplex: "half" } as RequestInit,
      );
    const created = await post(JSON.stringify({ title: "Buy milk" }));
    assert.equal(created.status, 201);
    assert.deepEqual(await created.json(), { title: "Buy milk" });
    const refused = await post(JSON.stringify({ title: "" }));
    assert.equal(refused.status, 422);
    assert.equal((await refused.json()).errors[0].path[0], "title");
    let chunks = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (++chunks > 64) return controller.close();
        controller.enqueue(new TextEncoder().encode("x".repeat(256)));
      },
    });
    const tooLarge = await post(stream);
    assert.equal(tooLarge.status, 413);
    await tooLarge.body?.cancel();
    const declared = await post(JSON.stringify({ title: "x".repeat(2000) }));
    assert.equal(declared.status, 413);
    await declared.body?.cancel();
  } finally {
    await server.stop();
  }
});

test("app.request() takes a path, a URL or a Request, builds on first use, and passes env", async () => {
  const app = new App<{ env: { region: string } }>()
    .all("/echo", async (request, ctx) =>
      Response.json({
        method: request.method,
        url: request.url,
        body: await request.text(),
        region: ctx.env?.region ?? null,
      }));
  assert.equal(app.built, false);
  const byPath = await (await app.request("/echo?x=1")).json();
  assert.equal(app.built, true);
  assert.deepEqual(byPath, {
    method: "GET",
    url: "http://localhost/echo?x=1",
    body: "",
    region: null,
  });
  const byUrl =
    await (await app.request(new URL("https://example.com/echo"), { method: "PUT", body: "hi" }))
      .json();
  assert.deepEqual(byUrl, {
    method: "PUT",
    url: "https://example.com/echo",
    body: "hi",
    region: null,
  });
  const byRequest =
    await (await app.request(new Request("http://localhost/echo", { method: "POST", body: "a" })))
      .json();
  assert.equal(byRequest.body, "a");
  const overridden =
    await (await app.request(new Request("http://localhost/echo"), { method: "DELETE" })).json();
  assert.equal(overridden.method, "DELETE");
  const withEnv = await (await app.request("/echo", undefined, { region: "eu" })).json();
  assert.equal(withEnv.region, "eu");
  assert.equal(
    (await app.request("echo")).status,
    200,
    "a path without its leading / is resolved too",
  );
  await assert.rejects(app.request("http://[not-a-host"), (error: Error) => {
    assert.ok(error instanceof TypeError);
    assert.match(
      error.message,
      /^app\.request\(\) takes a path such as "\/todos", a URL or a Request/,
    );
    return true;
  });
  await app.close();
  assert.equal((await app.request("/echo")).status, 503);
});

test("A body that is not UTF-8 is a 400, never decoded with replacement characters", async () => {
  const app = new App().post(
    "/notes",
    { body: z.object({ text: z.string() }) },
    (_request, ctx) => new Response(ctx.valid.body.text),
  );
  const invalid = new Uint8Array([
    ...new TextEncoder().encode('{"text":"caf'),
    0xe9,
    ...new TextEncoder().encode('"}'),
  ]);
  for (
    const headers of [{ "content-type": "application/json" }, {
      "content-type": "application/json",
      "content-length": String(invalid.length),
    }]
  ) {
    const response = await app.request("/notes", { method: "POST", headers, body: invalid });
    assert.equal(response.status, 400);
    assert.match((await response.json()).detail, /not valid UTF-8/);
  }
  const valid = await app.request("/notes", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ text: "café \uFFFD" }),
  });
  assert.equal(await valid.text(), "café \uFFFD", "a real U+FFFD is kept");
});

test("A synthetic Request carrying more than its Content-Length says is still held to the limit", async () => {
  const app = new App().post("/notes", { body: z.object({ text: z.string() }), bodyLimit: 32 }, ok);
  const response = await app.request("/notes", {
    method: "POST",
    headers: { "content-type": "application/json", "content-length": "10" },
    body: JSON.stringify({ text: "x".repeat(100) }),
  });
  assert.equal(response.status, 413);
});

test("bodyLimit() in front answers its own 413 for a validated route", async () => {
  const { bodyLimit } = await import("../lib/middleware/mod.ts");
  const app = new App().use(bodyLimit(16)).post(
    "/notes",
    { body: z.object({ text: z.string() }) },
    ok,
  );
  const stream = new Blob([JSON.stringify({ text: "x".repeat(100) })]).stream();
  const response = await app.request("/notes", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: stream,
    duplex: "half",
  } as RequestInit);
  assert.equal(response.status, 413);
  assert.match((await response.json()).detail, /16 bytes/);
});

test("An async schema that rejects while the body fails first leaves no unhandled rejection", async () => {
  const rejections = watchUnhandledRejections();
  const rejecting: StandardSchemaV1 = {
    "~standard": { version: 1, vendor: "x", validate: () => Promise.reject(new Error("late")) },
  };
  const app = new App({ logger: recordingLogger() })
    .post("/x", { query: rejecting, body: z.object({}) }, ok);
  const response = await app.request("/x", {
    method: "POST",
    headers: { "content-type": "text/plain" },
    body: "a",
  });
  assert.equal(response.status, 415);
  const tooLarge = await app.request("/x", {
    method: "POST",
    headers: { "content-type": "application/json", "content-length": "9999999" },
    body: "{}",
  });
  assert.equal(tooLarge.status, 413);
  await new Promise((resolve) => setTimeout(resolve, 10));
  rejections.stop();
  assert.equal(rejections.count(), 0);
});

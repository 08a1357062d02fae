import { test } from "node:test";
import assert from "node:assert/strict";
import { App, HttpError, type Middleware } from "../mod.ts";
import { requestId, type RequestIdState } from "../lib/middleware/mod.ts";
import { recordingLogger, request } from "./_helpers.ts";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function echoApp(options?: Parameters<typeof requestId>[0]) {
  return new App<{ state: RequestIdState }>({ logger: recordingLogger() })
    .use(requestId(options))
    .get("/", (_request, ctx) => new Response(ctx.state.requestId))
    .get("/boom", () => {
      throw new Error("boom");
    });
}

test("requestId() makes a UUID per request, on ctx.state.requestId and X-Request-Id", async () => {
  const app = echoApp();
  const first = await app.fetch(new Request("http://localhost/"));
  const second = await app.fetch(new Request("http://localhost/"));
  const id = first.headers.get("x-request-id")!;
  assert.match(id, UUID);
  assert.equal(await first.text(), id);
  assert.notEqual(second.headers.get("x-request-id"), id);
});

test("requestId() reuses a well-formed incoming id", async () => {
  const app = echoApp();
  for (
    const id of ["abc-123", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", "a/b+c=@:_."]
  ) {
    const response = await app.fetch(
      new Request("http://localhost/", { headers: { "x-request-id": id } }),
    );
    assert.equal(response.headers.get("x-request-id"), id);
    assert.equal(await response.text(), id);
  }
});

test("requestId() replaces an incoming id that is too long or has other characters", async () => {
  const app = echoApp({ maxLength: 8 });
  for (const id of ["123456789", "has space", "<script>", "a,b", "é", '"quoted"']) {
    const response = await app.fetch(
      new Request("http://localhost/", { headers: { "x-request-id": id } }),
    );
    assert.match(response.headers.get("x-request-id")!, UUID, JSON.stringify(id));
  }
  const exact = await app.fetch(
    new Request("http://localhost/", { headers: { "x-request-id": "12345678" } }),
  );
  assert.equal(exact.headers.get("x-request-id"), "12345678", "maxLength itself is accepted");
});

test("requestId() ignores the incoming id when trustIncoming is false", async () => {
  const app = echoApp({ trustIncoming: false });
  const response = await app.fetch(
    new Request("http://localhost/", { headers: { "x-request-id": "client-chosen" } }),
  );
  assert.match(response.headers.get("x-request-id")!, UUID);
});

test("requestId() uses the header and generator it is given", async () => {
  let counter = 0;
  const app = echoApp({ header: "X-Correlation-Id", generate: () => `req-${++counter}` });
  const response = await app.fetch(new Request("http://localhost/"));
  assert.equal(response.headers.get("x-correlation-id"), "req-1");
  assert.equal(response.headers.has("x-request-id"), false);
  const reused = await app.fetch(
    new Request("http://localhost/", { headers: { "x-correlation-id": "upstream-7" } }),
  );
  assert.equal(await reused.text(), "upstream-7");
  assert.equal(counter, 1, "no id is made when one is reused");
});

test("requestId() puts the id on 404s, handler errors and a later middleware's HttpError", async () => {
  const app = echoApp();
  for (const path of ["/missing", "/boom"]) {
    const response = await app.fetch(
      new Request(`http://localhost${path}`, { headers: { "x-request-id": "trace-1" } }),
    );
    assert.equal(response.headers.get("x-request-id"), "trace-1", path);
  }
  const refuse: Middleware = () => () => {
    throw new HttpError(429, "Slow down");
  };
  const limited = new App().use(requestId(), refuse).get("/", () => new Response());
  const response = await request(limited, "/", { headers: { "x-request-id": "trace-2" } });
  assert.equal(response.status, 429);
  assert.equal(response.headers.get("x-request-id"), "trace-2");
});

test("requestId() copies a redirect to set its header", async () => {
  const app = new App().use(requestId({ generate: () => "fixed" }))
    .get("/", () => Response.redirect("http://localhost/elsewhere", 302));
  const response = await request(app, "/");
  assert.equal(response.status, 302);
  assert.equal(response.headers.get("x-request-id"), "fixed");
});

test("requestId() refuses a malformed header name, length or generator at once", () => {
  assert.throws(() => requestId({ header: "X Request Id" }), {
    name: "TypeError",
    message: /header name like "X-Request-Id"/,
  });
  assert.throws(() => requestId({ maxLength: 0 }), { name: "RangeError" });
  assert.throws(() => requestId({ maxLength: 2.5 }), { name: "RangeError" });
  assert.throws(() => requestId({ generate: "uuid" as unknown as () => string }), {
    name: "TypeError",
  });
});

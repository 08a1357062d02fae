import { test } from "node:test";
import assert from "node:assert/strict";
import { App, HttpError, type Middleware } from "../mod.ts";
import {
  bodyLimit,
  compress,
  cors,
  etag,
  logger,
  requestId,
  secureHeaders,
  serverTiming,
  timeout,
} from "../lib/middleware/mod.ts";
import { immutable, recordingLogger } from "./_helpers.ts";
import { _appendVary, _setHeaders, _withHeaders } from "../lib/middleware/_headers.ts";

test("_setHeaders() sets headers in place when it can", () => {
  const response = new Response("body");
  const result = _setHeaders(response, (headers) => headers.set("x-a", "1"));
  assert.equal(result, response);
  assert.equal(result.headers.get("x-a"), "1");
});

test("_setHeaders() copies a response whose headers are immutable, keeping status, headers and body", async () => {
  const original = immutable(
    new Response("body", { status: 418, statusText: "Teapot", headers: { "x-kept": "yes" } }),
  );
  const result = _setHeaders(original, (headers) => headers.set("x-a", "1"));
  assert.notEqual(result, original);
  assert.equal(result.status, 418);
  assert.equal(result.statusText, "Teapot");
  assert.equal(result.headers.get("x-kept"), "yes");
  assert.equal(result.headers.get("x-a"), "1");
  assert.equal(await result.text(), "body");
});

test("_setHeaders() lets an error other than immutability through", () => {
  assert.throws(
    () =>
      _setHeaders(new Response(), () => {
        throw new RangeError("a bug");
      }),
    RangeError,
  );
});

test("_appendVary() adds a token once, case-insensitively, and never to Vary: *", () => {
  const headers = new Headers();
  _appendVary(headers, "Origin");
  _appendVary(headers, "origin");
  _appendVary(headers, "Accept-Encoding");
  assert.equal(headers.get("vary"), "Origin, Accept-Encoding");
  const star = new Headers({ vary: "*" });
  _appendVary(star, "Origin");
  assert.equal(star.get("vary"), "*");
});

test("_withHeaders() answers a thrown or rejected error by respond(), adds its headers, and never writes to the error", async () => {
  const add = (headers: Headers) => headers.set("x-a", "1");
  const answered: unknown[] = [];
  const respond = (error: unknown) => {
    answered.push(error);
    return new Response("answered", { status: error instanceof HttpError ? error.status : 500 });
  };
  const url = new Request("http://localhost/");
  const sync = new HttpError(401);
  const fromThrow = _withHeaders(
    () => {
      throw sync;
    },
    url,
    undefined,
    add,
    respond,
  ) as Response;
  assert.equal(fromThrow.status, 401);
  assert.equal(fromThrow.headers.get("x-a"), "1");
  assert.equal(sync.headers.has("x-a"), false, "one error instance may be thrown on every request");

  const rejected = new HttpError(403);
  const fromRejection = await _withHeaders(
    () => Promise.reject(rejected),
    url,
    undefined,
    add,
    async (error) => await respond(error),
  );
  assert.equal(fromRejection.status, 403);
  assert.equal(fromRejection.headers.get("x-a"), "1");

  const plain = new Error("plain");
  const fromPlain = _withHeaders(
    () => {
      throw plain;
    },
    url,
    undefined,
    add,
    respond,
  ) as Response;
  assert.equal(fromPlain.status, 500);
  assert.equal(fromPlain.headers.get("x-a"), "1");
  assert.deepEqual(answered, [sync, rejected, plain]);
});

test("A header middleware answers a later middleware's error through app.onError, with its headers", async () => {
  const shared = new HttpError(401, "Sign in");
  const app = new App({ logger: recordingLogger() })
    .onError(401, (error) => new Response(`custom ${error.status}`, { status: 401 }))
    .use(requestId(), cors())
    .use(() => () => {
      throw shared;
    });
  const first = await app.fetch(new Request("http://localhost/"));
  const second = await app.fetch(new Request("http://localhost/"));
  assert.equal(await first.text(), "custom 401");
  assert.equal(first.headers.get("access-control-allow-origin"), "*");
  assert.ok(first.headers.get("x-request-id"));
  assert.notEqual(first.headers.get("x-request-id"), second.headers.get("x-request-id"));
  assert.equal(shared.headers.has("x-request-id"), false, "the shared error was not written to");
});

test("every built-in middleware leaves a later middleware's missing return for the app to name", async () => {
  const builtIns = {
    logger: logger({ build: false, write: () => {} }),
    requestId: requestId(),
    serverTiming: serverTiming(),
    cors: cors(),
    secureHeaders: secureHeaders(),
    timeout: timeout(60_000),
    bodyLimit: bodyLimit(10),
    compress: compress(),
    etag: etag(),
  };
  const forgetsSync: Middleware = () => () => undefined as unknown as Response;
  const forgetsAsync: Middleware = () => () => Promise.resolve(undefined as unknown as Response);
  for (const [name, middleware] of Object.entries(builtIns)) {
    for (const forgets of [forgetsSync, forgetsAsync]) {
      const logger = recordingLogger();
      const app = new App({ logger }).use(middleware, forgets).get("/", () => new Response());
      const response = await app.fetch(
        new Request("http://localhost/", { method: "POST", body: "x" }),
      );
      assert.equal(response.status, 500, name);
      assert.match(
        logger.entries.map((entry) => entry.message).join("\n"),
        /did you forget to return next\(request, ctx\)\?/,
        `${name}, ${forgets === forgetsSync ? "sync" : "async"}`,
      );
    }
  }
});

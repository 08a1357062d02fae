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
import { recordingLogger } from "./_helpers.ts";
import { _appendVary, _setHeaders, _withHeaders } from "../lib/middleware/_headers.ts";

/** `response` with headers that throw a TypeError on any change, as Deno's immutable ones do, on every runtime. */
function immutable(response: Response): Response {
  const headers = response.headers;
  const locked = new Proxy(headers, {
    get(target, key) {
      if (key === "set" || key === "append" || key === "delete") {
        return () => {
          throw new TypeError("Headers are immutable");
        };
      }
      const value = Reflect.get(target, key, target);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  Object.defineProperty(response, "headers", { value: locked });
  return response;
}

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

test("_withHeaders() adds headers to a thrown or rejected HttpError, and leaves other errors alone", async () => {
  const add = (headers: Headers) => headers.set("x-a", "1");
  const sync = new HttpError(401);
  assert.throws(() =>
    _withHeaders(
      () => {
        throw sync;
      },
      new Request("http://localhost/"),
      undefined,
      add,
    )
  );
  assert.equal(sync.headers.get("x-a"), "1");
  const async = new HttpError(403);
  await assert.rejects(
    Promise.resolve(
      _withHeaders(() => Promise.reject(async), new Request("http://localhost/"), undefined, add),
    ),
  );
  assert.equal(async.headers.get("x-a"), "1");
  const other = new Error("plain");
  assert.throws(() =>
    _withHeaders(
      () => {
        throw other;
      },
      new Request("http://localhost/"),
      undefined,
      add,
    ), other);
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

import { test } from "node:test";
import assert from "node:assert/strict";
import { HttpError } from "../mod.ts";

test("HttpError carries status, headers, cause and whether to expose its message", () => {
  const cause = new Error("db down");
  const error = new HttpError(503, "Try later", { headers: { "retry-after": "5" }, cause });
  assert.ok(error instanceof Error);
  assert.equal(error.name, "HttpError");
  assert.equal(error.status, 503);
  assert.equal(error.message, "Try later");
  assert.equal(error.headers.get("retry-after"), "5");
  assert.equal(error.cause, cause);
  assert.equal(error.expose, false);
  assert.equal(new HttpError(404).expose, true);
  assert.equal(new HttpError(404, "x", { expose: false }).expose, false);
});

test("HttpError refuses a status outside 400 to 599", () => {
  for (const status of [200, 399, 600, 404.5, Number.NaN]) {
    assert.throws(
      () => new HttpError(status),
      (error) => error instanceof RangeError && error.message.includes(`got ${status}`),
      String(status),
    );
  }
  assert.throws(
    () => new HttpError(302),
    /HttpError status must be an integer from 400 to 599, got 302: use a client \(4xx\) or server \(5xx\) error status/,
  );
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { HttpError, problemResponse } from "../mod.ts";

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
    assert.throws(() => new HttpError(status), RangeError, String(status));
  }
  assert.throws(
    () => new HttpError(302),
    /HttpError status must be an integer from 400 to 599, got 302: use a client \(4xx\) or server \(5xx\) error status/,
  );
});

test("problemResponse() makes an RFC 9457 body with the status's title", async () => {
  const response = problemResponse(409, {
    detail: "Name taken",
    headers: { "x-extra": "1" },
    extensions: { field: "name", status: 200 },
  });
  assert.equal(response.status, 409);
  assert.equal(response.headers.get("content-type"), "application/problem+json");
  assert.equal(response.headers.get("x-extra"), "1");
  assert.deepEqual(await response.json(), {
    type: "about:blank",
    title: "Conflict",
    status: 409,
    detail: "Name taken",
    field: "name",
  });
});

test("problemResponse() falls back to a generic title for an unlisted status", async () => {
  assert.equal((await problemResponse(499).json()).title, "Client Error");
  assert.equal((await problemResponse(599).json()).title, "Server Error");
});

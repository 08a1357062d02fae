import { test } from "node:test";
import assert from "node:assert/strict";
import { problemResponse } from "../mod.ts";

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

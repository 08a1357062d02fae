import { test } from "node:test";
import assert from "node:assert/strict";
import { Router } from "../lib/router.ts";

const route = (method: string, path: string) => ({ method, path, value: `${method} ${path}` });

test("Router matches static paths from its map and dynamic ones from its trie", () => {
  const router = new Router([route("GET", "/"), route("GET", "/a/b"), route("GET", "/a/:x")]);
  const root = router.match("GET", "/");
  assert.equal(root.status === 200 && root.value, "GET /");
  const found = router.match("GET", "/a/c");
  assert.ok(found.status === 200);
  assert.equal(found.value, "GET /a/:x");
  assert.deepEqual({ ...found.params }, { x: "c" });
});

test("Router decodes static route segments so a unicode path matches its encoding", () => {
  const router = new Router([route("GET", "/café"), route("GET", "/a%20b")]);
  assert.equal(router.match("GET", "/caf%C3%A9").status, 200);
  assert.equal(router.match("GET", "/a%20b").status, 200);
});

test("Router reports the methods of every matching route for 405, HEAD with GET", () => {
  const router = new Router([route("GET", "/x/:id"), route("DELETE", "/x/me")]);
  const found = router.match("POST", "/x/me");
  assert.ok(found.status === 405);
  assert.deepEqual(found.allow, ["DELETE", "GET", "HEAD"]);
});

test("Router marks a HEAD request served by the GET route", () => {
  const router = new Router([route("GET", "/a"), route("GET", "/b/:id")]);
  for (const path of ["/a", "/b/1"]) {
    const found = router.match("HEAD", path);
    assert.ok(found.status === 200 && found.headFromGet, path);
  }
});

test("Router refuses two routes that differ only in param names", () => {
  assert.throws(
    () => new Router([route("GET", "/a/:x"), route("GET", "/a/:y")]),
    /registered twice \(or with only its param names changed\)/,
  );
});

test("Router answers 400 for a path with a malformed percent-encoding", () => {
  const router = new Router([route("GET", "/a/:x")]);
  assert.equal(router.match("GET", "/a/%ZZ").status, 400);
});

test("Router prefers a static segment over a param deep in a dynamic path", () => {
  const router = new Router([route("GET", "/users/:id/:tab"), route("GET", "/users/me/:tab")]);
  const found = router.match("GET", "/users/me/posts");
  assert.ok(found.status === 200);
  assert.equal(found.value, "GET /users/me/:tab");
  const other = router.match("GET", "/users/7/posts");
  assert.ok(other.status === 200);
  assert.equal(other.value, "GET /users/:id/:tab");
});

test("Router lists allowed methods sorted, whatever the registration order", () => {
  const router = new Router([route("POST", "/r/:id"), route("GET", "/r/:id")]);
  const found = router.match("DELETE", "/r/1");
  assert.ok(found.status === 405);
  assert.deepEqual(found.allow, ["GET", "HEAD", "POST"]);
});

test("Router answers a static path the same whichever way the request spells it", () => {
  const router = new Router([route("*", "/a"), route("GET", "/%61")]);
  for (const path of ["/a", "/%61"]) {
    const found = router.match("GET", path);
    assert.ok(found.status === 200, path);
    assert.equal(found.value, "GET /%61", path);
  }
});

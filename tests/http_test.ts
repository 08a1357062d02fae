import { test } from "node:test";
import assert from "node:assert/strict";
import { _pathOf, _stripSegments } from "../lib/_http.ts";

test("_pathOf takes the path of any absolute URL, without query or fragment", () => {
  const cases: [string, string][] = [
    ["http://localhost/", "/"],
    ["https://example.com/a/b?x=1#y", "/a/b"],
    ["http://127.0.0.1:8000/users/7#top", "/users/7"],
    ["http://h/a?b/c", "/a"],
    ["ws://h/socket?x", "/socket"],
    ["https://h/caf%C3%A9", "/caf%C3%A9"],
  ];
  for (const [url, path] of cases) assert.equal(_pathOf(url), path, url);
  for (const [url] of cases) assert.equal(_pathOf(url), new URL(url).pathname, url);
});

test("_stripSegments removes whole segments, however they are encoded", () => {
  assert.equal(_stripSegments("/api/users/7", 1), "/users/7");
  assert.equal(_stripSegments("/%61pi/users", 1), "/users");
  assert.equal(_stripSegments("/api", 1), "/");
  assert.equal(_stripSegments("/api/", 1), "/");
  assert.equal(_stripSegments("/a/b/c", 2), "/c");
  assert.equal(_stripSegments("/a/b", 0), "/a/b");
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { ask, withRoot } from "./_static_fixture.ts";

// The single-page app fallback: which requests that match no file get
// index.html, and which stay a 404.

test("serveStatic() answers page navigations that match no file with the fallback, and nothing else", async () => {
  await withRoot({ fallback: "index.html" }, async (handler) => {
    const home = "<!doctype html><title>home</title>";
    const byAccept = await ask(handler, "/users/7", { headers: { accept: "text/html,*/*;q=0.8" } });
    assert.equal(byAccept.status, 200);
    assert.equal(byAccept.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(await byAccept.text(), home);
    const byMode = await ask(handler, "/settings/", { headers: { "sec-fetch-mode": "navigate" } });
    assert.equal(await byMode.text(), home);
    const head = await ask(handler, "/users/7", {
      method: "HEAD",
      headers: { accept: "text/html" },
    });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), String(home.length));

    const notNavigation: [string, Record<string, string>][] = [
      ["/users/7", { accept: "application/json" }],
      ["/users/7", {}],
      ["/users/7", { "sec-fetch-mode": "cors", accept: "text/html" }],
      ["/assets/missing.js", { accept: "text/html" }],
      ["/.env-missing", { accept: "text/html" }],
      ["/%2e%2e%2fsecret", { accept: "text/html" }],
    ];
    for (const [path, headers] of notNavigation) {
      const response = await ask(handler, path, { headers });
      assert.equal(response.status, 404, `${path} ${JSON.stringify(headers)}`);
      await response.body?.cancel();
    }
    const post = await ask(handler, "/users/7", {
      method: "POST",
      headers: { accept: "text/html" },
    });
    assert.equal(post.status, 405);
    const existing = await ask(handler, "/hello.txt", { headers: { accept: "text/html" } });
    assert.equal(await existing.text(), "Hello, static world!", "a file that exists is itself");
  });
  await withRoot({ fallback: "missing.html" }, async (handler) => {
    assert.equal(
      (await ask(handler, "/users/7", { headers: { accept: "text/html" } })).status,
      404,
    );
  });
});

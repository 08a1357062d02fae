import { test } from "node:test";
import assert from "node:assert/strict";
import { ask, withRoot } from "./_static_fixture.ts";

// Precompressed siblings: app.js.br and app.js.gz beside app.js, style.css.gz
// beside style.css, chosen by Accept-Encoding (RFC 9110 §12.5.3).

test("serveStatic() sends the .br or .gz sibling the client accepts best, with the original's type", async () => {
  await withRoot({}, async (handler) => {
    const cases: [string | null, string | null, string][] = [
      ["gzip, deflate, br", "br", "brotli bytes of app.js"],
      ["gzip;q=1, br;q=0.5", "gzip", "gzip bytes of app.js"],
      ["br;q=0, gzip", "gzip", "gzip bytes of app.js"],
      ["x-gzip", "gzip", "gzip bytes of app.js"],
      ["*", "br", "brotli bytes of app.js"],
      ["*;q=0.5, br;q=0", "gzip", "gzip bytes of app.js"],
      ["identity;q=1, br;q=0.5", null, "console.log('the plain script, long enough to compress');"],
      ["identity", null, "console.log('the plain script, long enough to compress');"],
      ["deflate", null, "console.log('the plain script, long enough to compress');"],
      [null, null, "console.log('the plain script, long enough to compress');"],
    ];
    for (const [accept, encoding, body] of cases) {
      const headers: Record<string, string> = accept === null ? {} : { "accept-encoding": accept };
      const response = await ask(handler, "/app.js", { headers });
      assert.equal(response.headers.get("content-encoding"), encoding, String(accept));
      assert.equal(response.headers.get("content-type"), "text/javascript; charset=utf-8");
      assert.equal(response.headers.get("vary"), "accept-encoding");
      assert.equal(response.headers.get("content-length"), String(body.length));
      assert.equal(await response.text(), body, String(accept));
    }
    const onlyGzip = await ask(handler, "/style.css", {
      headers: { "accept-encoding": "br, gzip" },
    });
    assert.equal(onlyGzip.headers.get("content-encoding"), "gzip", "the sibling that exists");
    assert.equal(await onlyGzip.text(), "gzip bytes of style.css");

    const tags = new Set<string>();
    for (const accept of ["br", "gzip", "identity"]) {
      const response = await ask(handler, "/app.js", { headers: { "accept-encoding": accept } });
      await response.body?.cancel();
      tags.add(response.headers.get("etag")!);
    }
    assert.equal(tags.size, 3, "each representation has its own ETag");
  });
  await withRoot({ precompressed: false }, async (handler) => {
    const response = await ask(handler, "/app.js", { headers: { "accept-encoding": "br, gzip" } });
    assert.equal(response.headers.get("content-encoding"), null);
    assert.equal(response.headers.get("vary"), null);
    assert.equal(
      await response.text(),
      "console.log('the plain script, long enough to compress');",
    );
  });
});

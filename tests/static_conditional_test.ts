import { test } from "node:test";
import assert from "node:assert/strict";
import { utimes } from "node:fs/promises";
import { join } from "node:path";
import { serveStatic } from "../lib/static/mod.ts";
import { type StaticFixture, staticFixture } from "./_static_fixture.ts";

// Conditional requests (RFC 9110 §13) and ranges (§14) as serveStatic answers
// them. hello.txt's time is set, so its Last-Modified is known.

const MODIFIED = new Date("2024-05-01T12:00:00Z");
const BEFORE = "Wed, 01 May 2024 11:59:59 GMT";
const AT = "Wed, 01 May 2024 12:00:00 GMT";
const AFTER = "Wed, 01 May 2024 12:00:01 GMT";

type Ask = (path: string, headers?: Record<string, string>, method?: string) => Promise<Response>;

async function withHello(run: (ask: Ask, fixture: StaticFixture) => Promise<void>): Promise<void> {
  await using fixture = await staticFixture();
  await utimes(join(fixture.root, "hello.txt"), MODIFIED, MODIFIED);
  const handler = serveStatic({ root: fixture.root, cacheControl: "no-cache" });
  await run(
    (path, headers = {}, method = "GET") =>
      handler(new Request(`http://localhost${path}`, { method, headers })),
    fixture,
  );
}

/** The status of a GET of /hello.txt with `headers`, its body consumed. */
async function statusOf(ask: Ask, headers: Record<string, string>, method = "GET") {
  const response = await ask("/hello.txt", headers, method);
  await response.body?.cancel();
  return response.status;
}

test("serveStatic() answers a matching If-None-Match with 304, keeping ETag, Cache-Control and Vary only", async () => {
  await withHello(async (ask) => {
    const first = await ask("/hello.txt");
    await first.body?.cancel();
    const etag = first.headers.get("etag")!;
    assert.equal(first.headers.get("last-modified"), AT);
    for (const value of [etag, `W/${etag}`, `"other", ${etag}`, "*"]) {
      for (const method of ["GET", "HEAD"]) {
        const response = await ask("/hello.txt", { "if-none-match": value }, method);
        assert.equal(response.status, 304, `${method} ${value}`);
        assert.equal(response.body, null);
        assert.deepEqual([...response.headers], [
          ["cache-control", "no-cache"],
          ["etag", etag],
          ["vary", "accept-encoding"],
        ]);
      }
    }
    assert.equal(await statusOf(ask, { "if-none-match": '"other"' }), 200);
  });
});

test("serveStatic() answers If-Modified-Since with 304 unless the file is newer, and ignores it beside If-None-Match", async () => {
  await withHello(async (ask) => {
    assert.equal(await statusOf(ask, { "if-modified-since": AT }), 304);
    assert.equal(await statusOf(ask, { "if-modified-since": AFTER }), 304);
    assert.equal(await statusOf(ask, { "if-modified-since": BEFORE }), 200);
    assert.equal(await statusOf(ask, { "if-modified-since": "not a date" }), 200);
    assert.equal(await statusOf(ask, { "if-modified-since": AT }, "HEAD"), 304);
    // RFC 9110 §13.2.2: If-None-Match decides when present; If-Modified-Since is not looked at.
    assert.equal(
      await statusOf(ask, { "if-none-match": '"other"', "if-modified-since": AFTER }),
      200,
    );
  });
});

test("serveStatic() answers a failing If-Match or If-Unmodified-Since with 412, before If-None-Match", async () => {
  await withHello(async (ask) => {
    const first = await ask("/hello.txt");
    await first.body?.cancel();
    const etag = first.headers.get("etag")!;
    assert.equal(await statusOf(ask, { "if-match": '"other"' }), 412);
    assert.equal(
      await statusOf(ask, { "if-match": `W/${etag}` }),
      412,
      "If-Match compares strongly",
    );
    assert.equal(await statusOf(ask, { "if-match": etag }), 200);
    assert.equal(await statusOf(ask, { "if-match": "*" }), 200);
    assert.equal(await statusOf(ask, { "if-unmodified-since": BEFORE }), 412);
    assert.equal(await statusOf(ask, { "if-unmodified-since": AT }), 200);
    assert.equal(
      await statusOf(ask, { "if-match": etag, "if-unmodified-since": BEFORE }),
      200,
      "If-Unmodified-Since is ignored beside If-Match",
    );
    assert.equal(await statusOf(ask, { "if-match": '"other"', "if-none-match": etag }), 412);
    const head = await ask("/hello.txt", { "if-match": '"other"' }, "HEAD");
    assert.equal(head.status, 412);
    assert.equal(head.body, null);
  });
});

test("serveStatic() answers a single satisfiable Range with 206 and Content-Range", async () => {
  await withHello(async (ask, fixture) => {
    const text = new TextDecoder().decode(fixture.files.get("/hello.txt"));
    const size = text.length;
    const cases: [string, number, number][] = [
      ["bytes=0-4", 0, 4],
      ["bytes=7-", 7, size - 1],
      ["bytes=-6", size - 6, size - 1],
      ["bytes=-1000", 0, size - 1],
      ["bytes=3-1000", 3, size - 1],
      ["bytes=5-5", 5, 5],
      ["BYTES = 2-3", 2, 3],
      ["bytes=2-3, ,", 2, 3],
    ];
    for (const [range, start, end] of cases) {
      const response = await ask("/hello.txt", { range });
      assert.equal(response.status, 206, range);
      assert.equal(response.headers.get("content-range"), `bytes ${start}-${end}/${size}`, range);
      assert.equal(response.headers.get("content-length"), String(end - start + 1), range);
      assert.equal(response.headers.get("content-type"), "text/plain; charset=utf-8");
      assert.equal(response.headers.get("etag") !== null, true);
      assert.equal(await response.text(), text.slice(start, end + 1), range);
    }
  });
});

test("serveStatic() answers an unsatisfiable Range with 416 and Content-Range: bytes */size", async () => {
  await withHello(async (ask, fixture) => {
    const size = fixture.files.get("/hello.txt")!.length;
    for (
      const range of [
        `bytes=${size}-`,
        `bytes=${size + 10}-${size + 20}`,
        "bytes=-0",
        `bytes=${size}-, -0`,
      ]
    ) {
      const response = await ask("/hello.txt", { range });
      assert.equal(response.status, 416, range);
      assert.equal(response.headers.get("content-range"), `bytes */${size}`);
      assert.equal(response.headers.get("content-type"), "application/problem+json");
      await response.body?.cancel();
    }
  });
});

test("serveStatic() serves the whole file for several ranges, another unit, a malformed Range, HEAD and an empty file", async () => {
  await withHello(async (ask, fixture) => {
    const size = String(fixture.files.get("/hello.txt")!.length);
    for (
      const range of [
        "bytes=0-1,4-5",
        "bytes=0-1, 100-",
        "items=0-1",
        "bytes=5-2",
        "bytes=a-b",
        "bytes=",
        "bytes=-",
      ]
    ) {
      const response = await ask("/hello.txt", { range });
      assert.equal(response.status, 200, range);
      assert.equal(response.headers.get("content-length"), size, range);
      assert.equal(response.headers.get("content-range"), null);
      await response.body?.cancel();
    }
    // RFC 9110 §14.2: GET is the only method ranges are defined for.
    const head = await ask("/hello.txt", { range: "bytes=0-4" }, "HEAD");
    assert.equal(head.status, 200);
    assert.equal(head.headers.get("content-length"), size);
    const empty = await ask("/empty.txt", { range: "bytes=0-" });
    assert.equal(empty.status, 200);
    assert.equal(await empty.text(), "");
  });
});

test("serveStatic() serves the Range only when If-Range holds: the strong ETag or the exact Last-Modified", async () => {
  await withHello(async (ask) => {
    const first = await ask("/hello.txt");
    await first.body?.cancel();
    const etag = first.headers.get("etag")!;
    const range = "bytes=0-4";
    assert.equal(await statusOf(ask, { range, "if-range": etag }), 206);
    assert.equal(await statusOf(ask, { range, "if-range": '"other"' }), 200);
    assert.equal(
      await statusOf(ask, { range, "if-range": `W/${etag}` }),
      200,
      "a weak tag never holds",
    );
    assert.equal(await statusOf(ask, { range, "if-range": AT }), 206);
    assert.equal(await statusOf(ask, { range, "if-range": BEFORE }), 200);
    assert.equal(await statusOf(ask, { range, "if-range": AFTER }), 200);
    assert.equal(
      await statusOf(ask, { range: "bytes=999-", "if-range": '"other"' }),
      200,
      "nor a 416",
    );
  });
});

test("serveStatic() serves ranges of the precompressed sibling it chose", async () => {
  await withHello(async (ask, fixture) => {
    const gzip = new TextDecoder().decode(fixture.files.get("/app.js.gz"));
    const response = await ask("/app.js", { range: "bytes=0-3", "accept-encoding": "gzip" });
    assert.equal(response.status, 206);
    assert.equal(response.headers.get("content-encoding"), "gzip");
    assert.equal(response.headers.get("content-range"), `bytes 0-3/${gzip.length}`);
    assert.equal(await response.text(), gzip.slice(0, 4));
  });
});

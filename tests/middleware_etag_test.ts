import { test } from "node:test";
import assert from "node:assert/strict";
import { App, type Middleware } from "../mod.ts";
import { compress, etag, type EtagOptions } from "../lib/middleware/mod.ts";
import { request } from "./_helpers.ts";

/** An app under etag(options) whose GET / answers `body()` with `init`. */
function appAnswering(
  body: () => BodyInit | null,
  init: ResponseInit = {},
  options?: EtagOptions,
) {
  return new App().use(etag(options)).on(["GET", "POST"], "/", () => new Response(body(), init));
}

function ifNoneMatch(value: string, method = "GET"): RequestInit {
  return { method, headers: { "if-none-match": value } };
}

const TAG = /^W\/"[0-9a-f]+-(?:[0-9a-f]{8}|[A-Za-z0-9_-]{27})"$/;

test("etag() tags a 200 GET response with a weak ETag of its body's length and hash", async () => {
  let body = "version 1";
  const app = appAnswering(() => body);
  const first = await request(app, "/");
  const tag = first.headers.get("etag")!;
  assert.match(tag, TAG);
  assert.ok(tag.startsWith('W/"9-'), "the length, in hex");
  assert.equal(await first.text(), "version 1");
  assert.equal((await request(app, "/")).headers.get("etag"), tag, "same body, same tag");
  body = "version 2";
  assert.notEqual((await request(app, "/")).headers.get("etag"), tag);
});

test("etag() hashes small bodies with FNV-1a and larger ones with SHA-1, so tags can be checked", async () => {
  const small = appAnswering(() => "hello");
  // FNV-1a 32 of "hello", a published test vector.
  assert.equal((await request(small, "/")).headers.get("etag"), 'W/"5-4f9f2cab"');
  const body = "x".repeat(4097);
  const large = appAnswering(() => body);
  const digest = new Uint8Array(
    await crypto.subtle.digest("SHA-1", new TextEncoder().encode(body)),
  );
  const base64url = btoa(String.fromCharCode(...digest)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
  assert.equal((await request(large, "/")).headers.get("etag"), `W/"1001-${base64url}"`);
  const edge = appAnswering(() => "x".repeat(4096));
  assert.match((await request(edge, "/")).headers.get("etag")!, /^W\/"1000-[0-9a-f]{8}"$/);
});

test("etag() answers 304 without a body to a matching If-None-Match, keeping the caching headers", async () => {
  const app = appAnswering(() => "a note", {
    headers: {
      "content-type": "text/plain",
      "cache-control": "max-age=60",
      vary: "Accept",
      "x-custom": "dropped",
    },
  });
  const tag = (await request(app, "/")).headers.get("etag")!;
  const response = await request(app, "/", ifNoneMatch(tag));
  assert.equal(response.status, 304);
  assert.equal(response.body, null);
  assert.deepEqual(Object.fromEntries(response.headers), {
    "cache-control": "max-age=60",
    etag: tag,
    vary: "Accept",
  });
});

test("etag() compares weakly and reads lists and *", async () => {
  const app = appAnswering(() => "a note");
  const tag = (await request(app, "/")).headers.get("etag")!;
  const strong = tag.slice(2);
  for (
    const [header, status] of [
      [tag, 304],
      [strong, 304],
      [`"other", ${tag}`, 304],
      [`W/"a,b", ${strong}`, 304],
      ["*", 304],
      ['"other"', 200],
      ['W/"other", "x"', 200],
      [tag.replace('"', '"x'), 200],
    ] as const
  ) {
    const response = await request(app, "/", ifNoneMatch(header));
    assert.equal(response.status, status, header);
    if (status === 200) assert.equal(await response.text(), "a note");
  }
});

test("etag() keeps a handler's own ETag and answers 304 for it, on GET and on HEAD", async () => {
  let calls = 0;
  const app = new App().use(etag()).get("/", () => {
    calls++;
    return new Response("body", { headers: { etag: '"v7"' } });
  });
  assert.equal((await request(app, "/")).headers.get("etag"), '"v7"');
  assert.equal((await request(app, "/", ifNoneMatch('W/"v7"'))).status, 304);
  const head = await request(app, "/", ifNoneMatch('"v7"', "HEAD"));
  assert.equal(head.status, 304);
  assert.equal(head.headers.get("etag"), '"v7"');
  assert.equal(calls, 3);
});

test("etag() tags only 200 responses to GET and HEAD", async () => {
  const created = appAnswering(() => "made", { status: 201 });
  assert.equal((await request(created, "/")).headers.has("etag"), false);
  const app = appAnswering(() => "a note");
  assert.equal((await request(app, "/missing")).headers.has("etag"), false);
  const post = await request(app, "/", ifNoneMatch("*", "POST"));
  assert.equal(post.status, 200, "If-None-Match on POST is not this middleware's to answer");
  assert.equal(post.headers.has("etag"), false);
  const head = await request(app, "/", { method: "HEAD" });
  assert.equal(head.headers.has("etag"), false, "the router dropped the body before it was hashed");
});

test("etag() sends a body over maxBytes untagged and whole, by Content-Length or by reading it", async () => {
  const big = "x".repeat(100);
  const declared = appAnswering(() => big, { headers: { "content-length": "100" } }, {
    maxBytes: 99,
  });
  const first = await request(declared, "/");
  assert.equal(first.headers.has("etag"), false);
  assert.equal(await first.text(), big);
  const chunks = ["a".repeat(40), "b".repeat(40), "c".repeat(40)];
  const streamed = appAnswering(
    () =>
      new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
          controller.close();
        },
      }),
    {},
    { maxBytes: 99 },
  );
  const second = await request(streamed, "/");
  assert.equal(second.headers.has("etag"), false);
  assert.equal(await second.text(), chunks.join(""));
  const fits = appAnswering(() => big, {}, { maxBytes: 100 });
  assert.match((await request(fits, "/")).headers.get("etag")!, TAG);
});

test("etag() passes an event stream or a no-store response through without reading it", async () => {
  let pulls = 0;
  const app = appAnswering(() =>
    new ReadableStream<Uint8Array>({
      pull(controller) {
        pulls++;
        controller.enqueue(new TextEncoder().encode("data: tick\n\n"));
      },
    }, { highWaterMark: 0 }), { headers: { "content-type": "text/event-stream" } });
  const response = await request(app, "/");
  assert.equal(pulls, 0);
  assert.equal(response.headers.has("etag"), false);
  const reader = response.body!.getReader();
  assert.equal(new TextDecoder().decode((await reader.read()).value), "data: tick\n\n");
  await reader.cancel();
  const noStore = appAnswering(() => "private", {
    headers: { "cache-control": "private, no-store" },
  });
  assert.equal((await request(noStore, "/")).headers.has("etag"), false);
});

test("etag() tags an empty body", async () => {
  const app = appAnswering(() => "");
  assert.match((await request(app, "/")).headers.get("etag")!, /^W\/"0-/);
});

test("etag() after compress() tags the uncompressed body, and its 304 keeps Vary", async () => {
  const body = "a note ".repeat(500);
  const app = new App().use(compress(), etag())
    .get("/", () => new Response(body, { headers: { "content-type": "text/plain" } }));
  const gzip = { "accept-encoding": "gzip" };
  const compressed = await request(app, "/", { headers: gzip });
  const plain = await request(app, "/");
  assert.equal(compressed.headers.get("content-encoding"), "gzip");
  const tag = compressed.headers.get("etag")!;
  assert.equal(tag, plain.headers.get("etag"), "one tag for the representation");
  await compressed.body?.cancel();
  const revalidated = await request(app, "/", { headers: { ...gzip, "if-none-match": tag } });
  assert.equal(revalidated.status, 304);
  assert.equal(revalidated.headers.get("vary"), "Accept-Encoding");
});

test("etag() refuses a maxBytes that is not a byte count and retainedHeaders that are not names", () => {
  assert.throws(() => etag({ maxBytes: -1 }), { name: "RangeError" });
  assert.throws(() => etag({ maxBytes: 0.5 }), { name: "RangeError" });
  assert.throws(() => etag({ retainedHeaders: "vary" as unknown as string[] }), {
    name: "TypeError",
  });
});

test("etag() refuses at once retainedHeaders that are not header names, instead of failing every 304", () => {
  assert.throws(() => etag({ retainedHeaders: ["cache control"] }), {
    name: "TypeError",
    message: /retainedHeaders must be a list of header names/,
  });
  assert.doesNotThrow(() => etag({ retainedHeaders: ["Cache-Control", "x-version"] }));
});

test("etag() answers HEAD with If-None-Match: * with 304, as it answers GET (RFC 9110 §13.1.2)", async () => {
  const app = appAnswering(() => "a note");
  const get = await request(app, "/", ifNoneMatch("*"));
  const head = await request(app, "/", ifNoneMatch("*", "HEAD"));
  assert.equal(get.status, 304);
  assert.equal(head.status, 304, "* matches any current representation, with or without its body");
  assert.equal(head.body, null);
  const missing = await request(app, "/missing", ifNoneMatch("*", "HEAD"));
  assert.equal(missing.status, 404, "no representation, nothing for * to match");
});

test("etag() answers If-None-Match: * with 304 for a 200 it does not hash, on GET and on HEAD", async () => {
  const cases: [string, () => BodyInit | null, ResponseInit][] = [
    ["no body", () => null, {}],
    ["a body over maxBytes by Content-Length", () => "x".repeat(20), {
      headers: { "content-length": "20" },
    }],
    ["a body found over maxBytes while read", () => new Blob(["x".repeat(20)]).stream(), {}],
    ["an event stream", () => "data: tick\n\n", {
      headers: { "content-type": "text/event-stream" },
    }],
    ["a no-store response", () => "private", { headers: { "cache-control": "no-store" } }],
  ];
  for (const [what, body, init] of cases) {
    const app = appAnswering(body, init, { maxBytes: 10 });
    for (const method of ["GET", "HEAD"]) {
      const response = await request(app, "/", ifNoneMatch("*", method));
      assert.equal(response.status, 304, `${method}, ${what}`);
      assert.equal(response.body, null, `${method}, ${what}`);
      const other = await request(app, "/", ifNoneMatch('"other"', method));
      assert.equal(other.status, 200, `${method}, ${what}: nothing but * matches it`);
      await other.body?.cancel();
    }
  }
});

test("etag() tags a HEAD response that reaches it with a body as GET's, and answers 304 for its tag", async () => {
  let calls = 0;
  // A middleware that answers HEAD with the body, as GET: no router drops it before etag() sees it.
  const answers: Middleware = () => () => {
    calls++;
    return new Response("a note");
  };
  const app = new App().use(etag(), answers);
  const tag = (await request(app, "/")).headers.get("etag")!;
  assert.match(tag, TAG);
  const head = await request(app, "/", { method: "HEAD" });
  assert.equal(head.status, 200);
  assert.equal(head.headers.get("etag"), tag, "the same tag as GET's");
  const revalidated = await request(app, "/", ifNoneMatch(tag, "HEAD"));
  assert.equal(revalidated.status, 304);
  assert.equal(revalidated.headers.get("etag"), tag);
  assert.equal((await request(app, "/", ifNoneMatch('"other"', "HEAD"))).status, 200);
  assert.equal(calls, 4);
});

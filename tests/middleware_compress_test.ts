import { test } from "node:test";
import assert from "node:assert/strict";
import { App } from "../mod.ts";
import { compress, type CompressOptions, type Encoding, etag } from "../lib/middleware/mod.ts";
import { immutable, request } from "./_helpers.ts";
import { serve } from "./_serve.ts";

const BIG = JSON.stringify(Array.from({ length: 200 }, (_, id) => ({ id, text: "a note" })));

/** An app under compress(options) answering `body` with `headers` on every path. */
function appAnswering(body: BodyInit | null, init: ResponseInit = {}, options?: CompressOptions) {
  return new App().use(compress(options)).all("/*", () => new Response(body, init));
}

const json = { headers: { "content-type": "application/json" } };

async function decompressed(response: Response, encoding: Encoding): Promise<string> {
  return await new Response(response.body!.pipeThrough(new DecompressionStream(encoding))).text();
}

function get(acceptEncoding?: string, method = "GET"): RequestInit {
  return {
    method,
    headers: acceptEncoding === undefined ? {} : { "accept-encoding": acceptEncoding },
  };
}

test("compress() gzips a large JSON body for a client that accepts gzip", async () => {
  const app = appAnswering(BIG, {
    headers: { "content-type": "application/json", "content-length": String(BIG.length) },
  });
  const response = await request(app, "/", get("gzip, deflate, br"));
  assert.equal(response.headers.get("content-encoding"), "gzip");
  assert.equal(response.headers.get("vary"), "Accept-Encoding");
  assert.equal(response.headers.has("content-length"), false);
  assert.equal(await decompressed(response, "gzip"), BIG);
});

test("compress() follows q-values, and the server's order on a tie", async () => {
  const app = appAnswering(BIG, json);
  const cases: [string, string | null][] = [
    ["deflate", "deflate"],
    ["gzip;q=0.5, deflate;q=0.8", "deflate"],
    ["deflate, gzip", "gzip"],
    ["GZIP;Q=1", "gzip"],
    ["gzip;q=0, deflate;q=0", null],
    ["gzip;q=0, *", "deflate"],
    ["*", "gzip"],
    ["*;q=0", null],
    ["br", null],
    ["identity", null],
    ["gzip;q=0.5, identity", null],
    ["x-gzip", "gzip"],
    ["gzip;q=oops", null],
    ["", null],
  ];
  for (const [accept, expected] of cases) {
    const response = await request(app, "/", get(accept));
    assert.equal(response.headers.get("content-encoding"), expected, JSON.stringify(accept));
    assert.equal(response.headers.get("vary"), "Accept-Encoding", JSON.stringify(accept));
    const text = expected === null
      ? await response.text()
      : await decompressed(response, expected as Encoding);
    assert.equal(text, BIG);
  }
  const none = await request(app, "/", get());
  assert.equal(none.headers.has("content-encoding"), false, "no Accept-Encoding: no coding");
});

test("compress() offers the encodings it is given, in their order", async () => {
  const app = appAnswering(BIG, json, { encodings: ["deflate", "gzip"] });
  const response = await request(app, "/", get("gzip, deflate"));
  assert.equal(response.headers.get("content-encoding"), "deflate");
  assert.equal(await decompressed(response, "deflate"), BIG);
});

test("compress() leaves small bodies alone, by Content-Length or by reading them", async () => {
  for (
    const headers of [{ "content-type": "text/plain" }, {
      "content-type": "text/plain",
      "content-length": "5",
    }]
  ) {
    const response = await request(appAnswering("small", { headers }), "/", get("gzip"));
    assert.equal(response.headers.has("content-encoding"), false);
    assert.equal(response.headers.has("vary"), false, "size is the response's own: no Vary");
    assert.equal(await response.text(), "small");
  }
  const atThreshold = await request(
    appAnswering("x".repeat(1024), { headers: { "content-type": "text/plain" } }),
    "/",
    get("gzip"),
  );
  assert.equal(atThreshold.headers.get("content-encoding"), "gzip");
  const custom = await request(
    appAnswering("small", { headers: { "content-type": "text/plain" } }, { threshold: 0 }),
    "/",
    get("gzip"),
  );
  assert.equal(await decompressed(custom, "gzip"), "small");
});

test("compress() compresses a streamed body that passes the threshold, keeping every byte", async () => {
  const chunks = Array.from({ length: 50 }, (_, index) => `chunk ${index} `.repeat(10));
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(new TextEncoder().encode(chunk));
      controller.close();
    },
  });
  const app = new App().use(compress()).get(
    "/",
    () => new Response(body, { headers: { "content-type": "text/plain" } }),
  );
  const response = await request(app, "/", get("deflate"));
  assert.equal(response.headers.get("content-encoding"), "deflate");
  assert.equal(await decompressed(response, "deflate"), chunks.join(""));
});

test("compress() skips types that do not compress, and compresses the text-like ones", async () => {
  const cases: [string | null, boolean][] = [
    ["text/html; charset=utf-8", true],
    ["application/json", true],
    ["application/problem+json", true],
    ["application/vnd.api+json", true],
    ["application/javascript", true],
    ["image/svg+xml", true],
    ["application/atom+xml", true],
    ["application/wasm", true],
    ["text/event-stream", false],
    ["image/png", false],
    ["application/octet-stream", false],
    ["application/jsonx", false],
    [null, false],
  ];
  for (const [type, compressed] of cases) {
    const headers: Record<string, string> = type === null ? {} : { "content-type": type };
    const response = await request(
      appAnswering(new TextEncoder().encode(BIG), { headers }),
      "/",
      get("gzip"),
    );
    assert.equal(response.headers.get("content-encoding") === "gzip", compressed, String(type));
    if (!compressed) assert.equal(response.headers.has("vary"), false, String(type));
  }
  const custom = appAnswering(BIG, { headers: { "content-type": "image/png" } }, {
    compressible: (type) => type === "image/png",
  });
  assert.equal((await request(custom, "/", get("gzip"))).headers.get("content-encoding"), "gzip");
});

test("compress() skips HEAD, 204, 304, 206, encoded bodies and Cache-Control: no-transform", async () => {
  const head = await request(appAnswering(BIG, json), "/", get("gzip", "HEAD"));
  assert.equal(head.headers.has("content-encoding"), false);
  for (const status of [204, 304]) {
    const response = await request(appAnswering(null, { status, ...json }), "/", get("gzip"));
    assert.equal(response.status, status);
    assert.equal(response.headers.has("content-encoding"), false);
    assert.equal(response.headers.has("vary"), status === 304, "a 304 repeats the 200's Vary");
  }
  const partial = await request(appAnswering(BIG, { status: 206, ...json }), "/", get("gzip"));
  assert.equal(partial.headers.has("content-encoding"), false);
  const encoded = await request(
    appAnswering(BIG, { headers: { "content-type": "text/plain", "content-encoding": "br" } }),
    "/",
    get("gzip"),
  );
  assert.equal(encoded.headers.get("content-encoding"), "br");
  assert.equal(await encoded.text(), BIG);
  const noTransform = await request(
    appAnswering(BIG, {
      headers: { "content-type": "text/plain", "cache-control": "public, No-Transform" },
    }),
    "/",
    get("gzip"),
  );
  assert.equal(noTransform.headers.has("content-encoding"), false);
});

test("compress() compresses error responses too, such as a large problem body", async () => {
  const app = new App().use(compress({ threshold: 10 }));
  const response = await request(app, "/missing", get("gzip"));
  assert.equal(response.status, 404);
  assert.equal(response.headers.get("content-encoding"), "gzip");
  assert.equal(JSON.parse(await decompressed(response, "gzip")).status, 404);
});

test("compress() weakens a strong ETag and adds to an existing Vary", async () => {
  const app = appAnswering(BIG, {
    headers: { "content-type": "text/plain", etag: '"v1"', vary: "Origin" },
  });
  const response = await request(app, "/", get("gzip"));
  assert.equal(response.headers.get("etag"), 'W/"v1"');
  assert.equal(response.headers.get("vary"), "Origin, Accept-Encoding");
  const weak = appAnswering(BIG, { headers: { "content-type": "text/plain", etag: 'W/"v1"' } });
  assert.equal((await request(weak, "/", get("gzip"))).headers.get("etag"), 'W/"v1"');
});

test("compress() sets Vary on a copy when the response's headers are immutable", async () => {
  const app = new App().use(compress({ threshold: 0 }))
    .get("/", () => immutable(new Response(BIG, json)));
  const response = await request(app, "/", get("br"));
  assert.equal(response.headers.get("vary"), "Accept-Encoding");
  assert.equal(await response.text(), BIG);
  const compressed = await request(app, "/", get("gzip"));
  assert.equal(await decompressed(compressed, "gzip"), BIG);
});

test("compress() serves gzip that the runtime's HTTP client decodes", async () => {
  const app = appAnswering(BIG, json);
  const server = serve(app.fetch);
  try {
    const response = await fetch(`${server.url}/`, { headers: { "accept-encoding": "gzip" } });
    assert.equal(await response.text(), BIG);
  } finally {
    await server.stop();
  }
});

test("compress() refuses codings it cannot make and a threshold that is not a byte count", () => {
  assert.throws(() => compress({ encodings: ["br" as Encoding] }), {
    name: "TypeError",
    message: /must list "gzip" and\/or "deflate"/,
  });
  assert.throws(() => compress({ encodings: [] }), { name: "TypeError" });
  assert.throws(() => compress({ threshold: -1 }), { name: "RangeError" });
  assert.throws(() => compress({ compressible: /json/ as unknown as () => boolean }), {
    name: "TypeError",
  });
});

test("compress() answers HEAD with the headers the GET would get, without the GET's uncompressed length", async () => {
  const headers = {
    "content-type": "text/plain",
    "content-length": String(BIG.length),
    etag: '"v1"',
  };
  const app = new App().use(compress()).get("/", () => new Response(BIG, { headers }));
  const full = await request(app, "/", get("gzip"));
  const head = await request(app, "/", get("gzip", "HEAD"));
  assert.equal(head.body, null, "HEAD through the GET route: the router dropped the body");
  assert.deepEqual(Object.fromEntries(head.headers), Object.fromEntries(full.headers));
  assert.equal(head.headers.has("content-length"), false, "RFC 9110 8.6: not the GET's length");
  assert.equal(head.headers.get("content-encoding"), "gzip");
  await full.body?.cancel();
  const identity = await request(app, "/", get("br", "HEAD"));
  assert.equal(identity.headers.get("content-length"), String(BIG.length));
  assert.equal(identity.headers.get("vary"), "Accept-Encoding");
  // A GET body of unstated length: the router counts it for HEAD, so compress() can tell too.
  const unstated = new App().use(compress()).get("/", () => new Response(BIG, json));
  const unstatedGet = await request(unstated, "/", get("gzip"));
  const unstatedHead = await request(unstated, "/", get("gzip", "HEAD"));
  assert.equal(unstatedHead.headers.get("content-encoding"), "gzip");
  assert.deepEqual(
    Object.fromEntries(unstatedHead.headers),
    Object.fromEntries(unstatedGet.headers),
  );
  await unstatedGet.body?.cancel();
});

test("compress() keeps weak in a 304 the ETag it weakened, so a cache can match it to what it stored", async () => {
  const app = new App().use(compress(), etag()).get(
    "/",
    () => new Response(BIG, { headers: { "content-type": "text/plain", etag: '"v1"' } }),
  );
  const compressed = await request(app, "/", get("gzip"));
  assert.equal(compressed.headers.get("etag"), 'W/"v1"');
  await compressed.body?.cancel();
  const revalidated = await request(app, "/", {
    headers: { "accept-encoding": "gzip", "if-none-match": 'W/"v1"' },
  });
  assert.equal(revalidated.status, 304);
  assert.equal(revalidated.headers.get("etag"), 'W/"v1"', "RFC 9111 4.3.4: the stored one's");
  assert.equal(revalidated.headers.get("vary"), "Accept-Encoding");
  const identity = await request(app, "/", { headers: { "if-none-match": '"v1"' } });
  assert.equal(identity.status, 304);
  assert.equal(identity.headers.get("etag"), '"v1"', "an uncompressed copy keeps its strong tag");
});

test("compress() drops Accept-Ranges from what it compresses, as ranges would be of the uncompressed body", async () => {
  const app = appAnswering(BIG, {
    headers: { "content-type": "text/plain", "accept-ranges": "bytes" },
  });
  const compressed = await request(app, "/", get("gzip"));
  assert.equal(compressed.headers.get("content-encoding"), "gzip");
  assert.equal(compressed.headers.has("accept-ranges"), false);
  await compressed.body?.cancel();
  const identity = await request(app, "/", get("br"));
  assert.equal(identity.headers.get("accept-ranges"), "bytes");
  await identity.body?.cancel();
});

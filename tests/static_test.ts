import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, rename, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { App } from "../mod.ts";
import { serveStatic, type ServeStaticOptions } from "../lib/static/mod.ts";
import { _serveStatic } from "../lib/static/serve_static.ts";
import { ask, recordingFs, staticFixture, withRoot } from "./_static_fixture.ts";

// What serveStatic answers, asked through its fetch handler: files, HEAD,
// folders, methods, Cache-Control, streaming, routes and options. Elsewhere:
// conditional requests and ranges (static_conditional_test.ts), precompressed
// siblings (static_precompressed_test.ts), the single-page fallback
// (static_fallback_test.ts), path safety (static_safety_test.ts), real sockets
// (static_serve_test.ts).

test("serveStatic() serves a file with its type, length, validators and Accept-Ranges", async () => {
  await withRoot({}, async (handler, fixture) => {
    const response = await ask(handler, "/hello.txt");
    assert.equal(response.status, 200);
    assert.equal(response.headers.get("content-type"), "text/plain; charset=utf-8");
    assert.equal(
      response.headers.get("content-length"),
      String(fixture.files.get("/hello.txt")!.length),
    );
    assert.equal(response.headers.get("accept-ranges"), "bytes");
    assert.match(response.headers.get("etag")!, /^"[0-9a-f]+-[0-9a-f]+"$/);
    assert.equal(response.headers.get("vary"), "accept-encoding");
    const lastModified = response.headers.get("last-modified")!;
    assert.match(lastModified, /^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    assert.equal(response.headers.get("cache-control"), null, "no Cache-Control unless asked");
    assert.equal(await response.text(), "Hello, static world!");
  });
});

test("serveStatic() answers HEAD with the GET's headers, Content-Length included, and no body", async () => {
  await withRoot({}, async (handler, fixture) => {
    const get = await ask(handler, "/app.js");
    await get.body?.cancel();
    const head = await ask(handler, "/app.js", { method: "HEAD" });
    assert.equal(head.status, 200);
    assert.equal(head.body, null);
    assert.deepEqual([...head.headers], [...get.headers]);
    assert.equal(head.headers.get("content-length"), String(fixture.files.get("/app.js")!.length));
  });
});

test("serveStatic() picks the Content-Type by extension, octet-stream when unknown, or by the contentType option", async () => {
  await withRoot({}, async (handler) => {
    const types: Record<string, string> = {
      "/index.html": "text/html; charset=utf-8",
      "/style.css": "text/css; charset=utf-8",
      "/app.js": "text/javascript; charset=utf-8",
      "/assets/logo.svg": "image/svg+xml",
      "/docs/guide.md": "text/markdown; charset=utf-8",
      "/data.unknownext": "application/octet-stream",
    };
    for (const [path, type] of Object.entries(types)) {
      const response = await ask(handler, path);
      await response.body?.cancel();
      assert.equal(response.headers.get("content-type"), type, path);
    }
  });
  const seen: string[] = [];
  await withRoot({
    contentType: (path) => {
      seen.push(path);
      return path.endsWith(".unknownext") ? "application/x-custom" : undefined;
    },
  }, async (handler) => {
    const custom = await ask(handler, "/data.unknownext");
    assert.equal(custom.headers.get("content-type"), "application/x-custom");
    const builtIn = await ask(handler, "/hello.txt");
    assert.equal(builtIn.headers.get("content-type"), "text/plain; charset=utf-8");
    await Promise.all([custom.body?.cancel(), builtIn.body?.cancel()]);
  });
  assert.deepEqual(seen, ["/data.unknownext", "/hello.txt"]);
});

test("serveStatic() serves names that need percent-encoding and an empty file", async () => {
  await withRoot({}, async (handler) => {
    assert.equal(await (await ask(handler, "/caf%C3%A9%20menu.txt")).text(), "an encoded name");
    assert.equal(await (await ask(handler, "/100%25.txt")).text(), "a percent sign");
    const empty = await ask(handler, "/empty.txt");
    assert.equal(empty.status, 200);
    assert.equal(empty.headers.get("content-length"), "0");
    assert.equal(await empty.text(), "");
    assert.equal((await ask(handler, "/100%.txt")).status, 404, "a malformed escape names no file");
  });
});

test("serveStatic() answers a folder with its index, redirects it to add the slash, and 404s a folder without one", async () => {
  await withRoot({}, async (handler) => {
    const docs = await ask(handler, "/docs/");
    assert.equal(docs.status, 200);
    assert.equal(docs.headers.get("content-type"), "text/html; charset=utf-8");
    assert.equal(await docs.text(), "<!doctype html><title>docs</title>");
    assert.equal(await (await ask(handler, "/")).text(), "<!doctype html><title>home</title>");

    const redirect = await ask(handler, "/docs?tab=2");
    assert.equal(redirect.status, 301);
    assert.equal(redirect.headers.get("location"), "./docs/?tab=2");
    assert.equal(
      new URL(redirect.headers.get("location")!, "http://localhost/mounted/docs").pathname,
      "/mounted/docs/",
      "relative, so right under any mount prefix",
    );
    const dotted = await ask(handler, "/v1.2");
    assert.equal(dotted.headers.get("location"), "./v1.2/");

    assert.equal((await ask(handler, "/empty/")).status, 404);
    assert.equal((await ask(handler, "/empty")).status, 404, "no redirect to a 404");
    assert.equal((await ask(handler, "/hello.txt/")).status, 404, "a file is not a folder");
  });
  await withRoot({ index: false }, async (handler) => {
    assert.equal((await ask(handler, "/docs/")).status, 404);
    assert.equal((await ask(handler, "/docs")).status, 404);
    assert.equal((await ask(handler, "/")).status, 404);
  });
  await withRoot({ index: "guide.md" }, async (handler) => {
    assert.equal(await (await ask(handler, "/docs/")).text(), "# Guide");
  });
});

test("serveStatic() refuses other methods than GET and HEAD with 405 and Allow, before touching the file system", async () => {
  await using fixture = await staticFixture();
  const files = recordingFs();
  const handler = _serveStatic({ root: fixture.root }, files);
  for (const method of ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"]) {
    const response = await ask(handler, "/hello.txt", { method });
    assert.equal(response.status, 405, method);
    assert.equal(response.headers.get("allow"), "GET, HEAD");
    assert.equal(response.headers.get("content-type"), "application/problem+json");
    await response.body?.cancel();
  }
  assert.equal(files.calls.length, 0);
});

test("serveStatic() sends cacheControl on files and their 304s, by path when it is a function", async () => {
  await withRoot({ cacheControl: "public, max-age=60" }, async (handler) => {
    const response = await ask(handler, "/hello.txt");
    await response.body?.cancel();
    assert.equal(response.headers.get("cache-control"), "public, max-age=60");
    const notModified = await ask(handler, "/hello.txt", {
      headers: { "if-none-match": response.headers.get("etag")! },
    });
    assert.equal(notModified.status, 304);
    assert.equal(notModified.headers.get("cache-control"), "public, max-age=60");
    assert.equal((await ask(handler, "/missing")).headers.get("cache-control"), null);
  });
  const paths: string[] = [];
  await withRoot({
    cacheControl: (path) => {
      paths.push(path);
      return path.startsWith("/assets/") ? "max-age=31536000, immutable" : undefined;
    },
  }, async (handler) => {
    const asset = await ask(handler, "/assets/logo.svg");
    assert.equal(asset.headers.get("cache-control"), "max-age=31536000, immutable");
    const page = await ask(handler, "/docs/");
    assert.equal(page.headers.get("cache-control"), null);
    await Promise.all([asset.body?.cancel(), page.body?.cancel()]);
  });
  assert.deepEqual(paths, ["/assets/logo.svg", "/docs/index.html"]);
});

test("serveStatic() streams a large file in bounded reads and closes it, also when the client stops reading", async () => {
  await using fixture = await staticFixture(8 * 1024 * 1024);
  const files = recordingFs();
  const handler = _serveStatic({ root: fixture.root }, files);
  const response = await ask(handler, "/big.bin");
  assert.equal(response.headers.get("content-length"), String(8 * 1024 * 1024));
  const bytes = new Uint8Array(await response.arrayBuffer());
  assert.deepEqual(bytes, fixture.files.get("/big.bin"));
  assert.equal(files.largestRead(), 64 * 1024, "never more than a chunk at a time");
  assert.equal(files.reads(), 128);
  assert.equal(files.openHandles(), 0);

  const cancelled = await ask(handler, "/big.bin");
  const reader = cancelled.body!.getReader();
  await reader.read();
  await reader.cancel();
  assert.equal(files.openHandles(), 0, "closed on cancel");
  assert.ok(files.reads() <= 128 + 2, "stops reading once cancelled");

  const head = await ask(handler, "/big.bin", { method: "HEAD" });
  assert.equal(head.headers.get("content-length"), String(8 * 1024 * 1024));
  assert.equal(files.calls.filter((call) => call.call === "open").length, 2, "HEAD opens nothing");
});

test("serveStatic() serves a route's path (ctx.path), also in an App mounted under a prefix", async () => {
  await using fixture = await staticFixture();
  const site = new App().get("/docs/*", serveStatic({ root: fixture.root }));
  const app = new App().mount("/site", site).mount("/files", serveStatic({ root: fixture.root }));
  const viaRoute = await app.fetch(new Request("http://localhost/site/docs/guide.md"));
  assert.equal(await viaRoute.text(), "# Guide");
  const viaMount = await app.fetch(new Request("http://localhost/files/docs/guide.md"));
  assert.equal(await viaMount.text(), "# Guide");
  const mountRoot = await app.fetch(new Request("http://localhost/files"));
  assert.equal(await mountRoot.text(), "<!doctype html><title>home</title>");
  const head = await app.fetch(new Request("http://localhost/files/hello.txt", { method: "HEAD" }));
  assert.equal(head.headers.get("content-length"), "20");
  assert.equal(head.body, null);
  assert.equal((await app.fetch(new Request("http://localhost/files/nope"))).status, 404);
  await app.close();
});

test("serveStatic() checks its options when called, saying what to pass", () => {
  const wrong: [unknown, RegExp][] = [
    [undefined, /takes options like \{ root: "public" \}/],
    [{}, /root must be the folder to serve/],
    [{ root: "" }, /root must be the folder to serve/],
    [{ root: new URL("https://example.com/") }, /root must be a path or a file: URL/],
    [{ root: ".", dotfiles: "ignore" }, /dotfiles must be "deny" or "allow"/],
    [
      { root: ".", index: "../index.html" },
      /index must be a file name like "index.html", or false/,
    ],
    [{ root: ".", index: "" }, /index must be a file name/],
    [{ root: ".", precompressed: "yes" }, /precompressed must be true or false/],
    [
      { root: ".", cacheControl: 60 },
      /cacheControl must be a Cache-Control value like "max-age=3600", or a function/,
    ],
    [{ root: ".", cacheControl: "max-age=1\r\nx: y" }, /cacheControl must be one header line/],
    [
      { root: ".", fallback: "../index.html" },
      /fallback must be a file under root like "index.html"/,
    ],
    [{ root: ".", fallback: ".hidden/index.html" }, /fallback must be a file under root/],
    [{ root: ".", fallback: "a//b.html" }, /fallback must be a file under root/],
    [{ root: ".", contentType: "text/plain" }, /contentType must be a function of the file's path/],
  ];
  for (const [options, message] of wrong) {
    assert.throws(() => serveStatic(options as ServeStaticOptions), { name: "TypeError", message });
  }
  assert.doesNotThrow(() =>
    serveStatic({ root: new URL("file:///tmp/"), fallback: "/index.html" })
  );
  assert.doesNotThrow(() =>
    serveStatic({ root: ".", dotfiles: "allow", fallback: ".hidden/index.html" })
  );
});

test("serveStatic() rejects with a message naming root when root is missing or a file, then serves once it exists", async () => {
  await using fixture = await staticFixture();
  const missing = serveStatic({ root: join(fixture.base, "later") });
  await assert.rejects(ask(missing, "/hello.txt"), {
    message: new RegExp(`root ".*later" does not exist or cannot be read: create it`),
  });
  const file = serveStatic({ root: fixture.secretPath });
  await assert.rejects(ask(file, "/"), {
    message: /is not a folder: pass the folder your files are in/,
  });

  const app = new App({ logger: { error() {} } }).mount("/", missing);
  assert.equal((await app.fetch(new Request("http://localhost/hello.txt"))).status, 500);
  await rename(fixture.root, join(fixture.base, "later"));
  const served = await app.fetch(new Request("http://localhost/hello.txt"));
  assert.equal(await served.text(), "Hello, static world!");
  await rename(join(fixture.base, "later"), fixture.root);
  await app.close();
});

test("serveStatic() follows a root that is a symlink switched to another folder", async () => {
  await using fixture = await staticFixture();
  await mkdir(join(fixture.base, "v2"));
  await writeFile(join(fixture.base, "v2", "hello.txt"), "version 2");
  await symlink(fixture.root, join(fixture.base, "current"));
  const handler = serveStatic({ root: join(fixture.base, "current") });
  assert.equal(await (await ask(handler, "/hello.txt")).text(), "Hello, static world!");
  await symlink(join(fixture.base, "v2"), join(fixture.base, "next"));
  await rename(join(fixture.base, "next"), join(fixture.base, "current"));
  assert.equal(await (await ask(handler, "/hello.txt")).text(), "version 2");
});

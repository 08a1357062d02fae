import { test } from "node:test";
import assert from "node:assert/strict";
import net from "node:net";
import { App } from "../mod.ts";
import { serveStatic } from "../lib/static/mod.ts";
import { _serveStatic } from "../lib/static/serve_static.ts";
import { runtime, serve, type TestServer } from "./_serve.ts";
import { recordingFs, type StaticFixture, staticFixture } from "./_static_fixture.ts";

// serveStatic on the wire: a real Deno.serve or Bun.serve socket, serving the
// handler itself and through app.mount() in an App, as a browser sees it.

const BIG = 8 * 1024 * 1024;

/** Serves the fixture's root twice on one server: at the root directly, and under /static in an App. */
async function withServers(
  run: (servers: { direct: string; mounted: string }, fixture: StaticFixture) => Promise<void>,
): Promise<void> {
  await using fixture = await staticFixture(BIG);
  const app = new App().mount("/static", serveStatic({ root: fixture.root }));
  const direct = serve(serveStatic({ root: fixture.root }));
  const mounted = serve(app.fetch);
  try {
    await run({ direct: direct.url, mounted: `${mounted.url}/static` }, fixture);
  } finally {
    await Promise.all([direct.stop(), mounted.stop()]);
    await app.close();
  }
}

/** Sends `target` as written, with no client normalizing it, and returns the raw response. */
function rawGet(server: string, target: string): Promise<string> {
  const { hostname, port } = new URL(server);
  return new Promise((resolve, reject) => {
    const socket = net.connect(Number(port), hostname, () => {
      socket.write(`GET ${target} HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n`);
    });
    let data = "";
    socket.setEncoding("latin1");
    socket.on("data", (chunk) => data += chunk);
    socket.on("end", () => resolve(data));
    socket.on("error", reject);
  });
}

test(`serveStatic() on ${runtime}'s server answers HEAD with the file's Content-Length and no body`, async () => {
  await withServers(async ({ direct, mounted }, fixture) => {
    for (const base of [direct, mounted]) {
      for (
        const [path, size] of [["/hello.txt", fixture.files.get("/hello.txt")!.length], [
          "/big.bin",
          BIG,
        ]] as const
      ) {
        const head = await fetch(`${base}${path}`, { method: "HEAD" });
        assert.equal(head.status, 200, `${base}${path}`);
        assert.equal(head.headers.get("content-length"), String(size), `${base}${path}`);
        assert.equal(head.headers.get("accept-ranges"), "bytes");
        assert.equal((await head.arrayBuffer()).byteLength, 0);
      }
    }
    // On the wire, not as fetch() reports it.
    const { hostname, port } = new URL(direct);
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = net.connect(Number(port), hostname, () => {
        socket.write("HEAD /hello.txt HTTP/1.1\r\nhost: localhost\r\nconnection: close\r\n\r\n");
      });
      let data = "";
      socket.on("data", (chunk) => data += chunk);
      socket.on("end", () => resolve(data));
      socket.on("error", reject);
    });
    assert.match(
      raw,
      new RegExp(`\r\ncontent-length: ${fixture.files.get("/hello.txt")!.length}\r\n`, "i"),
    );
    assert.ok(raw.endsWith("\r\n\r\n"), "no body after the headers");
  });
});

test(`serveStatic() on ${runtime}'s server streams an 8 MiB file whole, with its Content-Length`, async () => {
  await withServers(async ({ direct, mounted }, fixture) => {
    for (const base of [direct, mounted]) {
      const response = await fetch(`${base}/big.bin`);
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("content-length"), String(BIG));
      assert.equal(response.headers.get("transfer-encoding"), null);
      const bytes = new Uint8Array(await response.arrayBuffer());
      assert.equal(bytes.length, BIG);
      assert.deepEqual(bytes, fixture.files.get("/big.bin"), base);
    }
  });
});

test(`serveStatic() on ${runtime}'s server answers a Range with 206 and 304 for a matching If-None-Match`, async () => {
  await withServers(async ({ direct, mounted }, fixture) => {
    const big = fixture.files.get("/big.bin")!;
    for (const base of [direct, mounted]) {
      const start = BIG - 100_000;
      const partial = await fetch(`${base}/big.bin`, { headers: { range: `bytes=${start}-` } });
      assert.equal(partial.status, 206);
      assert.equal(partial.headers.get("content-range"), `bytes ${start}-${BIG - 1}/${BIG}`);
      assert.equal(partial.headers.get("content-length"), "100000");
      assert.deepEqual(new Uint8Array(await partial.arrayBuffer()), big.subarray(start));

      const outside = await fetch(`${base}/big.bin`, { headers: { range: `bytes=${BIG}-` } });
      assert.equal(outside.status, 416);
      assert.equal(outside.headers.get("content-range"), `bytes */${BIG}`);
      await outside.body?.cancel();

      const first = await fetch(`${base}/hello.txt`);
      await first.arrayBuffer();
      const again = await fetch(`${base}/hello.txt`, {
        headers: { "if-none-match": first.headers.get("etag")! },
      });
      assert.equal(again.status, 304);
      assert.equal(again.headers.get("etag"), first.headers.get("etag"));
      assert.equal((await again.arrayBuffer()).byteLength, 0);
      const since = await fetch(`${base}/hello.txt`, {
        headers: { "if-modified-since": first.headers.get("last-modified")! },
      });
      assert.equal(since.status, 304);
      await since.arrayBuffer();
    }
  });
});

test(`serveStatic() on ${runtime}'s server answers traversals sent as raw request targets with 404`, async () => {
  await withServers(async ({ direct, mounted }) => {
    const targets = [
      "/../secret.txt",
      "/%2e%2e/secret.txt",
      "/docs/../../secret.txt",
      "/%2e%2e%2fsecret.txt",
      "/..%5csecret.txt",
      "/..\\secret.txt",
      "/link-out.txt",
      "/.env",
      "/hello.txt%00",
    ];
    for (const base of [direct, mounted]) {
      const prefix = new URL(base).pathname.replace(/\/$/, "");
      for (const target of targets) {
        const raw = await rawGet(base, `${prefix}${target}`);
        assert.ok(!raw.includes("TOP SECRET"), `${prefix}${target} leaked the secret`);
        // Bun's server resolves `..` before the handler sees the URL: the path left is inside root.
        assert.match(raw, /^HTTP\/1\.1 404 /, `${prefix}${target}`);
      }
    }
  });
});

test(`serveStatic() on ${runtime}'s server closes the file when the client goes away mid-stream`, async () => {
  await using fixture = await staticFixture(BIG);
  const files = recordingFs();
  const server: TestServer = serve(_serveStatic({ root: fixture.root }, files));
  try {
    const controller = new AbortController();
    const response = await fetch(`${server.url}/big.bin`, { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    await reader.closed.catch(() => {});
    // The server learns of the disconnect on its own schedule: wait for it, bounded.
    for (let turn = 0; turn < 500 && files.openHandles() > 0; turn++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    assert.equal(files.openHandles(), 0, "the handle was closed");
    assert.ok(files.reads() < BIG / (64 * 1024), `stopped reading after ${files.reads()} chunks`);
  } finally {
    await server.stop();
  }
});

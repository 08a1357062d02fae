// What a client sees on the wire for HEAD, rewritten requests and mounted
// fetch handlers, over this runtime's own server (Deno.serve or Bun.serve) and
// through app.fetch. A HEAD is read off a raw socket: fetch() clients may hide
// a HEAD's Content-Length.
import { test } from "node:test";
import assert from "node:assert/strict";
import { App, type Middleware } from "../mod.ts";
import { rawHead, rawRequest } from "./_reliability.ts";
import { runtime, serve, type TestServer } from "./_serve.ts";

/** A reply read off a raw socket: its status, its headers by lowercase name, and what followed them. */
interface WireReply {
  readonly status: number | undefined;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: string;
}

/** Sends `method path` to `server` on a raw socket and reads the reply to the end. */
async function onTheWire(server: TestServer, method: string, path: string): Promise<WireReply> {
  const reply = await rawRequest(server.url, rawHead(method, path));
  const end = reply.text.indexOf("\r\n\r\n");
  assert.notEqual(end, -1, `${method} ${path}: no complete head in ${JSON.stringify(reply.text)}`);
  const headers = new Map<string, string>();
  for (const line of reply.text.slice(0, end).split("\r\n").slice(1)) {
    const colon = line.indexOf(":");
    headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }
  return { status: reply.status, headers, body: reply.text.slice(end + 4) };
}

/** How many bytes the body of a `GET` of `path` holds, read whole (chunked framing undone). */
async function getByteCount(origin: string, path: string): Promise<number> {
  return (await (await fetch(`${origin}${path}`)).arrayBuffer()).byteLength;
}

const STREAMED_CHUNKS = ["streamed ", "in ", "three chunks"];

/** GET routes of every kind a HEAD can be answered from: text, JSON, a stated length, a stream. */
function headApp(): App {
  return new App({ logger: { error() {} } })
    .get("/text", () => new Response("hello world"))
    .get("/json", () => Response.json({ greeting: "hello", list: [1, 2, 3], emoji: "😀" }))
    .get("/sized", () => new Response("abc", { headers: { "content-length": "3" } }))
    .get("/stream", () =>
      new Response(
        new ReadableStream<Uint8Array>({
          start(controller) {
            for (const chunk of STREAMED_CHUNKS) {
              controller.enqueue(new TextEncoder().encode(chunk));
            }
            controller.close();
          },
        }),
      ));
}

/** Paths whose GET has a length known before it is sent; `/missing` is a 404 problem body. */
const KNOWN_LENGTH_PATHS = ["/text", "/json", "/sized", "/missing"];

test(`HEAD to a GET route, over ${runtime}'s server, has the GET's Content-Length and no body`, async () => {
  const server = serve(headApp().fetch);
  try {
    for (const path of KNOWN_LENGTH_PATHS) {
      const get = await onTheWire(server, "GET", path);
      const head = await onTheWire(server, "HEAD", path);
      const length = get.headers.get("content-length");
      assert.ok(length !== undefined, `GET ${path} states its length`);
      assert.equal(Number(length), await getByteCount(server.url, path), `GET ${path}`);
      assert.equal(head.status, get.status, `HEAD ${path}: the GET's status`);
      assert.equal(head.headers.get("content-length"), length, `HEAD ${path}: the GET's length`);
      assert.equal(head.body, "", `HEAD ${path}: no body`);
    }
    assert.equal((await onTheWire(server, "HEAD", "/text")).headers.get("content-length"), "11");
    assert.equal((await onTheWire(server, "HEAD", "/missing")).status, 404);
  } finally {
    await server.stop();
  }
});

test(`HEAD to a GET route that streams, over ${runtime}'s server, states no length or the GET's, and has no body`, async () => {
  const server = serve(headApp().fetch);
  try {
    const bytes = await getByteCount(server.url, "/stream");
    assert.equal(bytes, STREAMED_CHUNKS.join("").length);
    const head = await onTheWire(server, "HEAD", "/stream");
    assert.equal(head.status, 200);
    const length = head.headers.get("content-length");
    assert.ok(
      length === undefined || Number(length) === bytes,
      `HEAD's Content-Length is ${length}; the GET sends ${bytes} bytes`,
    );
    assert.equal(head.body, "");
  } finally {
    await server.stop();
  }
});

test("HEAD to a GET route, through app.fetch, has the length of the GET's body and no body", async () => {
  const app = headApp();
  for (const path of [...KNOWN_LENGTH_PATHS, "/stream"]) {
    const get = await app.fetch(new Request(`http://localhost${path}`));
    const bytes = (await get.arrayBuffer()).byteLength;
    const head = await app.fetch(new Request(`http://localhost${path}`, { method: "HEAD" }));
    assert.equal(head.status, get.status, path);
    assert.equal(head.body, null, path);
    const length = head.headers.get("content-length");
    if (path === "/stream") {
      assert.ok(length === null || Number(length) === bytes, `HEAD /stream says ${length}`);
    } else {
      assert.equal(length, String(bytes), `HEAD ${path}: the GET sends ${bytes} bytes`);
    }
  }
});

/** Rewrites `/old/<id>` to `/new/<id>`, keeping the query. */
const moved: Middleware = (next) => (request, ctx) => {
  if (!ctx.path.startsWith("/old/")) return next(request, ctx);
  const url = new URL(request.url);
  url.pathname = `/new/${url.pathname.slice("/old/".length)}`;
  return next(new Request(url, request), ctx);
};

/** Strips a locale prefix: `/en/users/1` is `/users/1`. */
const withoutLocale: Middleware = (next) => (request, ctx) => {
  const url = new URL(request.url);
  const locale = /^\/(?:en|fr)(\/.*)$/.exec(url.pathname);
  if (locale === null) return next(request, ctx);
  url.pathname = locale[1] as string;
  return next(new Request(url, request), ctx);
};

/** Drops a trailing slash: `/users/1/` is `/users/1`. */
const withoutTrailingSlash: Middleware = (next) => (request, ctx) => {
  const url = new URL(request.url);
  if (url.pathname === "/" || !url.pathname.endsWith("/")) return next(request, ctx);
  url.pathname = url.pathname.slice(0, -1);
  return next(new Request(url, request), ctx);
};

/** Hands on a new Request for the same URL, with one more header. */
const stamped: Middleware = (next) => (request, ctx) =>
  next(
    new Request(request, { headers: { ...Object.fromEntries(request.headers), "x-seen": "1" } }),
    ctx,
  );

/** An app behind the three rewrites, whose routes say which of them answered and what they saw. */
function rewritingApp(): App {
  const answer = (route: string) => (request: Request, ctx: { path: string; params: object }) =>
    Response.json({ route, path: ctx.path, params: ctx.params, url: request.url });
  return new App()
    .use(moved, withoutLocale, withoutTrailingSlash)
    .get("/old/:id", answer("/old/:id"))
    .get("/new/:id", answer("/new/:id"))
    .get("/users/:id", answer("/users/:id"))
    .get("/en/users/:id", answer("/en/users/:id"));
}

/** What each request must reach: the route, `ctx.path`, `ctx.params` and the URL the handler gets. */
const REWRITES: [string, { route: string; path: string; params: object; url: string }][] = [
  ["/old/7?x=1", { route: "/new/:id", path: "/new/7", params: { id: "7" }, url: "/new/7?x=1" }],
  ["/en/users/1", { route: "/users/:id", path: "/users/1", params: { id: "1" }, url: "/users/1" }],
  ["/users/2/", { route: "/users/:id", path: "/users/2", params: { id: "2" }, url: "/users/2" }],
  ["/fr/users/3/", { route: "/users/:id", path: "/users/3", params: { id: "3" }, url: "/users/3" }],
  // Passed through unchanged by all three: the fast path.
  ["/users/4?y=2", {
    route: "/users/:id",
    path: "/users/4",
    params: { id: "4" },
    url: "/users/4?y=2",
  }],
];

test(`A middleware that hands on a request for a new URL gets the new URL's route, path and params, over ${runtime}'s server`, async () => {
  const server = serve(rewritingApp().fetch);
  try {
    for (const [path, expected] of REWRITES) {
      const response = await fetch(`${server.url}${path}`);
      assert.equal(response.status, 200, path);
      assert.deepEqual(
        await response.json(),
        { ...expected, url: `${server.url}${expected.url}` },
        path,
      );
    }
  } finally {
    await server.stop();
  }
});

test("A middleware that hands on a request for a new URL gets the new URL's route, path and params, through app.fetch", async () => {
  const app = rewritingApp();
  for (const [path, expected] of REWRITES) {
    const response = await app.fetch(new Request(`http://localhost${path}`));
    assert.equal(response.status, 200, path);
    assert.deepEqual(
      await response.json(),
      { ...expected, url: `http://localhost${expected.url}` },
      path,
    );
  }
});

test("A middleware that hands on a new request for the same URL keeps the route and params", async () => {
  const app = new App().use(stamped).get(
    "/users/:id",
    (request, ctx) =>
      Response.json({ id: ctx.params.id, path: ctx.path, seen: request.headers.get("x-seen") }),
  );
  const response = await app.fetch(new Request("http://localhost/users/5?z=3"));
  assert.deepEqual(await response.json(), { id: "5", path: "/users/5", seen: "1" });
});

/** A fetch handler that answers with the URL and method it was handed. */
const echoUrl = (request: Request): Response =>
  Response.json({ url: request.url, method: request.method });

/** Rewrites `/legacy/a…` to `http://other.example/legacy/b?rewritten=1`: another host, path and query. */
const toOtherHost: Middleware = (next) => (request, ctx) => {
  if (!ctx.path.startsWith("/legacy/a")) return next(request, ctx);
  return next(new Request("http://other.example/legacy/b?rewritten=1", request), ctx);
};

/** An app with a fetch handler mounted at `/legacy`, behind the host rewrite. */
function mountingApp(): App {
  return new App().use(toOtherHost).mount("/legacy", echoUrl);
}

/** Request path → the URL the mounted handler must get, after `origin`; absolute when rewritten. */
const MOUNTED: [string, string][] = [
  ["/legacy/files/report.pdf?version=2&lang=en", "/files/report.pdf?version=2&lang=en"],
  ["/legacy?x=1", "/?x=1"],
  ["/legacy/a?old=1", "http://other.example/b?rewritten=1"],
];

test(`A mounted fetch handler, over ${runtime}'s server, gets the request it was handed with the mount prefix stripped from its own path`, async () => {
  const server = serve(mountingApp().fetch);
  try {
    for (const [path, expected] of MOUNTED) {
      const response = await fetch(`${server.url}${path}`);
      assert.equal(response.status, 200, path);
      const url = expected.startsWith("/") ? `${server.url}${expected}` : expected;
      assert.deepEqual(await response.json(), { url, method: "GET" }, path);
    }
  } finally {
    await server.stop();
  }
});

test("A mounted fetch handler, through app.fetch, gets the request it was handed with the mount prefix stripped from its own path", async () => {
  const app = mountingApp();
  for (const [path, expected] of MOUNTED) {
    const response = await app.fetch(new Request(`http://localhost${path}`, { method: "DELETE" }));
    assert.equal(response.status, 200, path);
    const url = expected.startsWith("/") ? `http://localhost${expected}` : expected;
    assert.deepEqual(await response.json(), { url, method: "DELETE" }, path);
  }
});

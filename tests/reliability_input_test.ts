// Bad input: paths and methods a client can send, through app.fetch and over a
// real socket (raw HTTP, since fetch and Request normalize what they send).
// Where a runtime's server decides before the app sees anything, the tests
// record what each runtime does.
import { test } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { App, HttpError } from "../mod.ts";
import { ok, recordingLogger, request } from "./_helpers.ts";
import { runtime, serve } from "./_serve.ts";
import { rawBody, rawHead, rawRequest, withoutUnhandledRejections } from "./_reliability.ts";

/** An app with a static, a param and a wildcard route, each answering what it got. */
function echoApp(logger = recordingLogger()) {
  const calls: { method: string; path: string }[] = [];
  const app = new App({ logger })
    .use((next) => (request, ctx) => {
      calls.push({ method: request.method, path: ctx.path });
      return next(request, ctx);
    })
    .get("/static", () => new Response("static"))
    .get("/one/:name", (_request, ctx) => Response.json({ name: ctx.params.name }))
    .get("/files/*", (_request, ctx) => Response.json({ rest: ctx.params["*"] }))
    .all("/any", (request) => new Response(request.method))
    .patch("/patch", ok);
  return { app, calls, logger };
}

test("App answers 400 with a problem body, and logs nothing, for every malformed percent-encoding", () =>
  withoutUnhandledRejections(async () => {
    const { app, logger } = echoApp();
    const malformed = [
      "/%",
      "/%2",
      "/%ZZ",
      "/one/%",
      "/one/a%2",
      "/files/%E0%A4%A", // a truncated three-byte sequence
      "/files/%C0%AF", // an overlong "/"
      "/files/%ED%A0%80", // a lone surrogate
      "/files/%FF",
      "/one/%80",
      "/static/%G0",
    ];
    for (const path of malformed) {
      const response = await request(app, path);
      assert.equal(response.status, 400, path);
      assert.equal(response.headers.get("content-type"), "application/problem+json");
      const body = await response.json();
      assert.equal(body.detail, "The request path has a malformed percent-encoding");
    }
    assert.equal(logger.entries.length, 0);
  }));

test("App keeps an encoded slash inside one param, but a wildcard gets it decoded as a plain slash", async () => {
  const { app } = echoApp();
  assert.deepEqual(await (await request(app, "/one/a%2Fb")).json(), { name: "a/b" });
  assert.equal((await request(app, "/one/a/b")).status, 404, "a real slash is two segments");
  // The wildcard joins decoded segments: "x%2Fy" and "x/y" arrive alike, and so does "..%2F".
  assert.deepEqual(await (await request(app, "/files/x%2Fy")).json(), { rest: "x/y" });
  assert.deepEqual(await (await request(app, "/files/x/y")).json(), { rest: "x/y" });
  assert.deepEqual(await (await request(app, "/files/..%2F..%2Fetc")).json(), {
    rest: "../../etc",
  });
});

test("App treats double slashes as empty segments: no empty param, a wildcard keeps them", async () => {
  const { app } = echoApp();
  assert.equal((await request(app, "//static")).status, 404);
  assert.equal((await request(app, "/one//")).status, 404);
  assert.equal((await request(app, "/one/")).status, 404, "a param never matches empty");
  assert.deepEqual(await (await request(app, "/files//x//")).json(), { rest: "/x//" });
});

test("App answers a 64 KiB path through app.fetch in every route shape", () =>
  withoutUnhandledRejections(async () => {
    const { app } = echoApp();
    const long = "a".repeat(64 * 1024);
    assert.equal((await request(app, `/${long}`)).status, 404);
    assert.deepEqual(await (await request(app, `/one/${long}`)).json(), { name: long });
    const rest = "a/".repeat(32 * 1024);
    assert.deepEqual(await (await request(app, `/files/${rest}`)).json(), { rest });
    assert.equal((await request(app, `/files/${"%ZZ/".repeat(16 * 1024)}`)).status, 400);
    assert.equal((await request(app, `/${"%C3%A9".repeat(11_000)}`)).status, 404);
  }));

test(`A 64 KiB request line never reaches the app behind ${runtime}'s server`, async () => {
  const { app, calls } = echoApp();
  const server = serve(app.fetch);
  try {
    const reply = await rawRequest(server.url, rawHead("GET", `/files/${"a".repeat(64 * 1024)}`));
    // Deno's server caps the request head at 64 KiB with a 400; Bun's at about 16 KiB with a 431.
    assert.equal(reply.status, runtime === "deno" ? 400 : 431);
    const fits = await rawRequest(server.url, rawHead("GET", `/files/${"a".repeat(8000)}`));
    assert.equal(fits.status, 200, "an 8 KB path is served on both");
    assert.equal(calls.length, 1, "only the one that fits reached the app");
  } finally {
    await server.stop();
  }
});

test("App matches unicode paths however the client percent-encodes them", async () => {
  const app = new App()
    .get("/café", text("static"))
    .get("/日本/:city", (_request, ctx) => new Response(ctx.params.city));
  assert.equal(await (await request(app, "/café")).text(), "static");
  assert.equal(await (await request(app, "/caf%C3%A9")).text(), "static");
  assert.equal(await (await request(app, "/caf%c3%a9")).text(), "static");
  assert.equal(await (await request(app, "/日本/東京")).text(), "東京");
  assert.equal(await (await request(app, "/%E6%97%A5%E6%9C%AC/%F0%9F%97%BC")).text(), "🗼");
});

test(`Raw UTF-8 bytes in a request line match the unicode route behind ${runtime}'s server`, async () => {
  const paths: string[] = [];
  const app = new App().use((next) => (request, ctx) => {
    paths.push(ctx.path);
    return next(request, ctx);
  }).get("/café", text("static"));
  const server = serve(app.fetch);
  try {
    // "é" as its two UTF-8 bytes, unencoded, as a careless client sends it.
    const reply = await rawRequest(server.url, rawHead("GET", "/caf\xc3\xa9"));
    assert.equal(rawBody(reply), "static");
    // Deno decodes the bytes as UTF-8; Bun percent-encodes them. The router decodes either.
    assert.deepEqual(paths, [runtime === "deno" ? "/café" : "/caf%C3%A9"]);
    // Bytes that are not UTF-8 (Latin-1 "é") are no route, and no crash.
    const latin1 = await rawRequest(server.url, rawHead("GET", "/caf\xe9"));
    assert.ok(latin1.status === 404 || latin1.status === 400, latin1.statusLine);
  } finally {
    await server.stop();
  }
});

test("App gives params a null prototype and never writes to Object.prototype, whatever the names", async () => {
  const keysBefore = Object.getOwnPropertyNames(Object.prototype).sort();
  const app = new App()
    .get("/:__proto__/:constructor/:toString", (_request, ctx) => {
      assert.equal(Object.getPrototypeOf(ctx.params), null);
      return Response.json({ ...ctx.params, own: Object.keys(ctx.params) });
    })
    .get("/hasOwnProperty", text("own"));
  const body = JSON.parse(await (await request(app, "/polluted/yes/%7B%7D")).text());
  assert.deepEqual(Object.entries(body), [
    ["__proto__", "polluted"],
    ["constructor", "yes"],
    ["toString", "{}"],
    ["own", ["__proto__", "constructor", "toString"]],
  ]);
  const plain: Record<string, unknown> = {};
  assert.equal(plain.polluted, undefined);
  assert.equal(Object.prototype.constructor, Object);
  assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), keysBefore);
  // Paths named like Object.prototype members find no route: the router's tables are Maps.
  for (const path of ["/constructor", "/__proto__", "/toString", "/valueOf"]) {
    assert.equal((await request(app, path)).status, 404, path);
  }
  assert.equal(await (await request(app, "/hasOwnProperty")).text(), "own");
});

test(`Request normalizes lower-case methods on ${runtime}: the six standard ones on both, others on Bun only`, async () => {
  const { app } = echoApp();
  assert.equal((await request(app, "/static", { method: "get" })).status, 200);
  assert.equal(await (await request(app, "/any", { method: "delete" })).text(), "DELETE");
  const patch = await request(app, "/patch", { method: "patch" });
  if (runtime === "deno") {
    // Fetch upper-cases only DELETE, GET, HEAD, OPTIONS, POST and PUT; methods are case-sensitive.
    assert.equal(patch.status, 405);
    assert.equal(patch.headers.get("allow"), "PATCH, OPTIONS");
  } else {
    assert.equal(patch.status, 200, "Bun upper-cases every method");
  }
});

test(`Request on ${runtime} keeps an unknown method (Deno) or turns it into GET (Bun)`, async () => {
  const { app, calls } = echoApp();
  const response = await request(app, "/any", { method: "FROB" });
  assert.equal(await response.text(), runtime === "deno" ? "FROB" : "GET");
  assert.equal(calls[0]!.method, runtime === "deno" ? "FROB" : "GET");
  const onGetRoute = await request(app, "/static", { method: "FROB" });
  assert.equal(onGetRoute.status, runtime === "deno" ? 405 : 200);
});

test(`Unknown and lower-case methods over a real socket behind ${runtime}'s server`, () =>
  withoutUnhandledRejections(async () => {
    const { app, calls, logger } = echoApp();
    const server = serve(app.fetch);
    try {
      const send = (method: string, path: string) => rawRequest(server.url, rawHead(method, path));
      const frob = await send("FROB", "/any");
      const frobOnGet = await send("FROB", "/static");
      const lower = await send("get", "/static");
      const propfind = await send("PROPFIND", "/any");
      const invalid = await send("G@T", "/any");
      if (runtime === "deno") {
        // Deno passes any token through as it came; latch routes it like any method.
        assert.equal(frob.status, 200);
        assert.equal(rawBody(frob).split("\r\n").find((line) => line === "FROB"), "FROB");
        assert.equal(frobOnGet.status, 405);
        assert.match(frobOnGet.text, /\r\nallow: GET, HEAD, OPTIONS\r\n/i);
        assert.equal(lower.status, 405, "methods are case-sensitive: get is not GET");
        assert.deepEqual(calls.map((call) => call.method), ["FROB", "FROB", "get", "PROPFIND"]);
      } else {
        // Bun's server drops a method it does not know, and lower-case ones, without a response.
        for (const reply of [frob, frobOnGet, lower]) {
          assert.equal(reply.status, undefined, "no status line at all");
          assert.equal(reply.text, "");
        }
        assert.deepEqual(calls.map((call) => call.method), ["PROPFIND"]);
      }
      assert.equal(propfind.status, 200, "a registered extension method reaches the app on both");
      assert.equal(invalid.status, 400, "a method that is no token is refused by the server");
      assert.equal(logger.entries.length, 0);
    } finally {
      await server.stop();
    }
  }));

test(`Dot segments over a real socket: ${runtime === "deno" ? "Deno passes them to the app" : "Bun resolves them"}`, async () => {
  const { app, calls } = echoApp();
  const server = serve(app.fetch);
  try {
    const plain = await rawRequest(server.url, rawHead("GET", "/files/../static"));
    const encoded = await rawRequest(server.url, rawHead("GET", "/files/%2e%2e/static"));
    const escaped = await rawRequest(server.url, rawHead("GET", "/files/..%2Fstatic"));
    if (runtime === "deno") {
      // A wildcard handler gets "../static": it must not join that to a file path unchecked.
      assert.deepEqual(JSON.parse(rawBody(plain)), { rest: "../static" });
      assert.deepEqual(JSON.parse(rawBody(encoded)), { rest: "../static" });
      assert.deepEqual(calls.map((call) => call.path), [
        "/files/../static",
        "/files/%2e%2e/static",
        "/files/..%2Fstatic",
      ]);
    } else {
      assert.equal(rawBody(plain), "static");
      assert.equal(rawBody(encoded), "static");
      assert.deepEqual(calls.map((call) => call.path), [
        "/static",
        "/static",
        "/files/..%2Fstatic",
      ]);
    }
    // An encoded slash is no dot segment to either server: the wildcard gets "../static".
    assert.deepEqual(JSON.parse(rawBody(escaped)), { rest: "../static" });
  } finally {
    await server.stop();
  }
});

test(`A TRACE request to a mounted fetch handler behind ${runtime}'s server is refused, not logged as a crash`, () =>
  withoutUnhandledRejections(async () => {
    const logger = recordingLogger();
    const app = new App({ logger }).mount("/legacy", (request) => new Response(request.method));
    const server = serve(app.fetch);
    try {
      const reply = await rawRequest(server.url, rawHead("TRACE", "/legacy/x"));
      if (runtime === "bun") {
        // Bun's Request takes TRACE, so the mount forwards it.
        assert.equal(reply.status, 200);
        assert.equal(rawBody(reply), "TRACE");
      } else {
        // Deno's server passes TRACE in, but its Request constructor refuses to copy it.
        assert.ok(
          reply.status === 405 || reply.status === 501,
          `a client error or Not Implemented, got ${reply.statusLine}`,
        );
      }
      assert.deepEqual(
        logger.entries.map((entry) => entry.message),
        [],
        "a method any client can send is not an unhandled error",
      );
    } finally {
      await server.stop();
    }
  }));

/** A marker that cannot appear in a problem body by chance. */
const marker = fc.stringMatching(/^[A-Za-z0-9]{8,16}$/).map((random) => `SECRET${random}`);

test("App's error bodies never carry a stack, an internal message or a request header unless debug is on", async () => {
  await fc.assert(
    fc.asyncProperty(
      marker,
      marker,
      fc.constantFrom("error", "http5xx", "string", "middleware", "rejects", "handler-throws"),
      fc.boolean(),
      async (secret, headerValue, kind, debug) => {
        const logger = recordingLogger();
        const app = new App({ debug, logger });
        app.use((next) => (request, ctx) => {
          if (kind === "middleware") throw new Error(`${secret} ${request.headers.get("x-token")}`);
          return next(request, ctx);
        });
        if (kind === "handler-throws") {
          app.onError(Error, () => {
            throw new Error(`handler ${secret}`);
          });
        }
        app.get("/", (request) => {
          const token = request.headers.get("x-token");
          if (kind === "http5xx") throw new HttpError(503, `${secret} ${token}`);
          if (kind === "string") throw `${secret} ${token}`;
          if (kind === "rejects") return Promise.reject(new RangeError(`${secret} ${token}`));
          throw new Error(`${secret} ${token}`);
        });
        const response = await request(app, "/", { headers: { "x-token": headerValue } });
        const body = await response.text();
        const headers = [...response.headers].flat().join("\n");
        assert.ok(response.status >= 500);
        assert.equal(headers.includes(headerValue), false, "no request header in the headers");
        if (debug) {
          // The other side: debug shows the message, so the check above can fail.
          assert.ok(body.includes(secret), `debug shows the message: ${body}`);
        } else {
          assert.ok(!body.includes(secret), `no message: ${body}`);
          assert.ok(!body.includes(headerValue), `no header value: ${body}`);
          assert.ok(!/\bat\s/.test(body) && !body.includes("stack"), `no stack: ${body}`);
          assert.deepEqual(Object.keys(JSON.parse(body)).sort(), ["status", "title", "type"]);
        }
      },
    ),
    { numRuns: 60 },
  );
});

test("App's 404 and 405 bodies name the path or method the client sent, and nothing else it sent", async () => {
  await fc.assert(
    fc.asyncProperty(marker, marker, async (pathSecret, headerValue) => {
      // The 404 quotes the path: a header value inside the path would be found there rightly.
      fc.pre(!pathSecret.includes(headerValue));
      const app = new App().get("/only-get", ok);
      const headers = { "x-token": headerValue, cookie: `session=${headerValue}` };
      const missing = await (await request(app, `/${pathSecret}`, { headers })).text();
      assert.ok(missing.includes(pathSecret), "the 404 detail quotes the path");
      const wrong = await (await request(app, "/only-get", { method: "POST", headers })).text();
      for (const body of [missing, wrong]) assert.ok(!body.includes(headerValue));
    }),
    { numRuns: 20 },
  );
});

function text(body: string) {
  return () => new Response(body);
}

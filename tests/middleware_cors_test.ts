import { test } from "node:test";
import assert from "node:assert/strict";
import { App, HttpError, type Middleware } from "../mod.ts";
import { cors, type CorsOptions } from "../lib/middleware/mod.ts";
import { recordingLogger, request } from "./_helpers.ts";

const SITE = "https://app.example.com";

function preflight(origin: string, method = "POST", headers?: string): RequestInit {
  return {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": method,
      ...(headers === undefined ? {} : { "access-control-request-headers": headers }),
    },
  };
}

/** An app with cors(options) whose handlers count the requests that reach them. */
function appWith(options?: CorsOptions) {
  const calls = { handler: 0 };
  const app = new App({ logger: recordingLogger() }).use(cors(options))
    .all("/notes", () => {
      calls.handler++;
      return Response.json([]);
    })
    .get("/boom", () => {
      throw new HttpError(409, "Taken");
    })
    .get("/crash", () => {
      throw new Error("crash");
    });
  return { app, calls };
}

test("cors() answers a preflight with 204 without reaching the handler", async () => {
  const { app, calls } = appWith({ origin: [SITE], maxAge: 600 });
  const response = await request(app, "/notes", preflight(SITE, "PUT", "content-type, x-api-key"));
  assert.equal(response.status, 204);
  assert.equal(calls.handler, 0);
  assert.equal(response.headers.get("access-control-allow-origin"), SITE);
  assert.equal(
    response.headers.get("access-control-allow-methods"),
    "GET, HEAD, PUT, PATCH, POST, DELETE",
  );
  assert.equal(response.headers.get("access-control-allow-headers"), "content-type, x-api-key");
  assert.equal(response.headers.get("access-control-max-age"), "600");
  assert.equal(response.headers.get("vary"), "Origin, Access-Control-Request-Headers");
  assert.equal(response.headers.has("access-control-allow-credentials"), false);
});

test("cors() answers a preflight with the configured methods and headers instead of reflecting", async () => {
  const { app } = appWith({ methods: ["GET", "POST"], allowHeaders: ["Content-Type"] });
  const response = await request(app, "/notes", preflight(SITE, "POST", "x-other"));
  assert.equal(response.headers.get("access-control-allow-origin"), "*");
  assert.equal(response.headers.get("access-control-allow-methods"), "GET, POST");
  assert.equal(response.headers.get("access-control-allow-headers"), "Content-Type");
  assert.equal(response.headers.has("vary"), false, "nothing depends on the request");
});

test("cors() answers a refused origin's preflight with 204 and no CORS headers", async () => {
  const { app, calls } = appWith({ origin: [SITE] });
  const response = await request(app, "/notes", preflight("https://evil.example"));
  assert.equal(response.status, 204);
  assert.equal(calls.handler, 0);
  assert.equal(response.headers.has("access-control-allow-origin"), false);
  assert.equal(response.headers.has("access-control-allow-methods"), false);
  assert.equal(response.headers.get("vary"), "Origin");
});

test("cors() leaves an OPTIONS request without Access-Control-Request-Method to the app", async () => {
  const { app, calls } = appWith({ origin: [SITE] });
  const response = await request(app, "/notes", {
    method: "OPTIONS",
    headers: { origin: SITE },
  });
  assert.equal(calls.handler, 1, "not a preflight: the route answers it");
  assert.equal(response.headers.get("access-control-allow-origin"), SITE);
});

test("cors() with the default origin sends * on every response, with or without Origin, and no Vary", async () => {
  const { app } = appWith();
  for (const headers of [{ origin: SITE }, {}]) {
    const response = await request(app, "/notes", { headers });
    assert.equal(response.headers.get("access-control-allow-origin"), "*");
    assert.equal(response.headers.has("vary"), false);
  }
});

test("cors() refuses credentials with every origin allowed, saying to list the origins", () => {
  for (const options of [{ credentials: true }, { origin: "*", credentials: true } as const]) {
    assert.throws(() => cors(options), (error: Error) => {
      assert.ok(error instanceof TypeError);
      assert.match(error.message, /would let every site send requests with the user's cookies/);
      assert.match(error.message, /list the allowed origins/);
      return true;
    });
  }
});

test("cors() reflects the origin with credentials instead of sending *", async () => {
  const { app } = appWith({ origin: () => true, credentials: true });
  const response = await request(app, "/notes", { headers: { origin: SITE } });
  assert.equal(response.headers.get("access-control-allow-origin"), SITE);
  assert.equal(response.headers.get("access-control-allow-credentials"), "true");
  assert.equal(response.headers.get("vary"), "Origin");
  const pre = await request(app, "/notes", preflight(SITE));
  assert.equal(pre.headers.get("access-control-allow-origin"), SITE);
  assert.equal(pre.headers.get("access-control-allow-credentials"), "true");
});

test("cors() allows listed origins only, and sends Vary: Origin to everyone", async () => {
  const { app } = appWith({ origin: [SITE, "http://localhost:5173"] });
  const allowed = await request(app, "/notes", { headers: { origin: "http://localhost:5173" } });
  assert.equal(allowed.headers.get("access-control-allow-origin"), "http://localhost:5173");
  const refused = await request(app, "/notes", { headers: { origin: "https://evil.example" } });
  assert.equal(refused.status, 200, "CORS is enforced by the browser, not by refusing");
  assert.equal(refused.headers.has("access-control-allow-origin"), false);
  assert.equal(refused.headers.get("vary"), "Origin");
  const none = await request(app, "/notes");
  assert.equal(none.headers.get("vary"), "Origin");
});

test("cors() asks an origin function, which may allow, refuse or name the origin to send", async () => {
  const seen: string[] = [];
  const { app } = appWith({
    origin: (origin, request) => {
      seen.push(`${request.method} ${origin}`);
      if (origin === "https://a.example") return true;
      if (origin === "https://b.example") return "https://b.example";
      return origin === "https://c.example" ? null : false;
    },
  });
  const answer = async (origin: string) =>
    (await request(app, "/notes", { headers: { origin } })).headers.get(
      "access-control-allow-origin",
    );
  assert.equal(await answer("https://a.example"), "https://a.example");
  assert.equal(await answer("https://b.example"), "https://b.example");
  assert.equal(await answer("https://c.example"), null);
  assert.equal(await answer("https://d.example"), null);
  assert.deepEqual(seen, [
    "GET https://a.example",
    "GET https://b.example",
    "GET https://c.example",
    "GET https://d.example",
  ]);
});

test("cors() sends exposed headers on actual responses, not on preflights", async () => {
  const { app } = appWith({ exposeHeaders: ["X-Total-Count", "ETag"] });
  const response = await request(app, "/notes", { headers: { origin: SITE } });
  assert.equal(response.headers.get("access-control-expose-headers"), "X-Total-Count, ETag");
  const pre = await request(app, "/notes", preflight(SITE));
  assert.equal(pre.headers.has("access-control-expose-headers"), false);
});

test("cors() puts its headers on 404, 405, handler errors and 500s answered by the app", async () => {
  const { app } = appWith({ origin: [SITE], credentials: true });
  for (
    const [path, method, status] of [
      ["/missing", "GET", 404],
      ["/boom", "POST", 405],
      ["/boom", "GET", 409],
      ["/crash", "GET", 500],
    ] as const
  ) {
    const response = await request(app, path, { method, headers: { origin: SITE } });
    assert.equal(response.status, status);
    assert.equal(response.headers.get("access-control-allow-origin"), SITE, `${status}`);
    assert.equal(response.headers.get("access-control-allow-credentials"), "true", `${status}`);
    assert.equal(response.headers.get("vary"), "Origin", `${status}`);
  }
});

test("cors() puts its headers on an HttpError thrown by a later middleware, sync or async", async () => {
  const refuseSync: Middleware = () => () => {
    throw new HttpError(401, "Log in", { headers: { "www-authenticate": "Bearer" } });
  };
  const refuseAsync: Middleware = () => async () => {
    await Promise.resolve();
    throw new HttpError(403, "No");
  };
  for (const [refuse, status] of [[refuseSync, 401], [refuseAsync, 403]] as const) {
    const app = new App().use(cors({ origin: [SITE] }), refuse).get("/", () => new Response());
    const response = await request(app, "/", { headers: { origin: SITE } });
    assert.equal(response.status, status);
    assert.equal(response.headers.get("access-control-allow-origin"), SITE);
    assert.equal(response.headers.get("vary"), "Origin");
    if (status === 401) assert.equal(response.headers.get("www-authenticate"), "Bearer");
  }
});

test("cors() adds Origin to an existing Vary once, and leaves Vary: * alone", async () => {
  const app = new App().use(cors({ origin: [SITE] }))
    .get("/accept", () => new Response("", { headers: { vary: "Accept-Encoding" } }))
    .get("/origin", () => new Response("", { headers: { vary: "origin" } }))
    .get("/star", () => new Response("", { headers: { vary: "*" } }));
  const vary = async (path: string) =>
    (await request(app, path, { headers: { origin: SITE } })).headers.get("vary");
  assert.equal(await vary("/accept"), "Accept-Encoding, Origin");
  assert.equal(await vary("/origin"), "origin");
  assert.equal(await vary("/star"), "*");
});

test("cors() copies a response whose headers are immutable, such as Response.redirect()", async () => {
  const app = new App().use(cors({ origin: [SITE] }))
    .get("/old", () => Response.redirect("http://localhost/new", 301));
  const response = await request(app, "/old", { headers: { origin: SITE } });
  assert.equal(response.status, 301);
  assert.equal(response.headers.get("location"), "http://localhost/new");
  assert.equal(response.headers.get("access-control-allow-origin"), SITE);
});

test("cors() keeps a sync handler's response sync once the app is built", async () => {
  const app = new App().use(cors()).get("/", () => new Response("sync"));
  await app.ready();
  const result = app.fetch(new Request("http://localhost/", { headers: { origin: SITE } }));
  assert.ok(result instanceof Response, "no promise in between");
  assert.equal(result.headers.get("access-control-allow-origin"), "*");
});

test("cors() refuses malformed options at once, saying how to write them", () => {
  assert.throws(() => cors({ origin: ["https://example.com/"] }), {
    name: "TypeError",
    message: /write "https:\/\/example\.com" \(no path/,
  });
  assert.throws(() => cors({ origin: "https://Example.com" }), {
    message: /write "https:\/\/example\.com"/,
  });
  assert.throws(() => cors({ origin: ["example.com"] }), { message: /scheme and host/ });
  assert.throws(() => cors({ origin: [SITE, "*"] }), { message: /pass origin: "\*" alone/ });
  assert.throws(() => cors({ methods: ["GET, POST"] }), { message: /without commas/ });
  assert.throws(() => cors({ origin: [SITE], allowHeaders: ["*"], credentials: true }), {
    message: /not a wildcard when credentials is true/,
  });
  assert.throws(() => cors({ maxAge: 1.5 }), { name: "RangeError" });
  assert.throws(() => cors({ maxAge: -1 }), { name: "RangeError" });
  assert.doesNotThrow(() => cors({ origin: ["null", "http://localhost:8000"] }));
  assert.doesNotThrow(() => cors({ allowHeaders: ["*"], exposeHeaders: ["*"] }));
});

test("cors() with credentials reflects the origin when the origin function answers *, which browsers refuse", async () => {
  const { app } = appWith({ origin: () => "*", credentials: true });
  const response = await request(app, "/notes", { headers: { origin: SITE } });
  assert.equal(response.headers.get("access-control-allow-origin"), SITE);
  assert.equal(response.headers.get("access-control-allow-credentials"), "true");
  const pre = await request(app, "/notes", preflight(SITE));
  assert.equal(pre.headers.get("access-control-allow-origin"), SITE);
  const { app: open } = appWith({ origin: () => "*" });
  const anyone = await request(open, "/notes", { headers: { origin: SITE } });
  assert.equal(
    anyone.headers.get("access-control-allow-origin"),
    "*",
    "without credentials * is fine",
  );
});

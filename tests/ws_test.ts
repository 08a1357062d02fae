// app.ws() without a socket: registration and its checks, the handshake
// answers every runtime gives alike (426, 400, 405), and the rule that a
// response whose status is 101 is an upgrade that the guard, the error layer,
// HEAD and every built-in middleware pass on untouched. Over real sockets:
// tests/ws_serve_test.ts (Deno, Bun) and tests/ws_workerd_test.ts (workerd).
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App, HttpError, type Middleware } from "../mod.ts";
import {
  bodyLimit,
  compress,
  cors,
  etag,
  logger,
  requestId,
  secureHeaders,
  serverTiming,
  timeout,
} from "../lib/middleware/mod.ts";
import { HANDSHAKE } from "./_ws_client.ts";
import { recordingLogger } from "./_helpers.ts";
import { localBinary, runToEnd } from "./_spawn.ts";

/** A handshake with one header replaced (or removed, for `undefined`). */
function handshake(changes: Record<string, string | undefined> = {}): Headers {
  const headers = new Headers(HANDSHAKE);
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) headers.delete(name);
    else headers.set(name, value);
  }
  return headers;
}

/** What a route answers once Bun has upgraded: a Response whose status says 101. */
function upgraded(): Response {
  const response = new Response(null);
  Object.defineProperty(response, "status", { value: 101 });
  return response;
}

test("app.ws() registers a GET route, listed in build.routes as answering 101 or 426", async () => {
  const seen: string[] = [];
  const app = new App().use((next, build) => {
    build.onBuilt(() => {
      for (const { method, path, options } of build.routes) {
        seen.push(`${method} ${path} ${Object.keys(options?.responses ?? {})}`);
      }
    });
    return next;
  });
  assert.equal(app.ws("/chat/:room", {}), app);
  await app.ready();
  assert.deepEqual(seen, ["GET /chat/:room 101,426"]);
  await app.close();
});

test("app.ws() checks its handlers at once: an object of functions named open, message, close, error", () => {
  const app = new App();
  assert.throws(() => app.ws("/a", null as never), {
    name: "TypeError",
    message: /app\.ws\(\) takes the handlers \{ open, message, close, error \} for "\/a", got null/,
  });
  assert.throws(() => app.ws("/b", (() => {}) as never), {
    name: "TypeError",
    message: /got function/,
  });
  assert.throws(() => app.ws("/c", { onmessage() {} } as never), {
    name: "TypeError",
    message: /handlers are open, message, close and error, but "\/c" has "onmessage"/,
  });
  assert.throws(() => app.ws("/d", { message: "echo" } as never), {
    name: "TypeError",
    message: /The message handler of "\/d" must be a function, got string/,
  });
  // None of them was registered.
  app.ws("/a", {}).ws("/b", {}).ws("/c", {}).ws("/d", {});
});

test("app.ws() refuses a path a route already has, and refuses once the app has started", async () => {
  const app = new App().get("/chat", () => new Response("page")).ws("/rooms/:id", {});
  assert.throws(
    () => app.ws("/chat", {}),
    /Route GET "\/chat" clashes with the route GET "\/chat"/,
  );
  assert.throws(() => app.ws("/rooms/:other", {}), /clashes with the route GET "\/rooms\/:id"/);
  await app.ready();
  assert.throws(
    () => app.ws("/late", {}),
    /Cannot add the WebSocket route "\/late" after the app has started/,
  );
  await app.close();
});

test("app.ws() types ctx.params from the path and ctx.state from the app", () => {
  const app = new App<{ state: { user: string } }>();
  app.ws("/rooms/:room/users/:id", {
    open(ws, ctx) {
      const room: string = ctx.params.room;
      const id: string = ctx.params.id;
      const user: string = ctx.state.user;
      // @ts-expect-error: the path has no :other
      void ctx.params.other;
      ws.send(`${room} ${id} ${user}`);
    },
    message(ws, data) {
      const text: string | Uint8Array = data;
      // @ts-expect-error: send takes strings and bytes, not objects
      void (() => ws.send({ text }));
    },
    close(_ws, code, reason) {
      const pair: [number, string] = [code, reason];
      void pair;
    },
  });
});

test("A request that is not an upgrade gets 426 with Upgrade: websocket, through onError(426) too", async () => {
  const app = new App().ws("/chat", {});
  const plain = await app.request("/chat");
  assert.equal(plain.status, 426);
  assert.equal(plain.headers.get("upgrade"), "websocket");
  assert.equal(plain.headers.get("connection"), "Upgrade");
  assert.equal(plain.headers.get("content-type"), "application/problem+json");
  assert.match((await plain.json()).detail, /WebSocket endpoint: connect with a WebSocket client/);

  const head = await app.request("/chat", { method: "HEAD" });
  assert.equal(head.status, 426);
  assert.equal(head.headers.get("upgrade"), "websocket");
  assert.equal(head.body, null);

  const handled = new App()
    .onError(426, () => new Response("use a WebSocket", { status: 426 }))
    .ws("/chat", {});
  const shaped = await handled.request("/chat");
  assert.equal(await shaped.text(), "use a WebSocket");
  assert.equal(shaped.headers.get("upgrade"), "websocket", "the HttpError's headers are kept");
  await app.close();
  await handled.close();
});

test("A WebSocket route answers other methods 405 with Allow, and OPTIONS 204", async () => {
  const app = new App().ws("/chat", {});
  const post = await app.request("/chat", { method: "POST", headers: HANDSHAKE });
  assert.equal(post.status, 405);
  assert.equal(post.headers.get("allow"), "GET, HEAD, OPTIONS");
  const options = await app.request("/chat", { method: "OPTIONS" });
  assert.equal(options.status, 204);
  await app.close();
});

test("A malformed handshake is refused alike on every runtime: 426 for another version, else 400", async () => {
  // A valid one reaches the runtime, which answers a Request made here as it can: kept out of the log.
  const app = new App({ logger: recordingLogger() }).ws("/chat", {});
  const cases: [Record<string, string | undefined>, number, RegExp][] = [
    [{ "sec-websocket-version": "8" }, 426, /version 13/],
    [{ "sec-websocket-version": undefined }, 426, /version 13/],
    [{ upgrade: "h2c" }, 426, /WebSocket client/],
    [{ upgrade: "h2c, WebSocket" }, 101, /./],
    [{ connection: "keep-alive" }, 400, /Connection: Upgrade/],
    [{ connection: "keep-alive, Upgrade" }, 101, /./],
    [{ "sec-websocket-key": undefined }, 400, /Sec-WebSocket-Key/],
    [{ "sec-websocket-key": "dGhlIHNhbXBsZQ==" }, 400, /16 bytes/],
  ];
  for (const [changes, status, detail] of cases) {
    const response = await app.request("/chat", { headers: handshake(changes) });
    if (status === 101) {
      // A valid handshake reaches the runtime, which cannot upgrade a Request made here.
      assert.notEqual(response.status, 400, JSON.stringify(changes));
      assert.notEqual(response.status, 426, JSON.stringify(changes));
      await response.body?.cancel();
      continue;
    }
    assert.equal(response.status, status, JSON.stringify(changes));
    assert.match((await response.json()).detail, detail);
    if (status === 426) assert.equal(response.headers.get("upgrade"), "websocket");
  }
  const version = await app.request("/chat", {
    headers: handshake({ "sec-websocket-version": "8" }),
  });
  assert.equal(version.headers.get("sec-websocket-version"), "13");
  await version.body?.cancel();
  await app.close();
});

test("A middleware that answers 401 stops a WebSocket route before its handlers or the runtime", async () => {
  let opened = 0;
  const app = new App()
    .use((next) => (request, ctx) => {
      if (request.headers.get("authorization") !== "Bearer ok") throw new HttpError(401, "Log in");
      return next(request, ctx);
    })
    .ws("/chat", { open: () => void opened++ });
  const response = await app.request("/chat", { headers: HANDSHAKE });
  assert.equal(response.status, 401);
  assert.equal(opened, 0);
  await response.body?.cancel();
  await app.close();
});

/** Every built-in middleware that looks at responses, in front of a route. */
function everyMiddleware(lines: string[]): Middleware[] {
  return [
    cors({ origin: "*" }),
    logger({ write: (line) => lines.push(line), build: false }),
    timeout(5000),
    compress({ threshold: 0 }),
    secureHeaders(),
    requestId(),
    serverTiming(),
    etag(),
    bodyLimit(16),
  ];
}

test("Every built-in middleware passes an upgrade on untouched, the same object, sync or async", async () => {
  for (const async of [false, true]) {
    const answer = upgraded();
    const lines: string[] = [];
    const app = new App()
      .use(...everyMiddleware(lines))
      .get("/ws", () => async ? Promise.resolve(answer) : answer);
    const response = await app.request("/ws", {
      headers: { origin: "https://example.com", "accept-encoding": "gzip" },
    });
    assert.equal(response, answer, `async: ${async}`);
    assert.deepEqual([...response.headers], [], "no header was set on it");
    assert.match(lines[0] as string, /^GET \/ws 101 /);
    await app.close();
  }
});

test("Each built-in middleware alone, and a mount, pass an upgrade on untouched", async () => {
  for (const middleware of everyMiddleware([])) {
    const answer = upgraded();
    const inner = new App().get("/ws", () => answer);
    const app = new App().use(middleware).mount("/api", inner);
    const response = await app.request("/api/ws");
    assert.equal(response, answer, middleware.name);
    assert.deepEqual([...response.headers], [], `${middleware.name} set no header on it`);
    await app.close();
  }
});

test("The error layer and HEAD leave an upgrade alone: an onError handler that answers with one", async () => {
  const answer = upgraded();
  // A 405 carries Allow: the error layer adds it to a handler's response, but not to an upgrade.
  const app = new App()
    .onError(405, () => answer)
    .get("/ws", () => answer)
    .post("/other", () => new Response("other"));
  assert.equal(await app.request("/ws", { method: "PUT" }), answer);
  assert.equal(await app.request("/ws", { method: "HEAD" }), answer);
  await app.close();
});

test("A refused handshake is the client's mistake: nothing is logged", async () => {
  const log = recordingLogger();
  const app = new App({ logger: log }).ws("/chat", {});
  for (const headers of [undefined, handshake({ "sec-websocket-key": "bad" })]) {
    const response = await app.request("/chat", headers === undefined ? {} : { headers });
    assert.ok(response.status === 426 || response.status === 400);
    await response.body?.cancel();
  }
  assert.deepEqual(log.entries, []);
  await app.close();
});

test("On Node.js, a WebSocket route answers 501 saying which runtimes upgrade", {
  skip: !["/usr/bin/node", "/usr/local/bin/node"].some(existsSync) && "node is not installed",
  timeout: 60_000,
}, async () => {
  const dir = await mkdtemp(join(tmpdir(), "latch-ws-node-"));
  try {
    const bundle = join(dir, "check.mjs");
    runToEnd(localBinary("bun"), [
      "build",
      "tests/_ws_node_check.ts",
      "--target",
      "node",
      "--format",
      "esm",
      "--outfile",
      bundle,
    ]);
    const node = ["/usr/bin/node", "/usr/local/bin/node"].find(existsSync) as string;
    const answer = JSON.parse(runToEnd(node, [bundle]));
    assert.equal(answer.status, 501);
    assert.match(answer.detail, /WebSocket routes run on Deno, Bun and workerd/);
    assert.match(answer.detail, /on Node\.js, srvx does not upgrade requests/);
    assert.equal(answer.logged, 1);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { App, type HttpError, problemResponse } from "../mod.ts";
import { bodyLimit } from "../lib/middleware/mod.ts";
import { recordingLogger, request } from "./_helpers.ts";
import { serve } from "./_serve.ts";

/** A body of `chunks` chunks of `size` bytes, streamed without a Content-Length; counts its pulls and cancels. */
function streamed(chunks: number, size: number) {
  const seen = { pulls: 0, cancelled: false };
  let sent = 0;
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      seen.pulls++;
      if (sent++ === chunks) return controller.close();
      controller.enqueue(new Uint8Array(size).fill(120));
    },
    cancel() {
      seen.cancelled = true;
    },
  }, { highWaterMark: 0 });
  return { body, seen };
}

function post(body: BodyInit, headers?: HeadersInit): RequestInit {
  return { method: "POST", body, duplex: "half", ...(headers ? { headers } : {}) } as RequestInit;
}

/** An app under bodyLimit(limit) whose POST /echo answers the length it read. */
function echoApp(limit: number) {
  const calls = { handler: 0 };
  const app = new App({ logger: recordingLogger() }).use(bodyLimit(limit))
    .post("/echo", async (request) => {
      calls.handler++;
      return new Response(String((await request.text()).length));
    });
  return { app, calls };
}

test("bodyLimit() answers 413 at once for a Content-Length over the limit, without reaching the handler", async () => {
  const { app, calls } = echoApp(10);
  const response = await request(app, "/echo", post("x".repeat(11), { "content-length": "11" }));
  assert.equal(response.status, 413);
  assert.equal(response.headers.get("content-type"), "application/problem+json");
  assert.equal(
    (await response.json()).detail,
    "The request body is larger than the limit of 10 bytes",
  );
  assert.equal(calls.handler, 0);
});

test("bodyLimit() lets a body within the limit through, up to exactly the limit", async () => {
  const { app } = echoApp(10);
  assert.equal(await (await request(app, "/echo", post("x".repeat(10)))).text(), "10");
  const { body } = streamed(2, 5);
  assert.equal(await (await request(app, "/echo", post(body))).text(), "10");
});

test("bodyLimit() turns a handler's read of an oversize streamed body into 413 and cancels the upload", async () => {
  const { app, calls } = echoApp(1000);
  const { body, seen } = streamed(100, 100);
  const response = await request(app, "/echo", post(body));
  assert.equal(response.status, 413);
  assert.equal(calls.handler, 1);
  assert.equal(seen.cancelled, true);
  assert.ok(seen.pulls <= 12, `stopped reading soon after the limit (${seen.pulls} pulls)`);
});

test("bodyLimit() rejects the handler's read with an HttpError(413) that app.onError(413) answers", async () => {
  let caught: unknown;
  const app = new App().use(bodyLimit(4))
    .onError(413, (error) => problemResponse(413, { detail: `custom: ${error.message}` }))
    .post("/", async (request) => {
      try {
        return new Response(await request.text());
      } catch (error) {
        caught = error;
        throw error;
      }
    });
  const response = await request(app, "/", post(streamed(3, 3).body));
  assert.equal((caught as HttpError).name, "HttpError");
  assert.equal((caught as HttpError).status, 413);
  assert.equal(response.status, 413);
  assert.match((await response.json()).detail, /^custom: The request body is larger/);
});

test("bodyLimit() answers 413 even when the handler catches the read error and answers otherwise", async () => {
  const app = new App().use(bodyLimit(4)).post("/", async (request) => {
    try {
      await request.json();
      return new Response("parsed");
    } catch {
      return new Response("bad JSON", { status: 400 });
    }
  });
  const response = await request(app, "/", post(streamed(3, 3).body));
  assert.equal(response.status, 413);
});

test("bodyLimit() counts a body that carries more than its Content-Length declares", async () => {
  const { app } = echoApp(4);
  const response = await request(app, "/echo", post("x".repeat(100), { "content-length": "2" }));
  assert.equal(response.status, 413);
});

test("bodyLimit() reads nothing of a body the handler ignores", async () => {
  const { body, seen } = streamed(100, 100);
  const app = new App().use(bodyLimit(10)).post("/", () => new Response("ignored"));
  const response = await request(app, "/", post(body));
  assert.equal(await response.text(), "ignored");
  assert.equal(seen.pulls, 0);
});

test("bodyLimit() hands the handler the request's URL, method, headers and signal with the counted body", async () => {
  const client = new AbortController();
  let seen: { url: string; method: string; type: string | null; body: string } | undefined;
  let signal: AbortSignal | undefined;
  const app = new App().use(bodyLimit(100)).put("/notes/1", async (request) => {
    signal = request.signal;
    seen = {
      url: request.url,
      method: request.method,
      type: request.headers.get("content-type"),
      body: await request.text(),
    };
    return new Response("stored");
  });
  const response = await app.fetch(
    new Request("http://localhost/notes/1?draft=1", {
      method: "PUT",
      headers: { "content-type": "text/plain" },
      body: "a note",
      signal: client.signal,
    }),
  );
  assert.equal(await response.text(), "stored");
  assert.deepEqual(seen, {
    url: "http://localhost/notes/1?draft=1",
    method: "PUT",
    type: "text/plain",
    body: "a note",
  });
  assert.equal(signal?.aborted, false);
  client.abort();
  assert.equal(signal.aborted, true, "a client that leaves still aborts the handler's signal");
});

test("bodyLimit() passes requests without a body straight through, sync", async () => {
  const app = new App().use(bodyLimit(0)).get("/", () => new Response("no body"));
  await app.ready();
  const result = app.fetch(new Request("http://localhost/"));
  assert.ok(result instanceof Response);
  assert.equal(await result.text(), "no body");
});

test("bodyLimit(0) refuses any body with bytes in it", async () => {
  const { app } = echoApp(0);
  assert.equal((await request(app, "/echo", post("x"))).status, 413);
  assert.equal(await (await request(app, "/echo", post(""))).text(), "0");
});

test("bodyLimit() answers 413 to a streamed upload over HTTP on this runtime", async () => {
  const { app } = echoApp(1000);
  const server = serve(app.fetch);
  try {
    const { body } = streamed(50, 100);
    const response = await fetch(`${server.url}/echo`, post(body));
    assert.equal(response.status, 413);
    await response.body?.cancel();
    const small = await fetch(`${server.url}/echo`, post(streamed(5, 100).body));
    assert.equal(await small.text(), "500");
  } finally {
    await server.stop();
  }
});

test("bodyLimit() refuses a limit that is not a whole number of bytes", () => {
  for (const bad of [-1, 1.5, Number.NaN, Infinity]) {
    assert.throws(() => bodyLimit(bad), {
      name: "RangeError",
      message: /pass it like bodyLimit\(1024 \* 1024\)/,
    }, String(bad));
  }
});

test("bodyLimit() answers through app.onError(413), like any error the app answers", async () => {
  let handled = 0;
  const app = new App()
    .onError(413, () => new Response("too big", { status: 413 }))
    .use(bodyLimit(4))
    .post("/", () => {
      handled++;
      return new Response("ok");
    });
  const response = await app.fetch(
    new Request("http://localhost/", {
      method: "POST",
      body: "12345",
      headers: { "content-length": "5" },
    }),
  );
  assert.equal(response.status, 413);
  assert.equal(await response.text(), "too big");
  assert.equal(handled, 0);
});

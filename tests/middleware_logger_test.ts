import { test } from "node:test";
import assert from "node:assert/strict";
import { App, HttpError, type Middleware } from "../mod.ts";
import { logger, type LoggerOptions } from "../lib/middleware/mod.ts";
import { recordingLogger, request, settle, watchUnhandledRejections } from "./_helpers.ts";

/** An app logging to an array, with a few routes. */
function loggedApp(options: LoggerOptions = {}) {
  const lines: string[] = [];
  const app = new App({ logger: recordingLogger() })
    .use(logger({ ...options, write: (line) => lines.push(line) }), (next) => next)
    .get("/notes/:id", (_request, ctx) => new Response(ctx.params.id))
    .post("/notes", async () => {
      await Promise.resolve();
      return new Response(null, { status: 201 });
    })
    .get("/boom", () => {
      throw new Error("boom");
    });
  return { app, lines };
}

const REQUEST_LINE = /^(\w+) (\S+) (\d{3}) (\d+(?:\.\d)?)ms$/;

test("logger() writes a build line once the build succeeded, then one line per request", async () => {
  const { app, lines } = loggedApp();
  await app.ready();
  assert.deepEqual(lines.length, 1);
  assert.match(lines[0]!, /^latch: built in \d+(\.\d)?ms \(2 middleware, 3 routes\)$/);
  await request(app, "/notes/7?token=secret");
  await request(app, "/notes", { method: "POST" });
  assert.equal(lines.length, 3);
  assert.deepEqual(REQUEST_LINE.exec(lines[1]!)?.slice(1, 4), ["GET", "/notes/7", "200"]);
  assert.deepEqual(REQUEST_LINE.exec(lines[2]!)?.slice(1, 4), ["POST", "/notes", "201"]);
  assert.ok(!lines.join("\n").includes("secret"), "no query string");
});

test("logger() writes JSON lines with the same facts", async () => {
  const { app, lines } = loggedApp({ format: "json" });
  await request(app, "/notes/7");
  const [build, line] = lines.map((text) => JSON.parse(text));
  assert.deepEqual({ ...build, ms: 0 }, {
    event: "build",
    ms: 0,
    middleware: 2,
    routes: 3,
    builds: 1,
  });
  assert.equal(typeof build.ms, "number");
  assert.deepEqual({ ...line, ms: 0 }, {
    event: "request",
    method: "GET",
    path: "/notes/7",
    status: 200,
    ms: 0,
  });
  assert.ok(line.ms >= 0);
});

test("logger() logs the status of 404s, 405s and handler errors", async () => {
  const { app, lines } = loggedApp({ build: false });
  await request(app, "/missing");
  await request(app, "/notes/1", { method: "DELETE" });
  await request(app, "/boom");
  assert.deepEqual(lines.map((line) => REQUEST_LINE.exec(line)?.[3]), ["404", "405", "500"]);
});

test("logger() logs the error's status when a later middleware throws or rejects, and lets it go on", async () => {
  const lines: string[] = [];
  const throws: Middleware = () => (request) => {
    if (request.url.endsWith("/sync")) throw new HttpError(401, "Log in");
    return Promise.reject(new Error("async failure"));
  };
  const app = new App({ logger: recordingLogger() })
    .use(logger({ build: false, write: (line) => lines.push(line) }), throws)
    .get("/sync", () => new Response())
    .get("/async", () => new Response());
  assert.equal((await request(app, "/sync")).status, 401, "the app still answers the error");
  assert.equal((await request(app, "/async")).status, 500);
  assert.deepEqual(lines.map((line) => REQUEST_LINE.exec(line)?.slice(2, 4)), [
    ["/sync", "401"],
    ["/async", "500"],
  ]);
});

test("logger() writes a build line for each successful build, none for a failed one", async () => {
  const lines: string[] = [];
  let fail = true;
  const app = new App({ logger: recordingLogger() }).use(
    logger({ format: "json", write: (line) => lines.push(line) }),
    (next) => {
      if (fail) throw new Error("not yet");
      return next;
    },
  ).get("/", () => new Response());
  await request(app, "/");
  assert.deepEqual(lines, [], "the failed build wrote nothing, nor did its 503");
  fail = false;
  await request(app, "/");
  assert.equal(lines.length, 2);
  assert.equal(JSON.parse(lines[0]!).builds, 2);
});

test("logger() keeps serving when the sink throws", async () => {
  const app = new App().use(logger({
    write: () => {
      throw new Error("disk full");
    },
  })).get("/", () => new Response("ok"));
  const response = await request(app, "/");
  assert.equal(await response.text(), "ok");
});

test("logger() writes to console.log by default", async () => {
  const original = console.log;
  const printed: unknown[][] = [];
  console.log = (...data: unknown[]) => printed.push(data);
  try {
    const app = new App().use(logger()).get("/", () => new Response());
    await request(app, "/");
  } finally {
    console.log = original;
  }
  assert.equal(printed.length, 2);
  assert.match(String(printed[1]![0]), /^GET \/ 200 /);
});

test("logger() stays sync for a sync handler", async () => {
  const { app, lines } = loggedApp({ build: false });
  await app.ready();
  assert.ok(app.fetch(new Request("http://localhost/notes/1")) instanceof Response);
  assert.equal(lines.length, 1);
});

test("logger() refuses an unknown format or a sink that is not a function", () => {
  assert.throws(() => logger({ format: "xml" as "json" }), {
    name: "TypeError",
    message: /format must be "text" or "json", got "xml"/,
  });
  assert.throws(() => logger({ write: "stdout" as unknown as () => void }), { name: "TypeError" });
});

test("logger() keeps serving, with no unhandled rejection, when an async sink rejects", async () => {
  const rejections = watchUnhandledRejections();
  try {
    let calls = 0;
    const app = new App().use(logger({
      write: async () => {
        calls++;
        await Promise.resolve();
        throw new Error("disk full");
      },
    })).get("/", () => new Response("ok"));
    const response = await request(app, "/");
    assert.equal(await response.text(), "ok");
    await settle();
    await settle();
    assert.equal(calls, 2, "the build line and the request line");
    assert.equal(rejections.count(), 0);
  } finally {
    rejections.stop();
  }
});

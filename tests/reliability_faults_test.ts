// Faults in user code and in the lifecycle: factories that throw, reject or
// hang; hooks that fail after registering; cleanups, handlers and error
// handlers that misbehave; clients that leave; close() at awkward moments.
// Each one has a defined outcome, and none leaves an unhandled rejection.
import { test } from "node:test";
import assert from "node:assert/strict";
import { App, HttpError } from "../mod.ts";
import { fakeClock, ok, recordingLogger, request, settle } from "./_helpers.ts";
import { runtime, serve } from "./_serve.ts";
import {
  hasSettled,
  rawBody,
  rawHead,
  rawRequest,
  within,
  withoutUnhandledRejections,
} from "./_reliability.ts";

/** The body every default 500 has: nothing but the type, title and status. */
const PLAIN_500 = { type: "about:blank", title: "Internal Server Error", status: 500 };

for (
  const [kind, fail] of [
    ["throws synchronously", (error: Error) => () => {
      throw error;
    }],
    ["rejects", (error: Error) => () => Promise.reject(error)],
  ] as const
) {
  test(`App answers 503 to every waiter when a middleware factory ${kind}, logs once, and retries`, () =>
    withoutUnhandledRejections(async () => {
      const logger = recordingLogger();
      const failure = new Error("db password=hunter2 refused");
      let attempts = 0;
      const app = new App({ logger }).use((next, build) => {
        if (++attempts === 1) return fail(failure)() as never;
        build.defer(() => {});
        return next;
      }).get("/", ok);

      const waiting = Array.from({ length: 20 }, () => request(app, "/"));
      const responses = await Promise.all(waiting);
      for (const response of responses) {
        assert.equal(response.status, 503);
        assert.equal(response.headers.get("content-type"), "application/problem+json");
        assert.ok(!(await response.text()).includes("hunter2"), "the cause is not leaked");
      }
      assert.equal(attempts, 1, "one attempt for all twenty waiters");
      assert.equal(logger.entries.length, 1);
      assert.equal(logger.entries[0]!.error, failure);
      assert.equal((await request(app, "/")).status, 200, "the next request builds again");
      assert.equal(attempts, 2);
      assert.deepEqual([app.stats.builds, app.stats.failures], [2, 1]);
    }));
}

test("App without buildTimeout lets requests wait on a slow factory as long as it takes", () =>
  withoutUnhandledRejections(async () => {
    const gate = Promise.withResolvers<void>();
    const app = new App().use(async (next) => {
      await gate.promise;
      return next;
    }).get("/", ok);
    const pending = request(app, "/");
    for (let turn = 0; turn < 5; turn++) {
      assert.equal(await hasSettled(pending), false, "still waiting: there is no default timeout");
    }
    gate.resolve();
    assert.equal((await pending).status, 200);
    await app.close();
  }));

// buildTimeout (ms, off by default): waiters get 503 with Retry-After, the hung
// attempt is abandoned and disposed of when it settles, the next request builds
// afresh. Time is a fake clock moved on by the 10 ms: it ties the tests only to
// the core setting its timer with the global setTimeout, the one web-standard
// timer, and it lets them check that nothing is answered a millisecond early.
// Without the option, or with a timer that never fires, the tests fail on the
// `within` guard (a real timer) instead of hanging.

test("App with buildTimeout answers 503 with Retry-After to requests that wait longer on a hung factory", () =>
  withoutUnhandledRejections(async () => {
    using clock = fakeClock();
    const logger = recordingLogger();
    const gate = Promise.withResolvers<void>();
    const app = new App({ buildTimeout: 10, logger }).use(async (next) => {
      await gate.promise;
      return next;
    }).get("/", ok);
    try {
      const ready = app.ready();
      ready.catch(() => {}); // observed below; handled now so a failed assertion leaks nothing
      const pending = request(app, "/");
      await clock.advance(9);
      assert.equal(await hasSettled(pending), false, "not a millisecond before buildTimeout");
      await clock.advance(1);
      const response = await within(2000, pending, "a 503 after buildTimeout");
      assert.equal(response.status, 503);
      assert.ok(response.headers.get("retry-after") !== null, "503 carries Retry-After");
      assert.match(response.headers.get("retry-after")!, /^\d+$/);
      assert.equal(response.headers.get("content-type"), "application/problem+json");
      await assert.rejects(within(2000, ready, "ready() to reject"), (error: Error) => {
        assert.match(error.message, /time/i, "the error names the timeout");
        assert.match(error.message, /\b10\b/, "and says how long it was");
        return true;
      });
    } finally {
      gate.resolve();
    }
  }));

test("App with buildTimeout abandons a hung attempt: the next request builds afresh and is served", () =>
  withoutUnhandledRejections(async () => {
    using clock = fakeClock();
    const gate = Promise.withResolvers<void>();
    const cleaned: string[] = [];
    let attempts = 0;
    const app = new App({ buildTimeout: 10, logger: recordingLogger() }).use(
      async (next, build) => {
        const attempt = ++attempts;
        build.defer(() => {
          cleaned.push(`attempt ${attempt}, deferred before the wait`);
        });
        if (attempt === 1) await gate.promise;
        build.defer(() => {
          cleaned.push(`attempt ${attempt}, deferred after the wait`);
        });
        return async (request, ctx) => {
          const response = await next(request, ctx);
          response.headers.set("x-attempt", String(attempt));
          return response;
        };
      },
    ).get("/", ok);
    try {
      const waiting = request(app, "/");
      await clock.advance(10);
      const first = await within(2000, waiting, "a 503 for the hung attempt");
      assert.equal(first.status, 503);
      const second = await within(2000, request(app, "/"), "a fresh attempt");
      assert.equal(second.status, 200);
      assert.equal(second.headers.get("x-attempt"), "2");
      assert.equal(attempts, 2);
      gate.resolve();
      await settle();
      assert.deepEqual(
        cleaned.filter((line) => line.startsWith("attempt 1")).sort(),
        ["attempt 1, deferred after the wait", "attempt 1, deferred before the wait"],
        "the late attempt's cleanups ran, once each",
      );
      const third = await request(app, "/");
      assert.equal(third.headers.get("x-attempt"), "2", "the late result is never served");
      await app.close();
      assert.equal(cleaned.filter((line) => line.startsWith("attempt 1")).length, 2);
      assert.equal(cleaned.filter((line) => line.startsWith("attempt 2")).length, 2);
    } finally {
      gate.resolve();
    }
  }));

test("App with buildTimeout disposes of a hung attempt that resolves late even when nothing retries", () =>
  withoutUnhandledRejections(async () => {
    using clock = fakeClock();
    const gate = Promise.withResolvers<void>();
    let cleanups = 0;
    let served = 0;
    const app = new App({ buildTimeout: 10, logger: recordingLogger() }).use(
      async (next, build) => {
        build.defer(() => {
          cleanups++;
        });
        await gate.promise;
        build.defer(() => {
          cleanups++;
        });
        return (request, ctx) => {
          served++;
          return next(request, ctx);
        };
      },
    ).get("/", ok);
    try {
      const pending = request(app, "/");
      await clock.advance(10);
      const response = await within(2000, pending, "a 503 after buildTimeout");
      assert.equal(response.status, 503);
      gate.resolve();
      await settle();
      assert.equal(cleanups, 2, "both cleanups of the abandoned attempt ran");
      assert.equal(app.built, false, "the late result did not become the app's chain");
      assert.equal(served, 0);
      await app.close();
      assert.equal(cleanups, 2, "close() does not run them again");
    } finally {
      gate.resolve();
    }
  }));

test("App with buildTimeout keeps what an abandoned startup hook registers late out of the next attempt", () =>
  withoutUnhandledRejections(async () => {
    using clock = fakeClock();
    const gates = [Promise.withResolvers<void>(), Promise.withResolvers<void>()];
    const hookStarted = [Promise.withResolvers<void>(), Promise.withResolvers<void>()];
    let runs = 0;
    const app = new App({ buildTimeout: 10, logger: recordingLogger() });
    app.onStartup(async (app) => {
      const run = ++runs;
      hookStarted[run - 1]?.resolve();
      await gates[run - 1]?.promise;
      app.use((next) => async (request, ctx) => {
        const response = await next(request, ctx);
        response.headers.append("x-hook-run", String(run));
        return response;
      });
    });
    app.get("/", ok);
    try {
      const first = request(app, "/");
      await clock.advance(10);
      assert.equal((await within(2000, first, "a 503")).status, 503);
      const second = request(app, "/");
      await hookStarted[1]!.promise;
      // The abandoned hook resumes while the next attempt's hooks are running.
      gates[0]!.resolve();
      await Promise.resolve();
      gates[1]!.resolve();
      const response = await within(2000, second, "the second attempt");
      assert.equal(response.status, 200);
      assert.equal(response.headers.get("x-hook-run"), "2", "only the live attempt's middleware");
      assert.equal(app.stats.middleware, 1);
    } finally {
      for (const gate of gates) gate.resolve();
    }
  }));

test("App with buildTimeout serves a build that finishes in time as usual", () =>
  withoutUnhandledRejections(async () => {
    const app = new App({ buildTimeout: 5000 }).use(async (next) => {
      await Promise.resolve();
      return next;
    }).get("/", ok);
    const responses = await Promise.all(Array.from({ length: 10 }, () => request(app, "/")));
    assert.ok(responses.every((response) => response.status === 200));
    assert.equal(app.stats.builds, 1);
    await app.close();
  }));

test("App undoes everything a failing startup hook registered, so the retry registers it once", () =>
  withoutUnhandledRejections(async () => {
    let hookRuns = 0;
    let nestedHookRuns = 0;
    let middlewareCalls = 0;
    const app = new App({ logger: recordingLogger() });
    app.onStartup((app) => {
      hookRuns++;
      app.use((next) => (request, ctx) => {
        middlewareCalls++;
        return next(request, ctx);
      });
      app.get("/from-hook", ok);
      app.onError(RangeError, () => new Response("range", { status: 422 }));
      app.onStartup(() => {
        nestedHookRuns++;
      });
      if (hookRuns === 1) throw new Error("config file missing");
    });
    app.get("/range", () => {
      throw new RangeError("out of range");
    });

    await assert.rejects(app.ready(), /config file missing/);
    assert.equal(
      (await request(app, "/from-hook")).status,
      200,
      "a duplicate would fail the build",
    );
    assert.equal(middlewareCalls, 1, "the hook's middleware runs once per request");
    assert.equal((await request(app, "/range")).status, 422);
    assert.equal(middlewareCalls, 2);
    assert.deepEqual(
      { hookRuns, nestedHookRuns, middleware: app.stats.middleware, routes: app.stats.routes },
      { hookRuns: 2, nestedHookRuns: 1, middleware: 1, routes: 2 },
    );
  }));

test("App answers with the error's own default when its error handler throws an Error or a non-Error", () =>
  withoutUnhandledRejections(async () => {
    for (const thrown of [new Error("handler broke"), "text", undefined, null, Object.freeze({})]) {
      const logger = recordingLogger();
      const app = new App({ logger })
        .onError(409, () => {
          throw thrown;
        })
        .onError(500, () => Promise.reject(thrown))
        .get("/conflict", () => {
          throw new HttpError(409, "Taken");
        })
        .get("/boom", () => {
          throw new Error("internal");
        });
      const conflict = await request(app, "/conflict");
      assert.equal(conflict.status, 409, `handler threw ${String(thrown)}`);
      assert.equal((await conflict.json()).detail, "Taken");
      const boom = await request(app, "/boom");
      assert.equal(boom.status, 500);
      assert.deepEqual(await boom.json(), PLAIN_500);
      assert.ok(
        logger.entries.some((entry) =>
          entry.message.includes("an error handler threw") && entry.error === thrown
        ),
        "the handler's failure is logged with what it threw",
      );
    }
  }));

test("App answers 500 with a plain problem body when a handler throws or rejects a non-Error", () =>
  withoutUnhandledRejections(async () => {
    const values: unknown[] = ["a string", undefined, null, Object.freeze({ code: 7 }), 0, false];
    for (const value of values) {
      const logger = recordingLogger();
      const app = new App({ logger })
        .get("/throws", () => {
          throw value;
        })
        .get("/rejects", () => Promise.reject(value));
      for (const path of ["/throws", "/rejects"]) {
        const response = await request(app, path);
        assert.equal(response.status, 500, `${path} with ${String(value)}`);
        assert.deepEqual(await response.json(), PLAIN_500);
      }
      assert.equal(logger.entries.length, 2);
      assert.ok(logger.entries.every((entry) => entry.error === value));
    }
  }));

test("App answers 500 and names the route when a handler returns undefined or a plain object", () =>
  withoutUnhandledRejections(async () => {
    const logger = recordingLogger();
    const app = new App({ logger })
      .get("/undefined", () => undefined as never)
      .get("/object", () => ({ status: 200, body: "looks like a response" }) as never)
      .get("/async-object", () => Promise.resolve({ status: 200 }) as never)
      .get("/null", () => null as never);
    for (const path of ["/undefined", "/object", "/async-object", "/null"]) {
      const response = await request(app, path);
      assert.equal(response.status, 500, path);
      assert.deepEqual(await response.json(), PLAIN_500);
    }
    assert.equal(logger.entries.length, 4);
    assert.match(logger.entries[0]!.message, /GET \/undefined: a route handler returned undefined/);
    assert.match(logger.entries[1]!.message, /GET \/object: a route handler returned an object/);
  }));

test(`App's streamed body that errors half-way, behind ${runtime}'s server: 200, the first chunk, then a cut connection`, () =>
  withoutUnhandledRejections(async () => {
    const logger = recordingLogger();
    const firstChunkSeen = Promise.withResolvers<void>();
    const app = new App({ logger }).get("/stream", () => {
      let pulls = 0;
      const body = new ReadableStream<Uint8Array>({
        async pull(controller) {
          if (pulls++ === 0) {
            controller.enqueue(new TextEncoder().encode("first half;"));
            return;
          }
          // Errors only once the client has the first chunk: "half-way" for real.
          await firstChunkSeen.promise;
          controller.error(new Error("disk gone"));
        },
      });
      return new Response(body, { headers: { "content-type": "text/plain" } });
    });
    const server = serve(app.fetch);
    try {
      const reply = await within(
        5000,
        rawRequest(server.url, rawHead("GET", "/stream"), (soFar) => {
          if (soFar.includes("first half;")) firstChunkSeen.resolve();
        }),
        "the connection to end",
      );
      assert.equal(reply.status, 200, "the status was sent before the body failed");
      assert.match(reply.text, /transfer-encoding: chunked/i);
      assert.equal(rawBody(reply), "b\r\nfirst half;\r\n", "the first chunk, and no last chunk");
      assert.ok(!reply.text.endsWith("0\r\n\r\n"), "the client can tell the body is incomplete");
      // Deno closes the connection; Bun resets it.
      assert.equal(reply.ending, runtime === "deno" ? "close" : "ECONNRESET");
      assert.equal(logger.entries.length, 0, "latch had already answered: the runtime reports it");
    } finally {
      await server.stop();
    }
  }));

test("App runs the rest of the chain twice when a middleware calls next twice, and returns what it returns", () =>
  withoutUnhandledRejections(async () => {
    let handlerCalls = 0;
    let innerCalls = 0;
    const app = new App({ logger: recordingLogger() });
    app.use((next) => async (request, ctx) => {
      const first = await next(request, ctx);
      const second = await next(request, ctx);
      return new URL(request.url).searchParams.has("first") ? first : second;
    });
    app.use((next) => (request, ctx) => {
      innerCalls++;
      return next(request, ctx);
    });
    app.get("/", () => new Response(`call ${++handlerCalls}`));
    app.get("/fails-second", () => {
      if (++handlerCalls % 2 === 0) throw new Error("second call");
      return new Response("fine");
    });

    assert.equal(await (await request(app, "/")).text(), "call 2");
    assert.equal(await (await request(app, "/?first")).text(), "call 3");
    assert.deepEqual([handlerCalls, innerCalls], [4, 4], "every call ran the inner chain again");
    handlerCalls = 0;
    const failed = await request(app, "/fails-second");
    assert.equal(failed.status, 500, "the second call's error became a response inside");
    assert.equal(await (await request(app, "/fails-second?first")).text(), "fine");
  }));

test(`App behind ${runtime}'s server keeps building when a waiting client disconnects, and logs nothing`, () =>
  withoutUnhandledRejections(async () => {
    const logger = recordingLogger();
    const gate = Promise.withResolvers<void>();
    const buildStarted = Promise.withResolvers<void>();
    let factoryCalls = 0;
    const app = new App({ logger }).use(async (next) => {
      factoryCalls++;
      buildStarted.resolve();
      await gate.promise;
      return next;
    }).get("/", ok);
    const answered: Promise<Response>[] = [];
    const server = serve((request, info) => {
      const response = Promise.resolve(app.fetch(request, info));
      answered.push(response);
      return response;
    });
    try {
      const controller = new AbortController();
      const aborted = fetch(`${server.url}/`, { signal: controller.signal });
      await buildStarted.promise;
      const others = Array.from({ length: 10 }, () => fetch(`${server.url}/`));
      controller.abort();
      await assert.rejects(aborted, (error: Error) => error.name === "AbortError");
      gate.resolve();
      for (const response of await Promise.all(others)) {
        assert.equal(response.status, 200);
        assert.equal(await response.text(), "ok");
      }
      const all = await Promise.all(answered);
      assert.ok(all.every((response) => response.status === 200), "the app answered all, once");
      assert.equal(factoryCalls, 1);
      assert.equal(app.stats.builds, 1);
      assert.equal(logger.entries.length, 0);
    } finally {
      gate.resolve();
      await server.stop();
      await app.close();
    }
  }));

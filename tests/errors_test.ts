import { test } from "node:test";
import assert from "node:assert/strict";
import { App, type Context, type Handler, HttpError, type Middleware } from "../mod.ts";
import { recordingLogger, request, settle, watchUnhandledRejections } from "./_helpers.ts";

/** A middleware that stamps every response it sees, as CORS or a request id would. */
const stamp: Middleware = (next) => async (request, ctx) => {
  const response = await next(request, ctx);
  const stamped = new Response(response.body, response);
  stamped.headers.set("x-stamped", "yes");
  return stamped;
};

test("App passes handler errors, 404 and 405 through user middleware as responses", async () => {
  const app = new App({ logger: recordingLogger() }).use(stamp).get("/boom", () => {
    throw new Error("boom");
  }).get("/only-get", () => new Response());
  for (
    const [path, method, status] of [
      ["/boom", "GET", 500],
      ["/missing", "GET", 404],
      ["/only-get", "POST", 405],
    ] as const
  ) {
    const response = await request(app, path, { method });
    assert.equal(response.status, status, path);
    assert.equal(response.headers.get("x-stamped"), "yes", `${path} went through the middleware`);
  }
});

test("App hides the message and stack of an unhandled error and logs it with the route", async () => {
  const logger = recordingLogger();
  const secret = new Error("password=hunter2 at db.internal");
  const app = new App({ logger }).get("/boom", () => {
    throw secret;
  });
  const response = await request(app, "/boom");
  const body = await response.text();
  assert.equal(response.status, 500);
  assert.equal(response.headers.get("content-type"), "application/problem+json");
  assert.deepEqual(JSON.parse(body), {
    type: "about:blank",
    title: "Internal Server Error",
    status: 500,
  });
  assert.ok(!body.includes("hunter2") && !body.includes("at "), "nothing internal leaks");
  assert.equal(logger.entries.length, 1);
  assert.equal(logger.entries[0]!.message, "latch: GET /boom: unhandled error, answered 500");
  assert.equal(logger.entries[0]!.error, secret);
});

test("App puts the message and stack in the problem body when debug is on", async () => {
  const app = new App({ debug: true, logger: recordingLogger() }).get("/boom", () => {
    throw new TypeError("wrong shape");
  });
  const body = await (await request(app, "/boom")).json();
  assert.equal(body.detail, "TypeError: wrong shape");
  assert.match(body.stack, /wrong shape/);
});

test("App answers an HttpError with its status, headers and exposed message", async () => {
  const logger = recordingLogger();
  const app = new App({ logger })
    .get("/limited", () => {
      throw new HttpError(429, "Slow down", { headers: { "retry-after": "30" } });
    })
    .get("/down", () => {
      throw new HttpError(503, "db host 10.0.0.7 unreachable");
    })
    .get("/shown", () => {
      throw new HttpError(503, "Down for maintenance", { expose: true });
    });
  const limited = await request(app, "/limited");
  assert.equal(limited.status, 429);
  assert.equal(limited.headers.get("retry-after"), "30");
  assert.deepEqual(await limited.json(), {
    type: "about:blank",
    title: "Too Many Requests",
    status: 429,
    detail: "Slow down",
  });
  assert.equal(logger.entries.length, 0, "a 4xx HttpError is not an error of the server");
  const down = await (await request(app, "/down")).json();
  assert.equal(down.detail, undefined, "a 5xx message is not exposed by default");
  assert.equal(logger.entries.length, 1);
  assert.equal((await (await request(app, "/shown")).json()).detail, "Down for maintenance");
});

test("App looks an HttpError up by its status before its class", async () => {
  const app = new App()
    .onError(HttpError, () => new Response("by class"))
    .onError(404, () => new Response("by status", { status: 404 }))
    .get("/forbidden", () => {
      throw new HttpError(403);
    });
  assert.equal(await (await request(app, "/nowhere")).text(), "by status");
  assert.equal(await (await request(app, "/forbidden")).text(), "by class");
});

test("App looks an error up by its class chain, nearest first", async () => {
  class DatabaseError extends Error {}
  class NotFound extends DatabaseError {}
  class Timeout extends DatabaseError {}
  const app = new App()
    .onError(Error, () => new Response("error"))
    .onError(DatabaseError, () => new Response("database"))
    .onError(NotFound, () => new Response("gone", { status: 410 }))
    .get("/nf", () => {
      throw new NotFound();
    })
    .get("/timeout", () => {
      throw new Timeout();
    })
    .get("/range", () => {
      throw new RangeError();
    });
  const gone = await request(app, "/nf");
  assert.equal(gone.status, 410);
  assert.equal(await gone.text(), "gone");
  assert.equal(await (await request(app, "/timeout")).text(), "database");
  assert.equal(await (await request(app, "/range")).text(), "error");
});

test("App hands onError(500) the errors that are not HttpErrors and have no class handler", async () => {
  const app = new App()
    .onError(
      500,
      (error) => new Response(`500 handler: ${(error as Error).message}`, { status: 500 }),
    )
    .get("/boom", () => {
      throw new Error("boom");
    })
    .get("/teapot", () => {
      throw new HttpError(418);
    });
  assert.equal(await (await request(app, "/boom")).text(), "500 handler: boom");
  assert.equal((await request(app, "/teapot")).status, 418);
});

test("App gives error handlers the error, the request and the context", async () => {
  class Conflict extends Error {}
  const app = new App()
    .use((next) => (request, ctx) => {
      ctx.state.user = "ada";
      return next(request, ctx);
    })
    .onError(
      Conflict,
      (error, request, ctx) =>
        Response.json({ message: error.message, method: request.method, user: ctx.state.user }, {
          status: 409,
        }),
    )
    .put("/x", () => {
      throw new Conflict("taken");
    });
  const response = await request(app, "/x", { method: "PUT" });
  assert.equal(response.status, 409);
  assert.deepEqual(await response.json(), { message: "taken", method: "PUT", user: "ada" });
});

test("App answers errors from async handlers and rejected promises the same way", async () => {
  const app = new App({ logger: recordingLogger() })
    .onError(RangeError, () => new Response("range", { status: 422 }))
    .get("/async", async () => {
      await Promise.resolve();
      throw new RangeError();
    })
    .get("/rejected", () => Promise.reject(new HttpError(409, "conflict")));
  assert.equal((await request(app, "/async")).status, 422);
  assert.equal((await request(app, "/rejected")).status, 409);
});

test("App answers 500 when an error handler throws, and logs both", async () => {
  const rejections = watchUnhandledRejections();
  const logger = recordingLogger();
  const app = new App({ logger })
    .onError(RangeError, () => {
      throw new Error("handler broke");
    })
    .onError(SyntaxError, () => Promise.reject(new Error("async handler broke")))
    .get("/sync", () => {
      throw new RangeError("original");
    })
    .get("/async", () => {
      throw new SyntaxError("original");
    });
  assert.equal((await request(app, "/sync")).status, 500);
  assert.equal((await request(app, "/async")).status, 500);
  assert.deepEqual(logger.entries.map((entry) => entry.message), [
    "latch: GET /sync: an error handler threw while handling an error",
    "latch: GET /sync: unhandled error, answered 500",
    "latch: GET /async: an error handler threw while handling an error",
    "latch: GET /async: unhandled error, answered 500",
  ]);
  await settle();
  rejections.stop();
  assert.equal(rejections.count(), 0);
});

test("App answers 500 when a handler returns something other than a Response, naming the route", async () => {
  const logger = recordingLogger();
  const app = new App({ logger })
    .get("/undefined", (() => undefined) as never)
    .post("/object", (() => Promise.resolve({ ok: true })) as never);
  assert.equal((await request(app, "/undefined")).status, 500);
  assert.equal((await request(app, "/object", { method: "POST" })).status, 500);
  assert.deepEqual(logger.entries.map((entry) => entry.message), [
    "latch: GET /undefined: a route handler returned undefined instead of a Response: " +
    "return a Response, such as new Response(body) or Response.json(data)",
    "latch: POST /object: a route handler returned an object (Object) instead of a Response: " +
    "return a Response, such as new Response(body) or Response.json(data)",
  ]);
});

test("App answers 500 when a middleware forgets to return next(), and says so", async () => {
  const logger = recordingLogger();
  // The type system already refuses this; plain JavaScript callers get the runtime check.
  const forgetful: Middleware = (next) =>
    ((request: Request, ctx: Context) => {
      next(request, ctx);
    }) as unknown as Handler;
  const app = new App({ logger }).use(forgetful).get("/", () => new Response());
  assert.equal((await request(app, "/")).status, 500);
  assert.match(
    logger.entries[0]!.message,
    /a middleware returned undefined instead of a Response: did you forget to return next\(request, ctx\)\?/,
  );
});

test("App's last-resort guard answers errors thrown by a middleware itself", async () => {
  const rejections = watchUnhandledRejections();
  const logger = recordingLogger();
  const app = new App({ logger }).use((next) => async (request, ctx) => {
    const response = await next(request, ctx);
    if (new URL(request.url).pathname === "/after") throw new Error("post-processing failed");
    if (new URL(request.url).pathname === "/auth") throw new HttpError(401, "Log in first");
    return response;
  }).get("/after", () => new Response()).get("/auth", () => new Response());
  const after = await request(app, "/after");
  assert.equal(after.status, 500);
  assert.equal(after.headers.get("content-type"), "application/problem+json");
  const auth = await request(app, "/auth");
  assert.equal(auth.status, 401, "an HttpError from a middleware keeps its status");
  assert.equal((await auth.json()).detail, "Log in first");
  assert.equal(logger.entries.length, 1);
  await settle();
  rejections.stop();
  assert.equal(rejections.count(), 0);
});

test("App answers a thrown non-Error value with 500 and no unhandled rejection", async () => {
  const rejections = watchUnhandledRejections();
  const logger = recordingLogger();
  const app = new App({ logger })
    .get("/string", () => {
      throw "just a string";
    })
    .get("/null", () => Promise.reject(null));
  for (const path of ["/string", "/null"]) {
    const response = await request(app, path);
    assert.equal(response.status, 500);
    assert.ok(!(await response.text()).includes("just a string"));
  }
  assert.equal(logger.entries.length, 2);
  await settle();
  rejections.stop();
  assert.equal(rejections.count(), 0);
});

test("App keeps answering when its logger throws", async () => {
  const app = new App({
    logger: {
      error() {
        throw new Error("logger down");
      },
    },
  }).get("/boom", () => {
    throw new Error("boom");
  });
  assert.equal((await request(app, "/boom")).status, 500);
});

test("App answers 500 in debug mode for a thrown value that cannot become a string", async () => {
  const app = new App({ debug: true, logger: recordingLogger() }).get("/", () => {
    throw Object.create(null);
  });
  const response = await request(app, "/");
  assert.equal(response.status, 500);
  assert.equal((await response.json()).detail, "Thrown: an object");
});

test("App answers 500 for an error whose getters throw", async () => {
  const hostile = new Error("x");
  Object.defineProperty(hostile, "stack", {
    get() {
      throw new Error("no stack for you");
    },
  });
  const app = new App({ debug: true, logger: recordingLogger() }).get("/", () => {
    throw hostile;
  });
  assert.equal((await request(app, "/")).status, 500);
});

test("App answers HEAD errors without a body", async () => {
  const app = new App({ logger: recordingLogger() })
    .post("/p", () => new Response())
    .get("/boom", () => {
      throw new Error("boom");
    });
  for (const [path, status] of [["/nope", 404], ["/p", 405], ["/boom", 500]] as const) {
    const response = await request(app, path, { method: "HEAD" });
    assert.equal(response.status, status, path);
    assert.equal(response.body, null, path);
    assert.equal(response.headers.get("content-type"), "application/problem+json");
  }
});

test("App accepts a thenable that is not a Promise from a handler", async () => {
  const app = new App().get("/", () =>
    ({
      then(resolve: (response: Response) => void) {
        resolve(new Response("from a thenable"));
      },
    }) as unknown as Response);
  assert.equal(await (await request(app, "/")).text(), "from a thenable");
});

test("App answers 500, never throws, when a handler or middleware returns a hostile Proxy", async () => {
  const rejections = watchUnhandledRejections();
  const hostile = new Proxy({}, {
    getPrototypeOf() {
      throw new Error("trap: getPrototypeOf");
    },
    get() {
      throw new Error("trap: get");
    },
  });
  const app = new App({ logger: recordingLogger() })
    .use((next) => (request, ctx) =>
      new URL(request.url).pathname === "/from-middleware"
        ? hostile as Response
        : next(request, ctx)
    )
    .get("/sync", () => hostile as Response)
    .get("/async", () => Promise.resolve(hostile as Response))
    .get("/from-middleware", () => new Response());
  for (const path of ["/sync", "/async", "/from-middleware"]) {
    let result: Response | Promise<Response>;
    try {
      result = app.fetch(new Request(`http://localhost${path}`));
    } catch (error) {
      assert.fail(`fetch threw for ${path}: ${error}`);
    }
    assert.equal((await result).status, 500, path);
  }
  await settle();
  rejections.stop();
  assert.equal(rejections.count(), 0);
});

test("App answers with the error's own default when an error handler returns no Response", async () => {
  const logger = recordingLogger();
  const app = new App({ logger }).onError(404, (() => undefined) as never);
  const response = await request(app, "/nowhere");
  assert.equal(response.status, 404);
  assert.match(
    logger.entries[0]!.message,
    /an error handler returned undefined instead of a Response/,
  );
});

test("App skips a prototype whose constructor getter throws when looking up error handlers", async () => {
  class Unlucky extends HttpError {}
  Object.defineProperty(Unlucky.prototype, "constructor", {
    get() {
      throw new Error("no constructor");
    },
  });
  const app = new App({ logger: recordingLogger() }).onError(Error, () => new Response("by Error"))
    .get("/", () => {
      throw new Unlucky(401);
    });
  assert.equal(await (await request(app, "/")).text(), "by Error");
});

test("App survives a logger whose error() returns a rejected promise", async () => {
  const rejections = watchUnhandledRejections();
  const app = new App({
    logger: {
      error: () => Promise.reject(new Error("log sink down")),
    },
  }).get("/", () => {
    throw new Error("boom");
  });
  assert.equal((await request(app, "/")).status, 500);
  await settle();
  rejections.stop();
  assert.equal(rejections.count(), 0);
});

test("App answers 500 without throwing when an error handler returns a hostile Response to HEAD", async () => {
  const hostile = new Proxy(new Response("x"), {
    get(target, key) {
      if (key === "body") throw new Error("hostile body");
      return Reflect.get(target, key, target);
    },
  });
  class Refused extends Error {}
  // Thrown by a middleware, so the guard answers it, outside any other try.
  const app = new App({ logger: recordingLogger() }).onError(Refused, () => hostile).use(
    () => () => {
      throw new Refused();
    },
  );
  let result: Response | Promise<Response>;
  try {
    result = app.fetch(new Request("http://localhost/", { method: "HEAD" }));
  } catch (error) {
    assert.fail(`fetch threw: ${error}`);
  }
  assert.equal((await result).status, 500);
});

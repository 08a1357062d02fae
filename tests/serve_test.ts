// serve() in this process, on the runtime running the tests (Deno, Bun, or
// Node.js through srvx): its options, warm, the health answer, ctx.env, a
// burst of first requests, and shutdown() with its drain and its cut.
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { App } from "../mod.ts";
import { serve } from "../lib/serve/mod.ts";
import { _settings } from "../lib/serve/_settings.ts";
import { _healthStatus } from "../lib/serve/_health.ts";
import { ok, recordingLogger } from "./_helpers.ts";
import { hasSettled, within, withoutUnhandledRejections } from "./_reliability.ts";

const runtime = process.versions.bun ? "bun" : process.versions.deno ? "deno" : "node";

/** Options for a server in a test: a free port, and no line printed. */
const quiet = { port: 0, onListen() {} } as const;

/** Runs `body` with `PORT` and `HOST` set as given (`undefined` unsets), then puts them back. */
async function withEnv(
  vars: Record<string, string | undefined>,
  body: () => Promise<void> | void,
) {
  const saved = Object.fromEntries(
    Object.keys(vars).map((name) => [name, process.env[name]]),
  );
  const apply = (values: Record<string, string | undefined>) => {
    for (const [name, value] of Object.entries(values)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  };
  apply(vars);
  try {
    await body();
  } finally {
    apply(saved);
  }
}

test("serve() listens on PORT and HOST when given no port or hostname, else on 127.0.0.1:8000", async () => {
  const app = new App();
  await withEnv({ PORT: undefined, HOST: undefined }, () => {
    const { port, hostname } = _settings(app, {});
    assert.deepEqual({ port, hostname }, { port: 8000, hostname: "127.0.0.1" });
  });
  await withEnv({ PORT: "", HOST: "" }, () => {
    const { port, hostname } = _settings(app, {});
    assert.deepEqual(
      { port, hostname },
      { port: 8000, hostname: "127.0.0.1" },
      "empty is unset",
    );
  });
  await withEnv({ PORT: "0", HOST: "127.0.0.1" }, async () => {
    const server = serve(app, { onListen() {} });
    const url = await server.url;
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(url, "http://127.0.0.1:0", "port 0 lets the system pick");
    await server.shutdown();
  });
  await withEnv({ PORT: "9999", HOST: "0.0.0.0" }, () => {
    const { port, hostname } = _settings(app, { port: 1234, hostname: "::1" });
    assert.deepEqual(
      { port, hostname },
      { port: 1234, hostname: "::1" },
      "options win",
    );
  });
});

test("serve() refuses a wrong option at once, saying what to pass", async () => {
  const app = new App();
  const cases: [unknown, unknown, RegExp][] = [
    [{}, TypeError, /takes an app with fetch\(\) and ready\(\)/],
    [{ prot: 80 }, TypeError, /has no option "prot": use port, hostname/],
    [
      { port: 70000 },
      RangeError,
      /port must be an integer from 0 to 65535, got 70000/,
    ],
    [{ port: "80" }, RangeError, /port must be an integer .* got "80"/],
    [
      { hostname: "" },
      TypeError,
      /hostname must be an address such as "127\.0\.0\.1"/,
    ],
    [
      { health: "healthz" },
      TypeError,
      /health must be a path such as "\/healthz"/,
    ],
    [
      { health: "/healthz?full" },
      TypeError,
      /health must be a path .*no query/,
    ],
    [{ warm: "yes" }, TypeError, /warm must be true or false, got "yes"/],
    [{ onListen: "log" }, TypeError, /onListen must be a function/],
    [
      { shutdown: true },
      TypeError,
      /shutdown must be \{ signals, drainMs \} or false/,
    ],
    [
      { shutdown: { signals: ["SIGKILL"] } },
      TypeError,
      /signals must be a list of SIGINT/,
    ],
    [
      { shutdown: { drainMs: -1 } },
      RangeError,
      /drainMs must be a number of milliseconds/,
    ],
  ];
  for (const [options, type, message] of cases) {
    const target = options !== null && typeof options === "object" &&
        Object.keys(options).length === 0
      ? () => serve(options as App, quiet)
      : () => serve(app, options as object);
    assert.throws(target, (error: unknown) => {
      assert.ok(
        error instanceof (type as typeof Error),
        `${JSON.stringify(options)}: ${error}`,
      );
      assert.match((error as Error).message, message);
      return true;
    });
  }
  await withEnv({ PORT: "eighty" }, () => {
    assert.throws(() => serve(app), {
      name: "RangeError",
      message: /PORT must be a port number from 0 to 65535, got "eighty"/,
    });
  });
});

test(`serve() on ${runtime} with warm builds the app before the port opens`, () =>
  withoutUnhandledRejections(async () => {
    const gate = Promise.withResolvers<void>();
    const listened: boolean[] = [];
    const app = new App().use(async (next) => {
      await gate.promise;
      return next;
    }).get("/", ok);
    const server = serve(app, {
      port: 0,
      warm: true,
      onListen: () => listened.push(app.built),
    });
    try {
      assert.equal(
        await hasSettled(server.url),
        false,
        "no port while it builds",
      );
      assert.equal(app.stats.builds, 1, "warm started the build");
      gate.resolve();
      const url = await within(5000, server.url, "the url once built");
      assert.deepEqual(listened, [true], "onListen ran once, after the build");
      assert.equal(await (await fetch(`${url}/`)).text(), "ok");
      assert.equal(app.stats.builds, 1);
    } finally {
      gate.resolve();
      await server.shutdown();
    }
  }));

test(`serve() on ${runtime} with warm rejects finished with the build error when the build fails, and never listens`, () =>
  withoutUnhandledRejections(async () => {
    const exitCode = process.exitCode;
    const logger = recordingLogger();
    let listened = 0;
    const app = new App({ logger }).use(() => {
      throw new Error("the database is down");
    });
    try {
      const server = serve(app, {
        port: 0,
        warm: true,
        onListen: () => listened++,
      });
      await assert.rejects(server.finished, {
        message: "the database is down",
      });
      await assert.rejects(server.url, { message: "the database is down" });
      assert.equal(
        await server.shutdown().catch((error: Error) => error.message),
        "the database is down",
      );
      assert.equal(listened, 0, "it never listened");
      assert.equal(process.exitCode, 1, "the process will exit 1");
      assert.equal(
        logger.entries.length,
        1,
        "the app logged the failed build once",
      );
    } finally {
      // Bun keeps a code set once when given undefined: 0 is the default either way.
      process.exitCode = exitCode ?? 0;
    }
  }));

test(`serve() on ${runtime} shut down during its warm build never listens, and closes the app once built`, () =>
  withoutUnhandledRejections(async () => {
    const gate = Promise.withResolvers<void>();
    let listened = 0;
    let cleanups = 0;
    const app = new App().use(async (next, build) => {
      build.defer(() => {
        cleanups++;
      });
      await gate.promise;
      return next;
    });
    const server = serve(app, { port: 0, warm: true, onListen: () => listened++ });
    const finished = server.shutdown();
    assert.equal(await hasSettled(finished), false, "it waits for the build in flight");
    gate.resolve();
    await within(5000, finished, "finished");
    await assert.rejects(server.url, /shut down during its warm build, before it listened/);
    assert.equal(listened, 0);
    assert.equal(cleanups, 1, "app.close() ran");
  }));

test(`serve() on ${runtime} answers health 503 while cold without building, 503 while building, then 200`, async () => {
  const gate = Promise.withResolvers<void>();
  const entered = Promise.withResolvers<void>();
  const app = new App().use(async (next) => {
    entered.resolve();
    await gate.promise;
    return next;
  }).get("/", ok).get("/healthz/deeper", () => new Response("the app's"));
  const server = serve(app, { ...quiet, health: "/healthz" });
  try {
    const url = await server.url;
    for (let i = 0; i < 3; i++) {
      const cold = await fetch(`${url}/healthz`);
      assert.equal(cold.status, 503);
      assert.equal(cold.headers.get("cache-control"), "no-store");
      assert.deepEqual(await cold.json(), { status: "cold" });
    }
    assert.equal(app.stats.builds, 0, "asking for health never starts a build");
    const first = fetch(`${url}/`);
    await entered.promise;
    const building = await fetch(`${url}/healthz`);
    assert.deepEqual([building.status, await building.json()], [503, {
      status: "building",
    }]);
    gate.resolve();
    assert.equal(await (await first).text(), "ok");
    const ready = await fetch(`${url}/healthz?probe=lb`);
    assert.deepEqual([ready.status, await ready.json()], [200, {
      status: "ready",
    }]);
    const head = await fetch(`${url}/healthz`, { method: "HEAD" });
    assert.deepEqual([head.status, await head.text()], [200, ""]);
    const post = await fetch(`${url}/healthz`, { method: "POST" });
    assert.deepEqual([post.status, post.headers.get("allow")], [
      405,
      "GET, HEAD",
    ]);
    await post.body?.cancel();
    assert.equal(
      await (await fetch(`${url}/healthz/deeper`)).text(),
      "the app's",
    );
    assert.equal(app.stats.builds, 1);
  } finally {
    gate.resolve();
    await server.shutdown();
  }
});

test(`serve() on ${runtime} answers health 503 after a failed build, and 200 once a request rebuilt it`, async () => {
  let attempts = 0;
  const app = new App({ logger: recordingLogger() }).use((next) => {
    if (++attempts === 1) throw new Error("not yet");
    return next;
  }).get("/", ok);
  const server = serve(app, { ...quiet, health: "/healthz" });
  try {
    const url = await server.url;
    const failed = await fetch(`${url}/`);
    assert.equal(failed.status, 503);
    await failed.body?.cancel();
    const health = await fetch(`${url}/healthz`);
    assert.deepEqual([health.status, await health.json()], [503, {
      status: "failed",
    }]);
    assert.equal(
      await (await fetch(`${url}/`)).text(),
      "ok",
      "the next request rebuilt it",
    );
    assert.equal((await fetch(`${url}/healthz`)).status, 200);
  } finally {
    await server.shutdown();
  }
});

test(`serve() on ${runtime} answers health 503 "closed" once the app was closed directly, not through serve()`, async () => {
  const app = new App().get("/", ok);
  const server = serve(app, { ...quiet, health: "/healthz" });
  try {
    const url = await server.url;
    assert.equal(await (await fetch(`${url}/`)).text(), "ok");
    await app.close();
    const health = await fetch(`${url}/healthz`);
    assert.deepEqual([health.status, await health.json()], [503, { status: "closed" }]);
  } finally {
    await server.shutdown();
  }
});

test("serve()'s health names draining and closed from the server's phase, and the app's state otherwise", () => {
  const app = {
    built: true,
    stats: { builds: 1, failures: 0 },
  } as unknown as App;
  assert.equal(_healthStatus(app, "serving"), "ready");
  assert.equal(_healthStatus(app, "draining"), "draining");
  assert.equal(_healthStatus(app, "closed"), "closed");
});

test(`serve() on ${runtime} builds once for a burst of 100 concurrent first requests`, async () => {
  let factories = 0;
  const gate = Promise.withResolvers<void>();
  const entered = Promise.withResolvers<void>();
  const app = new App().use(async (next) => {
    factories++;
    entered.resolve();
    await gate.promise;
    return next;
  }).get("/users/:id", (_request, ctx) => Response.json({ id: ctx.params.id }));
  const server = serve(app, quiet);
  try {
    const url = await server.url;
    const responses = Array.from(
      { length: 100 },
      (_, index) => fetch(`${url}/users/${index}`),
    );
    await entered.promise;
    gate.resolve();
    const ids = await Promise.all(
      responses.map(async (pending) => (await (await pending).json()).id),
    );
    assert.deepEqual(
      ids,
      Array.from({ length: 100 }, (_, index) => String(index)),
    );
    assert.equal(factories, 1);
    assert.equal(app.stats.builds, 1);
  } finally {
    gate.resolve();
    await server.shutdown();
  }
});

test(`serve() on ${runtime} gives the app the runtime's own second argument as ctx.env`, async () => {
  const app = new App().get("/", (_request, ctx) => {
    const env = ctx.env as Record<string, unknown>;
    const what = runtime === "node"
      ? (env.incoming as { method: string }).method
      : runtime === "bun"
      ? typeof env.upgrade
      : typeof (env.remoteAddr as { hostname: string }).hostname;
    return new Response(what);
  });
  const server = serve(app, quiet);
  try {
    const expected = { node: "GET", bun: "function", deno: "string" }[runtime];
    assert.equal(await (await fetch(`${await server.url}/`)).text(), expected);
  } finally {
    await server.shutdown();
  }
});

test(`server.shutdown() on ${runtime} lets the requests in flight finish, refuses new ones, then closes the app`, async () => {
  const steps: string[] = [];
  const gate = Promise.withResolvers<void>();
  let entered = 0;
  const allEntered = Promise.withResolvers<void>();
  const app = new App().use((next, build) => {
    build.defer(() => {
      steps.push("cleanup");
    });
    return next;
  }).get("/slow", async () => {
    if (++entered === 5) allEntered.resolve();
    await gate.promise;
    steps.push("answered");
    return new Response("finished");
  });
  const server = serve(app, quiet);
  const url = await server.url;
  const inFlight = Array.from(
    { length: 5 },
    () => fetch(`${url}/slow`).then((response) => response.text()),
  );
  await allEntered.promise;
  const shutdown = server.shutdown();
  assert.equal(
    server.shutdown(),
    shutdown,
    "a second call gets the same promise",
  );
  assert.equal(shutdown, server.finished);
  await within(
    5000,
    (async () => {
      for (;;) {
        try {
          await (await fetch(`${url}/slow`)).body?.cancel();
        } catch {
          return; // refused: it stopped accepting
        }
      }
    })(),
    "the server to stop accepting",
  );
  assert.equal(
    await hasSettled(shutdown),
    false,
    "it waits for the requests in flight",
  );
  gate.resolve();
  assert.deepEqual(await Promise.all(inFlight), Array(5).fill("finished"));
  await within(5000, shutdown, "finished");
  assert.deepEqual(
    steps,
    [...Array(5).fill("answered"), "cleanup"],
    "the app closed last",
  );
  assert.equal(app.built, false);
});

test(`server.shutdown() on ${runtime} stops waiting for a request still in flight after drainMs, and closes the app`, async () => {
  let cleanups = 0;
  const entered = Promise.withResolvers<void>();
  const app = new App().use((next, build) => {
    build.defer(() => {
      cleanups++;
    });
    return next;
  }).get("/hang", () => {
    entered.resolve();
    return new Promise<Response>(() => {});
  });
  const server = serve(app, { ...quiet, shutdown: { drainMs: 50 } });
  const client = new AbortController();
  const hanging = fetch(`${await server.url}/hang`, { signal: client.signal })
    .then(
      () => "answered",
      () => "cut",
    );
  try {
    await entered.promise;
    await within(
      5000,
      server.shutdown(),
      "finished, drainMs after the shutdown",
    );
    assert.equal(cleanups, 1);
    if (runtime !== "deno") {
      // Deno cannot close a served connection early: it only stops waiting for it.
      assert.equal(
        await within(5000, hanging, "the connection to be cut"),
        "cut",
      );
    }
  } finally {
    client.abort();
  }
  assert.equal(await hanging, "cut");
});

test(
  `serve() on ${runtime} passes the app's websocket handlers to Bun's server`,
  {
    skip: runtime === "bun" ? false : "only Bun takes websocket handlers in its server's options",
  },
  async () => {
    const received: string[] = [];
    const app = Object.assign(
      new App().get("/ws", (request, ctx) => {
        const server = ctx.env as { upgrade(request: Request): boolean };
        return server.upgrade(request)
          ? new Response(null, { status: 101 })
          : new Response("no", { status: 400 });
      }),
      {
        websocket: {
          message(socket: { send(text: string): void }, message: string) {
            received.push(message);
            socket.send(`echo ${message}`);
          },
        },
      },
    );
    const server = serve(app, quiet);
    try {
      const socket = new WebSocket(
        `${(await server.url).replace("http", "ws")}/ws`,
      );
      const echoed = new Promise<string>((resolve, reject) => {
        socket.onmessage = (event) => resolve(String(event.data));
        socket.onerror = () => reject(new Error("the WebSocket failed"));
      });
      socket.onopen = () => socket.send("hi");
      assert.equal(await within(5000, echoed, "the echo"), "echo hi");
      assert.deepEqual(received, ["hi"]);
      socket.close();
    } finally {
      await server.shutdown();
    }
  },
);

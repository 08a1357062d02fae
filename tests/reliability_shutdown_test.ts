// Shutdown: app.close() at awkward moments (during a build, with requests in
// the chain, twice at once, with cleanups that throw), and the graceful
// shutdown of examples/graceful_server.ts, run as a child on the test's own
// runtime: SIGTERM during a burst of slow requests loses no request the server
// accepted, runs the app's cleanups, and exits 0.
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { App } from "../mod.ts";
import { ok, recordingLogger, request, settle } from "./_helpers.ts";
import { runtime, serve } from "./_serve.ts";
import {
  hasSettled,
  rawHead,
  rawRequest,
  spawnChild,
  within,
  withoutUnhandledRejections,
} from "./_reliability.ts";
import { runtimeBinary } from "./_spawn.ts";

const EXAMPLE = fileURLToPath(
  new URL("../examples/graceful_server.ts", import.meta.url),
);

/** What one request of the burst ended as. */
type Outcome = { kind: "served"; status: number; body: string } | {
  kind: "refused";
  error: string;
};

/** A request that reports how it ended: a full response, or a connection that was never served. */
async function attempt(url: string): Promise<Outcome> {
  try {
    const response = await fetch(url);
    return {
      kind: "served",
      status: response.status,
      body: await response.text(),
    };
  } catch (error) {
    return { kind: "refused", error: String(error) };
  }
}

test(
  `examples/graceful_server.ts on ${runtime} drains in-flight requests on SIGTERM, runs its cleanups and exits 0`,
  { timeout: 60_000 },
  async () => {
    const args = runtime === "deno" ? ["run", "--allow-net", "--allow-env", EXAMPLE] : [EXAMPLE];
    const child = spawnChild(runtimeBinary, args, { PORT: "0" });
    try {
      const [, url] = await child.waitFor(
        /listening on (http:\/\/127\.0\.0\.1:\d+)\//,
        15_000,
      );
      // Burst A: accepted and in flight (headers received) before the signal.
      const inFlight = await within(
        10_000,
        Promise.all(
          Array.from({ length: 20 }, () => fetch(`${url}/slow?ms=300`)),
        ),
        "the first burst's headers",
      );
      assert.ok(inFlight.every((response) => response.status === 200));
      // Burst B: sent in the same tick as the signal; each is served in full or never accepted.
      const racing = Array.from(
        { length: 20 },
        () => attempt(`${url}/slow?ms=50`),
      );
      // process.kill, not child.kill: Deno's node:child_process reports a child that was
      // sent a signal through child.kill() as killed by it, even when it exited 0 itself.
      process.kill(child.process.pid as number, "SIGTERM");
      await child.waitFor(/SIGTERM: draining/, 5_000);
      const afterStop = await rawRequest(url as string, rawHead("GET", "/"));
      assert.equal(
        afterStop.status,
        undefined,
        "no new connection is served once it drains",
      );
      // Refused once the listener is closed; in the moment before (Deno closes it
      // asynchronously) the kernel may still accept, and the connection is reset unread.
      assert.match(afterStop.ending, /^(ECONNREFUSED|ECONNRESET)$/);
      const bodies = await within(
        10_000,
        Promise.all(inFlight.map((response) => response.text())),
        "the in-flight bodies",
      );
      assert.deepEqual(
        bodies,
        Array(20).fill("done after 300 ms"),
        "no in-flight request lost",
      );
      const outcomes = await Promise.all(racing);
      const served = outcomes.filter((outcome) => outcome.kind === "served").length;
      console.log(
        `racing the signal: ${served} served in full, ${20 - served} never accepted`,
      );
      for (const outcome of outcomes) {
        if (outcome.kind === "served") {
          assert.deepEqual(outcome, {
            kind: "served",
            status: 200,
            body: "done after 50 ms",
          });
        }
      }
      assert.equal(await within(10_000, child.exited, "the child to exit"), 0);
      const lines = child.stdout().trim().split("\n");
      assert.deepEqual(lines.slice(1), [
        "SIGTERM: draining",
        "cleanup: pool closed",
        // The child counts the requests that reached the app: each got its full response here.
        `closed: all ${20 + served} requests that reached the app got their response`,
      ]);
    } finally {
      if (child.process.exitCode === null) child.process.kill("SIGKILL");
      await child.exited;
    }
  },
);

test("App.close() runs the cleanups an abandoned attempt deferred before it hung", () =>
  withoutUnhandledRejections(async () => {
    const gate = Promise.withResolvers<void>();
    const cleaned: string[] = [];
    const app = new App({ buildTimeout: 10, logger: recordingLogger() }).use(
      async (next, build) => {
        build.defer(() => {
          cleaned.push("pool opened before the hang");
        });
        await gate.promise;
        return next;
      },
    ).get("/", ok);
    try {
      assert.equal(
        (await within(2000, request(app, "/"), "a 503")).status,
        503,
      );
      await app.close();
      assert.deepEqual(
        cleaned,
        ["pool opened before the hang"],
        "close() runs every cleanup",
      );
      gate.resolve();
      await settle();
      assert.equal(cleaned.length, 1, "and only once");
    } finally {
      gate.resolve();
    }
  }));

test("App.close() runs every other cleanup once when some throw, and rejects with all their errors", () =>
  withoutUnhandledRejections(async () => {
    const ran: string[] = [];
    const child = new App().use((next, build) => {
      build.defer(() => {
        ran.push("child");
        throw new Error("child cleanup");
      });
      return next;
    });
    const app = new App().mount("/child", child);
    app.onStartup(() => () => {
      ran.push("hook");
      throw "a string from the hook's cleanup";
    });
    app.use((next, build) => {
      build.defer(() => {
        ran.push("a");
        throw new Error("a");
      });
      build.defer(() => {
        ran.push("b");
      });
      build.defer(async () => {
        ran.push("c");
        await Promise.resolve();
        throw new TypeError("c");
      });
      build.defer(() => {
        ran.push("d");
        return Promise.reject(undefined);
      });
      return next;
    });
    await app.ready();
    const closing = [app.close(), app.close()];
    assert.equal(closing[0], closing[1]);
    const error = await closing[0]!.then(
      () => undefined,
      (error: unknown) => error,
    );
    assert.ok(
      error instanceof AggregateError,
      "close() rejects with an AggregateError",
    );
    assert.deepEqual(
      ran,
      ["d", "c", "b", "a", "child", "hook"],
      "each ran once, newest first",
    );
    assert.equal(error.errors.length, 5, "one error per cleanup that threw");
    assert.equal(error.errors[0], undefined);
    assert.equal((error.errors[1] as Error).message, "c");
    assert.equal((error.errors[2] as Error).message, "a");
    assert.match(
      String(error.errors[3]?.errors?.[0] ?? error.errors[3]),
      /child cleanup/,
    );
    assert.equal(error.errors[4], "a string from the hook's cleanup");
    await assert.rejects(app.close());
    assert.equal(ran.length, 6, "a later close() runs nothing again");
  }));

test("App.close() during a build answers the waiters 503, then cleans up that build once", () =>
  withoutUnhandledRejections(async () => {
    const logger = recordingLogger();
    const gate = Promise.withResolvers<void>();
    let cleanups = 0;
    const app = new App({ logger }).use(async (next, build) => {
      build.defer(() => {
        cleanups++;
      });
      await gate.promise;
      build.defer(() => {
        cleanups++;
      });
      return next;
    }).get("/", ok);
    const waiting = Array.from({ length: 10 }, () => request(app, "/"));
    await settle();
    const closing = [app.close(), app.close()];
    assert.equal(
      await hasSettled(closing[0]!),
      false,
      "close() waits for the build in flight",
    );
    gate.resolve();
    await Promise.all(closing);
    for (const response of await Promise.all(waiting)) {
      assert.equal(response.status, 503);
      assert.equal((await response.json()).detail, "The app has shut down");
    }
    assert.equal(cleanups, 2);
    assert.equal(logger.entries.length, 0);
  }));

test(`App.close() while requests are inside the chain behind ${runtime}'s server: each still gets one response`, () =>
  withoutUnhandledRejections(async () => {
    const gate = Promise.withResolvers<void>();
    let entered = 0;
    const allEntered = Promise.withResolvers<void>();
    let cleanups = 0;
    const app = new App().use((next, build) => {
      build.defer(() => {
        cleanups++;
      });
      return next;
    }).get("/slow", async () => {
      if (++entered === 10) allEntered.resolve();
      await gate.promise;
      return new Response("finished");
    });
    await app.ready();
    const server = serve(app.fetch);
    try {
      const inFlight = Array.from(
        { length: 10 },
        () => fetch(`${server.url}/slow`),
      );
      await allEntered.promise;
      await app.close();
      assert.equal(
        cleanups,
        1,
        "close() does not wait for requests already in the chain",
      );
      const late = await fetch(`${server.url}/slow`);
      assert.equal(late.status, 503);
      await late.body?.cancel();
      gate.resolve();
      for (const response of await Promise.all(inFlight)) {
        assert.equal(response.status, 200);
        assert.equal(await response.text(), "finished");
      }
      assert.equal(entered, 10, "the late request never reached the handler");
    } finally {
      gate.resolve();
      await server.stop();
    }
  }));

test("App.close() called twice at once returns one promise and runs each cleanup once", () =>
  withoutUnhandledRejections(async () => {
    let cleanups = 0;
    const app = new App().use((next, build) => {
      build.defer(async () => {
        await Promise.resolve();
        cleanups++;
      });
      return next;
    });
    await app.ready();
    const [first, second] = [app.close(), app[Symbol.asyncDispose]()];
    assert.equal(first, second);
    await Promise.all([first, second]);
    assert.equal(cleanups, 1);
  }));

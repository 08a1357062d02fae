// serve() in a child process on the test's own runtime (tests/_serve_child.ts):
// SIGTERM during a burst loses no request that got a connection and exits 0, a
// second signal exits at once, a failed warm build exits 1 without listening.
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { type Child, rawHead, rawRequest, spawnChild, within } from "./_reliability.ts";

const runtime = process.versions.bun ? "bun" : process.versions.deno ? "deno" : "node";

/** The child script: next to this file, compiled to `.js` when the tests run on Node. */
const CHILD = fileURLToPath(
  new URL(
    `./_serve_child${import.meta.url.endsWith(".js") ? ".js" : ".ts"}`,
    import.meta.url,
  ),
);

/** Starts the child server with `env` added (`PORT=0` and `HOST=127.0.0.1` by default). */
function startChild(env: Record<string, string> = {}): Child {
  const args = runtime === "deno" ? ["run", "--allow-net", "--allow-env", CHILD] : [CHILD];
  return spawnChild(process.execPath, args, {
    PORT: "0",
    HOST: "127.0.0.1",
    ...env,
  });
}

/** Waits for the child's `listening on <url>/` line; returns the URL. */
async function listening(child: Child): Promise<string> {
  const [, url] = await child.waitFor(
    /listening on (http:\/\/127\.0\.0\.1:\d+)\/ \((\w+)\)/,
    15_000,
  );
  return url as string;
}

/**
 * Sends `signal` with process.kill: Deno's node:child_process reports a child
 * sent a signal through child.kill() as killed by it, even when it exited 0.
 */
function signal(child: Child, name: "SIGTERM" | "SIGINT"): void {
  process.kill(child.process.pid as number, name);
}

/** What one request of a burst ended as. */
type Outcome = { kind: "served"; status: number; body: string } | {
  kind: "refused";
};

async function attempt(url: string): Promise<Outcome> {
  try {
    const response = await fetch(url);
    return {
      kind: "served",
      status: response.status,
      body: await response.text(),
    };
  } catch {
    return { kind: "refused" };
  }
}

async function stopped(child: Child): Promise<void> {
  if (child.process.exitCode === null) child.process.kill("SIGKILL");
  await child.exited;
}

test(
  `serve() on ${runtime}: SIGTERM during a burst drains every request that got a connection, closes the app, and exits 0`,
  {
    timeout: 60_000,
  },
  async () => {
    const child = startChild({ SERVE_WARM: "1" });
    try {
      const url = await listening(child);
      assert.equal(
        (await fetch(`${url}/healthz`)).status,
        200,
        "warm: built before listening",
      );
      // Accepted and in flight (headers received) before the signal.
      const inFlight = await within(
        10_000,
        Promise.all(
          Array.from({ length: 20 }, () => fetch(`${url}/slow?ms=300`)),
        ),
        "the first burst's headers",
      );
      // Sent in the same tick as the signal: each is served in full or never accepted.
      const racing = Array.from(
        { length: 20 },
        () => attempt(`${url}/slow?ms=50`),
      );
      signal(child, "SIGTERM");
      await child.waitFor(/SIGTERM received/, 5_000);
      const late = await rawRequest(url, rawHead("GET", "/"));
      assert.equal(
        late.status,
        undefined,
        "a new connection is not served once it drains",
      );
      const bodies = await within(
        10_000,
        Promise.all(inFlight.map((response) => response.text())),
        "the in-flight bodies",
      );
      assert.deepEqual(bodies, Array(20).fill("waited 300 ms"));
      const outcomes = await Promise.all(racing);
      const served = outcomes.filter((outcome) => outcome.kind === "served");
      for (const outcome of served) {
        assert.deepEqual(outcome, {
          kind: "served",
          status: 200,
          body: "waited 50 ms",
        });
      }
      assert.equal(
        await within(15_000, child.exited, "the child to exit"),
        0,
        child.stderr(),
      );
      assert.deepEqual(child.stdout().trim().split("\n").slice(1), [
        "SIGTERM received",
        "cleanup ran",
        // Every request that reached the app was answered in full above.
        `finished: ${20 + served.length} requests reached the app`,
      ]);
    } finally {
      await stopped(child);
    }
  },
);

test(
  `serve() on ${runtime}: a second SIGINT while draining exits at once with 130`,
  {
    timeout: 60_000,
  },
  async () => {
    const child = startChild({ SERVE_WARM: "1" });
    try {
      const url = await listening(child);
      // In flight: its headers came, its body comes after 5 s.
      const slow = await within(
        5_000,
        fetch(`${url}/slow?ms=5000`),
        "the slow request's headers",
      );
      signal(child, "SIGINT");
      await child.waitFor(/SIGINT received/, 5_000);
      signal(child, "SIGINT");
      assert.equal(await within(5_000, child.exited, "the child to exit"), 130);
      assert.match(
        child.stderr(),
        /SIGINT again while shutting down: exiting now/,
      );
      assert.doesNotMatch(
        child.stdout(),
        /cleanup ran|finished/,
        "it did not wait to drain",
      );
      await assert.rejects(
        slow.text(),
        "the request in flight was cut, not answered",
      );
    } finally {
      await stopped(child);
    }
  },
);

test(`serve() on ${runtime}: a failed warm build never listens and exits 1`, {
  timeout: 60_000,
}, async () => {
  const child = startChild({ SERVE_WARM: "1", SERVE_FAIL: "1" });
  try {
    assert.equal(
      await within(15_000, child.exited, "the child to exit"),
      1,
      child.stderr(),
    );
    assert.equal(
      child.stdout().trim(),
      "finished rejected: the database is down",
    );
    assert.match(
      child.stderr(),
      /the app failed to build/,
      "the app logged why",
    );
  } finally {
    await stopped(child);
  }
});

// Load over real sockets: a cold app whose async factory takes 100 ms, served
// by the runtime's own server in this process, takes 200 concurrent
// connections from autocannon (run by Node in a child process) for three
// back-to-back rounds. Short by default (3 × 1 s); LATCH_SOAK=long runs
// 3 × 10 s. The figures are printed for the README.
import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { App } from "../mod.ts";
import { recordingLogger, settle, watchUnhandledRejections } from "./_helpers.ts";
import { runtime, serve } from "./_serve.ts";
import { spawnChild } from "./_reliability.ts";

const LONG = process.env.LATCH_SOAK === "long";
const ROUNDS = 3;
const SECONDS = LONG ? 10 : 1;
const CONNECTIONS = 200;
const AUTOCANNON = fileURLToPath(
  new URL("../node_modules/autocannon/autocannon.js", import.meta.url),
);
const MIB = 1024 * 1024;
/**
 * How much RSS may grow from the end of round 1 to the end of round 3. Round 1
 * pays for the build and the server's connection buffers; what a leak of one
 * small object per request would add over the later rounds (tens of thousands
 * of requests a second) is well past this.
 */
const RSS_GROWTH_BOUND = 48 * MIB;

interface Round {
  requests: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  rssMiB: number;
}

/** Runs autocannon against `url` for `SECONDS`, in Node, and returns its summary. */
async function autocannon(url: string): Promise<Omit<Round, "rssMiB">> {
  const child = spawnChild("node", [
    AUTOCANNON,
    "--connections",
    String(CONNECTIONS),
    "--duration",
    String(SECONDS),
    "--json",
    url,
  ]);
  const code = await child.exited;
  assert.equal(code, 0, `autocannon failed: ${child.stderr()}`);
  const result = JSON.parse(child.stdout());
  return {
    requests: result.requests.total,
    ok: result["2xx"],
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  };
}

/** RSS after a garbage collection where the runtime offers one to scripts (Bun). */
function rss(): number {
  (globalThis as { Bun?: { gc(force: boolean): void } }).Bun?.gc(true);
  return process.memoryUsage().rss;
}

test(
  `App behind ${runtime}'s server takes ${CONNECTIONS} connections for ${ROUNDS} × ${SECONDS} s from a cold start: one build, no failures, flat RSS`,
  {
    timeout: (ROUNDS * (SECONDS + 5) + 30) * 1000,
  },
  async () => {
    const rejections = watchUnhandledRejections();
    const logger = recordingLogger();
    let factoryCalls = 0;
    const app = new App({ logger });
    app.use(async (next, build) => {
      factoryCalls++;
      await new Promise((resolve) => setTimeout(resolve, 100));
      const pool = { open: true };
      build.defer(() => {
        pool.open = false;
      });
      return (request, ctx) => {
        ctx.state.pool = pool;
        return next(request, ctx);
      };
    });
    app.get("/", () => new Response("ok"));
    app.get("/users/:id", (_request, ctx) => Response.json({ id: ctx.params.id }));
    const server = serve(app.fetch);
    const rounds: Round[] = [];
    try {
      assert.equal(app.built, false, "the first round starts cold");
      for (let round = 0; round < ROUNDS; round++) {
        const summary = await autocannon(`${server.url}/users/42`);
        await settle();
        rounds.push({ ...summary, rssMiB: Math.round((rss() / MIB) * 10) / 10 });
      }
    } finally {
      await server.stop();
      await app.close();
      rejections.stop();
    }
    console.log(
      `soak on ${runtime} (${
        LONG ? "long" : "short"
      }: ${ROUNDS} × ${SECONDS} s, ${CONNECTIONS} connections)`,
    );
    console.table(rounds);
    console.log(
      `builds ${app.stats.builds}, factory calls ${factoryCalls}, logged ${logger.entries.length}, ` +
        `unhandled rejections ${rejections.count()}`,
    );
    for (const [index, round] of rounds.entries()) {
      assert.ok(round.requests > 0, `round ${index + 1} sent requests`);
      assert.equal(round.non2xx, 0, `round ${index + 1}: no non-2xx`);
      assert.equal(round.errors, 0, `round ${index + 1}: no errors`);
      assert.equal(round.timeouts, 0, `round ${index + 1}: no timeouts`);
      assert.equal(round.ok, round.requests, `round ${index + 1}: every request answered 2xx`);
    }
    assert.equal(factoryCalls, 1);
    assert.equal(app.stats.builds, 1);
    assert.equal(logger.entries.length, 0);
    assert.equal(rejections.count(), 0);
    const growth = (rounds.at(-1)!.rssMiB - rounds[0]!.rssMiB) * MIB;
    assert.ok(
      growth <= RSS_GROWTH_BOUND,
      `RSS grew ${(growth / MIB).toFixed(1)} MiB from round 1 to round ${ROUNDS}; the bound is ${
        RSS_GROWTH_BOUND / MIB
      } MiB`,
    );
  },
);

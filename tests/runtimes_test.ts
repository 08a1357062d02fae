import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runtime } from "./_serve.ts";
import { runtimeBinary, spawnServer } from "./_spawn.ts";
import { startWorkerd } from "./_workerd.ts";

// Each test serves the todo example the way a runtime serves an app from the
// outside: `deno serve --parallel`, `bun run` and workerd each load the module
// themselves, and /health tells which isolate answered and how often it built.

/** What GET /health answers. */
interface Health {
  status: string;
  isolate: string;
  builds: number;
  storeOpens: number;
}

/** A fresh temporary folder, removed by `await using`. */
async function temporaryDir(): Promise<{ path: string; [Symbol.asyncDispose](): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "latch-runtime-"));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

function post(title: string): RequestInit {
  return {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ title }),
  };
}

/** Fires `count` requests at once and checks every one of them answered 201 with a new id. */
async function createTogether(url: string, count: number): Promise<void> {
  const responses = await Promise.all(
    Array.from({ length: count }, (_, index) => fetch(`${url}/todos`, post(`t${index}`))),
  );
  const ids = await Promise.all(responses.map(async (response) => {
    assert.equal(response.status, 201);
    return (await response.json()).id;
  }));
  assert.equal(new Set(ids).size, count);
}

test("deno serve --parallel builds the todo app exactly once in each worker", {
  skip: runtime !== "deno" && "deno serve is Deno's",
  timeout: 60_000,
}, async () => {
  await using dir = await temporaryDir();
  const server = await spawnServer(runtimeBinary, [
    "serve",
    "--parallel",
    "--allow-env",
    "--allow-read",
    "--allow-write",
    "--host",
    "127.0.0.1",
    "--port",
    "0",
    "examples/todo/app.ts",
  ], {
    listening: /Listening on (http:\/\/127\.0\.0\.1:\d+)\/ with 2 threads/,
    env: { DENO_JOBS: "2", DATA_DIR: dir.path },
  });
  // A new connection per request, so the kernel spreads them over both workers (SO_REUSEPORT).
  const client = Deno.createHttpClient({ poolMaxIdlePerHost: 0 });
  try {
    const url = server.match[1] as string;
    const workers = new Map<string, Health[]>();
    // Bounded: 10 rounds of 20 concurrent requests; the first round finds both workers cold.
    for (let round = 0; round < 10 && (round < 3 || workers.size < 2); round++) {
      const answers = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const response = await fetch(`${url}/health`, { client });
          assert.equal(response.status, 200);
          return await response.json() as Health;
        }),
      );
      for (const health of answers) {
        workers.set(health.isolate, [...workers.get(health.isolate) ?? [], health]);
      }
    }
    assert.equal(workers.size, 2, `workers that answered: ${[...workers.keys()]}`);
    for (const [isolate, answers] of workers) {
      for (const health of answers) {
        assert.deepEqual(health, { status: "ok", isolate, builds: 1, storeOpens: 1 });
      }
    }
    // Both workers write to the one SQLite file.
    await Promise.all(
      Array.from({ length: 10 }, async (_, index) => {
        const response = await fetch(`${url}/todos`, { ...post(`w${index}`), client });
        assert.equal(response.status, 201);
        await response.body?.cancel();
      }),
    );
    const todos = await (await fetch(`${url}/todos`, { client })).json();
    assert.equal(todos.length, 10);
  } finally {
    client.close();
    await server.stop();
  }
});

test("bun run serves the todo app's default export on 127.0.0.1 and builds it once", {
  skip: runtime !== "bun" && "bun run is Bun's",
  timeout: 60_000,
}, async () => {
  await using dir = await temporaryDir();
  // PORT=0: the default export passes it to Bun as `port`, with `hostname: "127.0.0.1"`.
  const server = await spawnServer(runtimeBinary, ["run", "examples/todo/app.ts"], {
    listening: /Started (?:development )?server: (http:\/\/127\.0\.0\.1:\d+)/,
    env: { PORT: "0", DATA_DIR: dir.path },
  });
  try {
    const url = server.match[1] as string;
    await createTogether(url, 30);
    const health = await (await fetch(`${url}/health`)).json() as Health;
    assert.equal(health.builds, 1);
    assert.equal(health.storeOpens, 1);
    assert.equal((await (await fetch(`${url}/todos`)).json()).length, 30);
  } finally {
    await server.stop();
  }
});

test("workerd runs the todo Worker, bundled by bun build, and builds it once per isolate", {
  timeout: 60_000,
}, async () => {
  const worker = await startWorkerd("examples/worker.ts");
  try {
    const url = worker.url;
    await createTogether(url, 30);
    const answers = await Promise.all(
      Array.from({ length: 10 }, async () => await (await fetch(`${url}/health`)).json() as Health),
    );
    for (const health of answers) {
      assert.deepEqual(health, {
        status: "ok",
        isolate: answers[0]?.isolate,
        builds: 1,
        storeOpens: 1,
      });
    }
    assert.equal((await (await fetch(`${url}/todos`)).json()).length, 30);
    const missing = await fetch(`${url}/todos/999`);
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get("content-type"), "application/problem+json");
    await missing.body?.cancel();
    const bad = await fetch(`${url}/todos`, { ...post(""), body: "{" });
    assert.equal(bad.status, 400);
    assert.match((await bad.json()).detail, /not valid JSON/);
    // zod turns the schemas into the OpenAPI document on workerd too.
    const document = await (await fetch(`${url}/openapi.json`)).json();
    assert.equal(
      document.paths["/todos"].post.requestBody.content["application/json"].schema.required[0],
      "title",
    );
  } finally {
    await worker.stop();
  }
});

import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createTodoApp, MAX_BODY_BYTES, MAX_TITLE_LENGTH } from "../examples/todo/app.ts";
import {
  openMemoryStore,
  openSqliteStore,
  todoDatabasePath,
  type TodoStore,
} from "../examples/todo/store.ts";
import { runtime, serve } from "./_serve.ts";
import { runtimeBinary, type SpawnedServer, spawnServer } from "./_spawn.ts";

/** The todo server as `npm start` runs it, with this runtime, on a free port and `dataDir`. */
function startTodoServer(dataDir: string): Promise<SpawnedServer> {
  const args = runtime === "deno"
    ? [
      "run",
      "--allow-net",
      "--allow-env",
      "--allow-read",
      "--allow-write",
      "examples/todo/server.ts",
    ]
    : ["examples/todo/server.ts"];
  return spawnServer(runtimeBinary, args, {
    listening: /listening on (http:\/\/127\.0\.0\.1:\d+)\//,
    env: { PORT: "0", DATA_DIR: dataDir },
  });
}

/** A fresh temporary folder, removed by `using`'s dispose. */
async function temporaryDir(): Promise<{ path: string; [Symbol.asyncDispose](): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), "latch-todo-"));
  return { path, [Symbol.asyncDispose]: () => rm(path, { recursive: true, force: true }) };
}

function json(method: string, body: unknown): RequestInit {
  return {
    method,
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  };
}

test(
  `The todo server on ${runtime} creates, lists, reads, updates and deletes todos over HTTP, and serves its OpenAPI document and docs`,
  {
    timeout: 60_000,
  },
  async () => {
    await using dir = await temporaryDir();
    const server = await startTodoServer(dir.path);
    try {
      const url = server.match[1] as string;
      assert.deepEqual(await (await fetch(`${url}/todos`)).json(), []);

      const created = await fetch(`${url}/todos`, json("POST", { title: "Buy milk" }));
      assert.equal(created.status, 201);
      assert.equal(created.headers.get("location"), "/todos/1");
      assert.deepEqual(await created.json(), { id: 1, title: "Buy milk", done: false });
      const second = await fetch(`${url}/todos`, json("POST", { title: "Walk", done: true }));
      assert.deepEqual(await second.json(), { id: 2, title: "Walk", done: true });

      const read = await fetch(new URL("/todos/1", url));
      assert.equal(read.status, 200);
      assert.deepEqual(await read.json(), { id: 1, title: "Buy milk", done: false });

      const done = await fetch(`${url}/todos/1`, json("PATCH", { done: true }));
      assert.deepEqual(await done.json(), { id: 1, title: "Buy milk", done: true });
      const renamed = await fetch(`${url}/todos/1`, json("PATCH", { title: "Buy oat milk" }));
      assert.deepEqual(await renamed.json(), { id: 1, title: "Buy oat milk", done: true });

      const deleted = await fetch(`${url}/todos/2`, { method: "DELETE" });
      assert.equal(deleted.status, 204);
      assert.equal(await deleted.text(), "");
      assert.equal((await fetch(`${url}/todos/2`, { method: "DELETE" })).status, 404);
      assert.deepEqual(await (await fetch(`${url}/todos`)).json(), [
        { id: 1, title: "Buy oat milk", done: true },
      ]);
      assert.ok(existsSync(join(dir.path, "todo.db")), "the database is in DATA_DIR");

      const document = await fetch(`${url}/openapi.json`);
      assert.equal(document.status, 200);
      assert.equal((await document.json()).openapi, "3.1.0");
      const docs = await fetch(`${url}/docs`);
      assert.equal(docs.headers.get("content-type"), "text/html; charset=utf-8");
      assert.match(await docs.text(), /\.\/openapi\.json/);
    } finally {
      assert.equal(await server.stop("SIGTERM"), 0, server.output());
    }
  },
);

test(
  `The todo server on ${runtime} keeps its todos in SQLite across a restart, and exits 0 on SIGINT`,
  { timeout: 60_000 },
  async () => {
    await using dir = await temporaryDir();
    const first = await startTodoServer(dir.path);
    let firstCode: number;
    try {
      const url = first.match[1] as string;
      for (const title of ["one", "two", "three"]) {
        assert.equal((await fetch(`${url}/todos`, json("POST", { title }))).status, 201);
      }
      await (await fetch(`${url}/todos/2`, json("PATCH", { done: true }))).body?.cancel();
    } finally {
      firstCode = await first.stop("SIGINT");
    }
    assert.equal(firstCode, 0, first.output());

    const second = await startTodoServer(dir.path);
    try {
      const url = second.match[1] as string;
      assert.deepEqual(await (await fetch(`${url}/todos`)).json(), [
        { id: 1, title: "one", done: false },
        { id: 2, title: "two", done: true },
        { id: 3, title: "three", done: false },
      ]);
      const next = await fetch(`${url}/todos`, json("POST", { title: "four" }));
      assert.equal((await next.json()).id, 4);
    } finally {
      assert.equal(await second.stop(), 0, second.output());
    }
  },
);

test(`The todo app on ${runtime} answers bad JSON and wrong fields with 400, a body not sent as JSON with 415, and too large a body with 413, and writes nothing`, async () => {
  await using dir = await temporaryDir();
  const app = createTodoApp({ database: join(dir.path, "todo.db") });
  const server = serve(app.fetch);
  try {
    const url = server.url;
    await (await fetch(`${url}/todos`, json("POST", { title: "Keep me" }))).body?.cancel();
    const bad: [string, string, RequestInit, RegExp][] = [
      ["POST", "/todos", json("POST", "{"), /not valid JSON/],
      ["POST", "/todos", json("POST", ""), /not valid JSON/],
      ["POST", "/todos", json("POST", "[]"), /must be a JSON object/],
      ["POST", "/todos", json("POST", "null"), /must be a JSON object/],
      ["POST", "/todos", json("POST", {}), /"title" is required/],
      ["POST", "/todos", json("POST", { title: "" }), /"title" must be a non-empty string/],
      ["POST", "/todos", json("POST", { title: "   " }), /"title" must be a non-empty string/],
      ["POST", "/todos", json("POST", { title: 7 }), /"title" must be/],
      [
        "POST",
        "/todos",
        json("POST", { title: "x".repeat(MAX_TITLE_LENGTH + 1) }),
        /at most 200 characters/,
      ],
      [
        "POST",
        "/todos",
        json("POST", { title: "ok", done: "yes" }),
        /"done" must be true or false/,
      ],
      ["POST", "/todos", json("POST", { title: "ok", owner: "me" }), /unknown field "owner"/],
      ["PATCH", "/todos/1", json("PATCH", "{"), /not valid JSON/],
      ["PATCH", "/todos/1", json("PATCH", {}), /send "title" or "done"/],
      ["PATCH", "/todos/1", json("PATCH", { done: 1 }), /"done" must be true or false/],
      ["PATCH", "/todos/1", json("PATCH", { title: "new", id: 9 }), /unknown field "id"/],
      ["PATCH", "/todos/1", json("PATCH", { title: null }), /"title" must be/],
    ];
    for (const [method, path, init, detail] of bad) {
      const response = await fetch(`${url}${path}`, init);
      const what = `${method} ${path} ${String(init.body).slice(0, 40)}`;
      assert.equal(response.status, 400, what);
      assert.equal(response.headers.get("content-type"), "application/problem+json", what);
      const problem = await response.json();
      assert.equal(problem.status, 400, what);
      assert.equal(problem.title, "Bad Request", what);
      assert.match(problem.detail, detail, what);
    }
    // A body over the limit is refused before it is parsed, streamed or not.
    const huge = JSON.stringify({ title: "x".repeat(MAX_BODY_BYTES) });
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(huge));
        controller.close();
      },
    });
    for (const body of [huge, streamed]) {
      const response = await fetch(`${url}/todos`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body,
        ...(typeof body === "string" ? {} : { duplex: "half" }),
      } as RequestInit);
      assert.equal(response.status, 413, typeof body);
      assert.equal((await response.json()).title, "Content Too Large");
    }
    // A body is parsed by its Content-Type: none, or one latch cannot parse, is refused unread.
    for (const [method, path] of [["POST", "/todos"], ["PATCH", "/todos/1"]] as const) {
      for (const headers of [{}, { "content-type": "text/plain" }]) {
        const response = await fetch(`${url}${path}`, {
          method,
          headers,
          body: new TextEncoder().encode('{"title": "Sent as text"}'),
        });
        const what = `${method} ${JSON.stringify(headers)}`;
        assert.equal(response.status, 415, what);
        assert.equal(response.headers.get("content-type"), "application/problem+json", what);
        assert.match((await response.json()).detail, /application\/json/, what);
      }
    }
    // Every wrong field is named at once, in the detail and in errors.
    const both = await fetch(`${url}/todos`, json("POST", { title: "", done: "no" }));
    const problem = await both.json();
    assert.match(problem.detail, /"title" must be .*; "done" must be true or false/);
    assert.deepEqual(problem.errors, [
      {
        in: "body",
        path: ["title"],
        message: `"title" must be a non-empty string of at most ${MAX_TITLE_LENGTH} characters`,
      },
      { in: "body", path: ["done"], message: `"done" must be true or false` },
    ]);

    assert.deepEqual(await (await fetch(`${url}/todos`)).json(), [
      { id: 1, title: "Keep me", done: false },
    ]);
    // Not even a failed insert's id was used up.
    const next = await fetch(
      `${url}/todos`,
      json("POST", { title: `${"x".repeat(MAX_TITLE_LENGTH)}` }),
    );
    assert.equal(next.status, 201);
    assert.equal((await next.json()).id, 2);
  } finally {
    await server.stop();
    await app.close();
  }
});

/** Titles that must come back exactly as sent: every one is one line of printable text. */
const EXACT_TITLES = [
  'Buy "oat" milk',
  "back\\slash, 'single' and `ticks`",
  "naïve café — 日本語 — Ελληνικά — Ünïcödé",
  "emoji 😀 👩‍👩‍👧‍👦 🇫🇷 👍🏽",
  "<script>alert(1)</script> &amp; %00 \\u0000",
  "RTL مرحبا עברית",
  "combining e\u0301 and a zero\u200bwidth space",
  "  padded on both sides  ",
  "line\u2028separator, not a control character",
  "😀".repeat(MAX_TITLE_LENGTH / 2),
];

/** Titles refused: control characters and unpaired surrogates cannot be stored as sent. */
const UNSTORABLE_TITLES = [
  "abc\u0000def",
  "\u0000",
  "a\u0001b",
  "tab\there",
  "line\nbreak",
  "carriage\rreturn",
  "delete\u007f",
  "c1 \u0085 control",
  "lone \ud800 high surrogate",
  "lone \udfff low surrogate",
];

test(`The todo app on ${runtime} stores a title exactly as sent, quotes, unicode and emoji included`, async () => {
  await using dir = await temporaryDir();
  const app = createTodoApp({ database: join(dir.path, "todo.db") });
  const server = serve(app.fetch);
  try {
    const url = server.url;
    const ids: number[] = [];
    for (const title of EXACT_TITLES) {
      const created = await fetch(`${url}/todos`, json("POST", { title }));
      assert.equal(created.status, 201, title);
      const todo = await created.json();
      assert.equal(todo.title, title);
      assert.deepEqual(await (await fetch(`${url}/todos/${todo.id}`)).json(), todo, title);
      ids.push(todo.id);
    }
    // An update stores exactly too: each todo takes the title of the one before it.
    for (const [index, id] of ids.entries()) {
      const title = EXACT_TITLES.at(index - 1) as string;
      const updated = await fetch(`${url}/todos/${id}`, json("PATCH", { title }));
      assert.equal((await updated.json()).title, title);
    }
    const listed = await (await fetch(`${url}/todos`)).json();
    assert.deepEqual(
      listed.map((todo: { title: string }) => todo.title),
      EXACT_TITLES.map((_, index) => EXACT_TITLES.at(index - 1)),
    );
  } finally {
    await server.stop();
    await app.close();
  }
});

test(`The todo app on ${runtime} answers 400 naming "title" for control characters, and writes nothing`, async () => {
  await using dir = await temporaryDir();
  const app = createTodoApp({ database: join(dir.path, "todo.db") });
  const server = serve(app.fetch);
  try {
    const url = server.url;
    await (await fetch(`${url}/todos`, json("POST", { title: "Keep me" }))).body?.cancel();
    for (const title of UNSTORABLE_TITLES) {
      for (const [method, path] of [["POST", "/todos"], ["PATCH", "/todos/1"]] as const) {
        const response = await fetch(`${url}${path}`, json(method, { title }));
        const what = `${method} ${JSON.stringify(title)}`;
        assert.equal(response.status, 400, what);
        assert.equal(response.headers.get("content-type"), "application/problem+json", what);
        const problem = await response.json();
        assert.equal(problem.title, "Bad Request", what);
        assert.match(problem.detail, /"title" must not contain control characters/, what);
      }
    }
    assert.deepEqual(await (await fetch(`${url}/todos`)).json(), [
      { id: 1, title: "Keep me", done: false },
    ]);
    const next = await fetch(`${url}/todos`, json("POST", { title: "Next" }));
    assert.equal((await next.json()).id, 2, "no refused title used up an id");
  } finally {
    await server.stop();
    await app.close();
  }
});

test(`The todo app on ${runtime} answers 404 for a todo that does not exist, and 405 for a wrong method`, async () => {
  const app = createTodoApp({
    openStore: () => openMemoryStore([{ id: 1, title: "a", done: false }]),
  });
  const server = serve(app.fetch);
  try {
    for (
      const path of ["/todos/2", "/todos/0", "/todos/abc", "/todos/1.5", "/todos/-1", "/todos/01"]
    ) {
      for (const init of [{}, json("PATCH", { done: true }), { method: "DELETE" }]) {
        const response = await fetch(`${server.url}${path}`, init);
        assert.equal(response.status, 404, `${init.method ?? "GET"} ${path}`);
        assert.equal(response.headers.get("content-type"), "application/problem+json");
        assert.match((await response.json()).detail, /^No todo "/);
      }
    }
    const put = await fetch(`${server.url}/todos/1`, json("PUT", { title: "b" }));
    assert.equal(put.status, 405);
    assert.equal(put.headers.get("allow"), "DELETE, GET, HEAD, PATCH, OPTIONS");
    await put.body?.cancel();
    assert.deepEqual(await (await fetch(`${server.url}/todos/1`)).json(), {
      id: 1,
      title: "a",
      done: false,
    });
  } finally {
    await server.stop();
    await app.close();
  }
});

test(`The todo app on ${runtime} opens SQLite once for 50 concurrent first requests, closes it on app.close(), and a new app finds the data`, async () => {
  await using dir = await temporaryDir();
  const database = join(dir.path, "nested", "todo.db");
  const counts = { opened: 0, closed: 0 };
  const countingStore = async (): Promise<TodoStore> => {
    counts.opened++;
    const store = await openSqliteStore(database);
    return { ...store, close: () => (counts.closed++, store.close()) };
  };
  const app = createTodoApp({ openStore: countingStore });
  const responses = await Promise.all(
    Array.from(
      { length: 50 },
      (_, index) =>
        app.fetch(new Request("http://localhost/todos", json("POST", { title: `t${index}` }))),
    ),
  );
  assert.deepEqual(responses.map((response) => response.status), Array(50).fill(201));
  const health = await (await app.fetch(new Request("http://localhost/health"))).json();
  assert.equal(health.builds, 1);
  assert.equal(health.storeOpens, 1);
  assert.deepEqual(counts, { opened: 1, closed: 0 });
  await app.close();
  assert.deepEqual(counts, { opened: 1, closed: 1 });
  assert.equal((await app.fetch(new Request("http://localhost/todos"))).status, 503);

  const reopened = createTodoApp({ database });
  try {
    const todos = await (await reopened.fetch(new Request("http://localhost/todos"))).json();
    assert.equal(todos.length, 50);
    assert.deepEqual(
      todos.map((todo: { title: string }) => todo.title).sort(),
      Array.from({ length: 50 }, (_, index) => `t${index}`).sort(),
    );
  } finally {
    await reopened.close();
  }
});

test("The todo database path comes from TODO_DB, then DATA_DIR, then ./data", () => {
  assert.equal(todoDatabasePath({ TODO_DB: "/x/my.db", DATA_DIR: "/y" }), "/x/my.db");
  assert.equal(todoDatabasePath({ DATA_DIR: "/y/" }), "/y/todo.db");
  assert.equal(todoDatabasePath({ DATA_DIR: "" }), "./data/todo.db");
  assert.equal(todoDatabasePath({}), "./data/todo.db");
});

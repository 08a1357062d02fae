import { test } from "node:test";
import assert from "node:assert/strict";
import { createApp, type NoteStore, openStore } from "../examples/app.ts";

/** The example app with a store opener that counts its calls and closes. */
function countingApp() {
  const counts = { opened: 0, closed: 0 };
  const app = createApp(async (): Promise<NoteStore> => {
    counts.opened++;
    const store = await openStore();
    return { ...store, close: () => (counts.closed++, store.close()) };
  });
  return { app, counts };
}

test("The example app opens its store once for concurrent first requests, and closes it", async () => {
  const { app, counts } = countingApp();
  const [list, created] = await Promise.all([
    app.fetch(new Request("http://localhost/notes")),
    app.fetch(
      new Request("http://localhost/notes", {
        method: "POST",
        body: JSON.stringify({ text: "hi" }),
      }),
    ),
  ]);
  assert.equal(list.status, 200);
  assert.ok(Array.isArray(await list.json()));
  assert.equal(created.status, 201);
  const { id } = await created.json();
  const read = await app.fetch(new Request(`http://localhost/notes/${id}`));
  assert.deepEqual(await read.json(), { id, text: "hi" });
  assert.match(read.headers.get("server-timing") ?? "", /^app;dur=/);
  assert.deepEqual(counts, { opened: 1, closed: 0 });
  await app.close();
  assert.deepEqual(counts, { opened: 1, closed: 1 });
});

test("The example app answers bad input and unknown notes with problem details", async () => {
  const { app } = countingApp();
  const bad = await app.fetch(new Request("http://localhost/notes", { method: "POST", body: "{" }));
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).detail, 'Send JSON like {"text": "…"}');
  const missing = await app.fetch(new Request("http://localhost/notes/999"));
  assert.equal(missing.status, 404);
  assert.equal(missing.headers.get("content-type"), "application/problem+json");
  await app.close();
});
